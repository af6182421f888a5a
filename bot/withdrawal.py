"""A seller withdraws a submitted request.

Before an FTA accepts it: the live offer ends (the FTA's offer card says so, their points are
freed) and the FTA managers' cards about it close. After: the engagement ends (capacity freed),
the FTOP record's open tasks close as withdrawn, a booked internal call is cancelled through
Graph, the FTA's work card and the account team's post say so, and both are told. Either way
the seller's card shows it withdrawn."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.assignment_work import ACCOUNT_TEAM
from bot.channels import Poster
from bot.ownership import owned_request
from bot.replies import InvokeBody, card_invoke, message_invoke
from bot.status_cards import StatusCards
from bot.turn import Turn
from cards import verbs
from cards.offers import create_offer_answered_card
from cards.withdrawal import create_withdrawn_account_team_card, create_withdrawn_work_card
from domain.ftop import EnterpriseAssignment, FtopGateway, StaleRecord
from domain.offers import AssignmentDesk, Offer, OfferError, OfferState
from domain.outbox import UnitOfWork
from domain.requests import STATE_LABELS, WITHDRAWABLE, FtaRequest, RequestRepository, State
from domain.roster import Roster
from domain.scheduling import CalendarGateway, CalendarUnavailable

FRESH_READS = 3  # the FTA's record changed under the withdrawal: read it again, this often

log = logging.getLogger(__name__)


class Withdrawal:
    def __init__(self, *, desk: AssignmentDesk, requests: RequestRepository,
                 status: StatusCards, ftop: FtopGateway, roster: Roster, poster: Poster,
                 calendar: CalendarGateway | None, clock: Callable[[], datetime],
                 unit_of_work: UnitOfWork) -> None:
        self._desk, self._requests, self._status = desk, requests, status
        self._ftop, self._roster, self._poster = ftop, roster, poster
        self._calendar, self._clock, self._unit_of_work = calendar, clock, unit_of_work

    def actions(self) -> dict[str, Any]:
        return {verbs.WITHDRAW_REQUEST: self.withdraw}

    async def withdraw(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Withdraw request on the seller's card: only the seller who filed it may."""
        request = await owned_request(self._requests, turn, data)
        if request.state not in WITHDRAWABLE:
            return message_invoke(f"{request.number} can no longer be withdrawn here (status: "
                                  f"{STATE_LABELS[request.state]}).")
        record = await self._ftop.get(request.id) if request.state is State.ASSIGNED else None
        cancelled = await self._cancel_call(record, request) if record is not None else False
        for attempt in range(1, FRESH_READS + 1):
            try:
                async with self._unit_of_work():  # withdrawn and announced together, or neither
                    withdrawn, ended = await self._desk.withdraw(request.id, request.state,
                                                                 self._clock())
                    if record is not None:
                        await self._close_assignment(withdrawn, record, ended, cancelled)
                    else:
                        await self._close_offers(withdrawn, ended)
                    await self._status.show(withdrawn)
                break
            except OfferError:  # assigned or withdrawn a moment ago
                return message_invoke(f"{request.number} changed a moment ago; type status "
                                      f"{request.number} to see where it stands.")
            except StaleRecord:  # the FTA acted on the record meanwhile: keep that, withdraw
                if attempt == FRESH_READS:
                    raise
                record = await self._ftop.get(request.id)
        return card_invoke(await self._status.card(withdrawn))

    async def _close_offers(self, request: FtaRequest, ended: list[Offer]) -> None:
        gone = create_offer_answered_card(request, f"{request.number} was withdrawn",
                                          "The seller withdrew the request: nothing to do.")
        for offer in ended:
            await self._status.replace_offers(request.id, gone, offer.id)
        await self._status.replace_managers(request.id, gone)

    async def _close_assignment(self, request: FtaRequest, record: EnterpriseAssignment,
                                ended: list[Offer], cancelled: bool) -> None:
        record.withdraw(request.requester.name, self._clock(), cancelled)
        await self._ftop.record(record)
        work = create_withdrawn_work_card(request, record, cancelled)
        for offer in ended:  # the offer card the FTA accepted on became their work card
            if offer.state is OfferState.ACCEPTED:
                await self._status.replace_offers(request.id, work, offer.id)
        architect = await self._roster.get(record.fta_id)
        if architect is not None:
            await self._poster.to_person(architect.aad_id, work, audience=architect.name,
                                         what=f"The withdrawal of {request.number}")
        post = create_withdrawn_account_team_card(request, record, cancelled)
        await self._poster.update(request.id, ACCOUNT_TEAM, post)
        channel = record.account_post[0] if record.account_post else ""
        if channel:  # a reply in the post's thread, so the account team hears of it
            await self._poster.to_channel(channel, post, thread_of=(request.id, ACCOUNT_TEAM),
                                          audience="the account team channel",
                                          what=f"The withdrawal of {request.number}")

    async def _cancel_call(self, record: EnterpriseAssignment, request: FtaRequest) -> bool:
        """Cancel the booked internal call in the FTA's calendar; False if it could not be."""
        if record.call is None or self._calendar is None:
            return False
        architect = await self._roster.get(record.fta_id)
        if architect is None:
            return False
        try:
            await self._calendar.cancel_meeting(
                architect.email, record.call.meeting_id,
                f"{request.number} was withdrawn by the seller: this call is no longer needed.")
        except CalendarUnavailable as error:
            log.warning("internal call of request %s not cancelled: %s", request.id, error)
            return False
        return True
