"""`my requests` and `status FTA-2026-00042`: a seller sees their own requests, and only those
(an admin may look any request up by number)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.commands import Command, command
from bot.replies import InvokeBody, card_message, message_invoke
from bot.roles import Roles
from bot.status_cards import StatusCards
from bot.turn import Turn
from cards import verbs
from cards.requests import create_request_list_card
from domain.requests import FtaRequest, RequestRepository, request_number

NUMBER = r"FTA-(?P<year>\d{4})-(?P<id>\d{1,9})"


def number_in(found: re.Match[str]) -> str:
    """The request number typed (``FTA-2026-42`` too), as it was issued."""
    return request_number(int(found["year"]), int(found["id"]))


class MyRequests:
    def __init__(self, requests: RequestRepository, roles: Roles, status: StatusCards,
                 manager_view: Callable[[Turn, FtaRequest], Awaitable[bool]]
                 | None = None) -> None:
        self._requests, self._roles, self._status = requests, roles, status
        self._manager_view = manager_view

    def commands(self) -> list[Command]:
        return [command("my requests", "List your requests (add all for cancelled drafts too)",
                        r"(?:my\s+requests|requests|list)(?P<all>\s+all)?", self.list),
                command("status", "Show one request", rf"(?:status\s+)?{NUMBER}",
                        self.status),
                command("status", "Ask for a number", r"status", self.status_without_number)]

    def actions(self) -> dict[str, Any]:
        return {verbs.SHOW_STATUS: self.list_from_card}

    async def list(self, turn: Turn, found: re.Match[str]) -> None:
        """`my requests`: the seller's requests, newest first; `my requests all` adds the
        cancelled drafts."""
        await self._send_list(turn, with_cancelled=bool(found["all"]))

    async def list_from_card(self, turn: Turn, _: dict[str, Any]) -> InvokeBody:
        """The My requests button: the list arrives as a new message below."""
        await self._send_list(turn)
        return message_invoke("Here are your requests.")

    async def _send_list(self, turn: Turn, with_cancelled: bool = False) -> None:
        mine = await self._requests.list_of(turn.actor.id,
                                            with_cancelled=with_cancelled)
        await turn.send(
            card_message(create_request_list_card(mine, with_cancelled)))

    async def status(self, turn: Turn, found: re.Match[str]) -> None:
        """`status FTA-…`: one request, if it is the seller's own (or the sender an admin); a
        manager sees it with what they can do to it (bot/managers_desk.py)."""
        number = number_in(found)
        request = await self._requests.by_number(number)
        if request is not None and self._manager_view is not None \
                and await self._manager_view(turn, request):
            return
        if request is None or not self._roles.may_see(turn, request):
            await turn.send(
                f"I can't find {number} among your requests. Type **my requests** to see them.")
            return
        await turn.send(card_message(await self._status.card(request)))

    async def status_without_number(self, turn: Turn, _: re.Match[str]) -> None:
        await turn.send("Which request? Type e.g. **status FTA-2026-00042**, "
                                         "or **my requests** to list them.")
