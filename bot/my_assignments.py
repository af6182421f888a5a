"""`my assignments`: an FTA sees their open work (offers to answer, FTOP tasks 3298 and 3286,
reviews to decide) and how long each has waited; all of it, a page of the oldest at a time
(`my assignments 2` for the next), so a card stays within Teams' size limit."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bot.commands import Command, command
from bot.first_contact import FirstContactChase
from bot.replies import card_message
from bot.turn import Turn
from cards.open_work import Page, create_open_work_card
from domain.ftop import FtopGateway
from domain.offers import AssignmentDesk, OfferState
from domain.open_work import OpenWork, open_work
from domain.requests import RequestRepository
from domain.roster import Architect, Roster

NOT_AN_FTA = "my assignments is for FastTrack Architects on the roster."
PAGE = 25  # items on one card: about 25 KB of card, well within Teams' 100 KB


class MyAssignments:
    def __init__(self, *, roster: Roster, desk: AssignmentDesk, requests: RequestRepository,
                 ftop: FtopGateway, chase: FirstContactChase,
                 clock: Callable[[], datetime]) -> None:
        self._roster, self._desk, self._requests = roster, desk, requests
        self._ftop, self._chase, self._clock = ftop, chase, clock

    def commands(self) -> list[Command]:
        return [command("my assignments", "FTAs: your open requests and FTOP tasks",
                        r"(?:(?:my\s+)?assignments|my\s+work)(?:\s+(?:page\s+)?(\d{1,4}))?",
                        self.show)]

    async def show(self, turn: Turn, found: re.Match[str]) -> None:
        """`my assignments [page]`: the sender's open work, oldest first."""
        architect = await self._roster.by_aad_id(turn.actor.id)
        if architect is None:
            await turn.send(NOT_AN_FTA)
            return
        now = self._clock()
        items = await self._open_work(architect, now)
        pages = max(1, -(-len(items) // PAGE))
        page = min(max(int(found.group(1) or 1), 1), pages)
        shown = items[(page - 1) * PAGE:page * PAGE]
        await turn.send(card_message(create_open_work_card(
            shown, now, Page(page, pages, len(items), (page - 1) * PAGE + 1))))

    async def _open_work(self, architect: Architect, now: datetime) -> list[OpenWork]:
        items = []
        for offer in await self._desk.live_offers_of(architect.id):
            request = await self._requests.get(offer.request_id)
            if request is None:
                continue
            record = await self._ftop.get(request.id) \
                if offer.state is OfferState.ACCEPTED else None
            due = self._chase.due_at(record.assigned_at, architect) if record else None
            item = open_work(offer, request, record, due, now)
            if item is not None:
                items.append(item)
        return sorted(items, key=lambda i: i.since)
