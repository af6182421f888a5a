"""The offered FTA sends a request back to the seller, as incomplete or of the wrong type, with
a reason: the offer ends (the FTA's points are freed), the SLA timers stop, and the seller's
card reopens the form with the reason shown. Submitted again, the 2-business-day deadline runs
from the resubmission; the first submission is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.channels import Poster
from bot.ownership import card_id
from bot.replies import InvokeBody, Refused, card_invoke, message_invoke
from bot.status_cards import StatusCards
from bot.turn import Turn
from cards import verbs
from cards.intake import create_form_card, create_sent_back_notice_card
from cards.offers import create_offer_answered_card, create_offer_card
from domain.offers import SENT_BACK, AssignmentDesk, Offer, OfferError
from domain.outbox import UnitOfWork
from domain.requests import (
    SEND_BACK_KINDS,
    FtaRequest,
    RequestError,
    RequestRepository,
    StaleRequest,
)
from domain.roster import Architect, Roster
from domain.sla import SLA_KINDS
from domain.timers import Timers


class SendBack:
    def __init__(self, *, desk: AssignmentDesk, requests: RequestRepository, roster: Roster,
                 timers: Timers, status: StatusCards, poster: Poster,
                 clock: Callable[[], datetime], unit_of_work: UnitOfWork) -> None:
        self._desk, self._requests, self._roster = desk, requests, roster
        self._timers, self._status, self._poster = timers, status, poster
        self._clock, self._unit_of_work = clock, unit_of_work

    def actions(self) -> dict[str, Any]:
        return {verbs.SEND_BACK: self.send_back}

    async def send_back(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Send back (incomplete, or wrong type) on the offer card, with what to fix."""
        offer, architect, request = await self._offer_for_actor(turn, data)
        kind = data.get("kind") if isinstance(data.get("kind"), str) else ""
        reason = data.get("send_back_reason")
        reason = reason.strip()[:500] if isinstance(reason, str) else ""
        try:
            request.send_back(str(kind), reason, architect.name, self._clock())
        except RequestError as error:
            return card_invoke(create_offer_card(request, offer, architect, str(error)))
        try:
            async with self._unit_of_work():  # all of it, or none
                await self._desk.decline(offer.id, architect.id, f"{SENT_BACK} as "
                                         f"{SEND_BACK_KINDS[str(kind)]}: {reason}",
                                         self._clock())
                await self._requests.save(request)
                for timer in SLA_KINDS:  # set again when the seller resubmits
                    await self._timers.forget(timer, request.id)
                await self._tell_seller(request)
        except (OfferError, StaleRequest):
            return message_invoke(f"{request.number} changed meanwhile; nothing was sent back.")
        return card_invoke(create_offer_answered_card(
            request, f"You sent {request.number} back to the seller",
            "They fix it and submit it again; it is then offered anew."))

    async def _tell_seller(self, request: FtaRequest) -> None:
        """The seller's card turns back into the form, with the reason; and a notice."""
        await self._status.show(request, create_form_card(request))
        await self._poster.to_person(request.requester.id,
                                     create_sent_back_notice_card(request),
                                     audience=request.requester.name,
                                     what=f"The send-back of {request.number}")

    async def _offer_for_actor(self, turn: Turn, data: dict[str, Any]
                               ) -> tuple[Offer, Architect, FtaRequest]:
        offer_id = card_id(data, "offer_id")
        offer = await self._desk.get(offer_id) if offer_id is not None else None
        architect = await self._roster.by_aad_id(turn.actor.id)
        if offer is None or architect is None or architect.id != offer.architect_id:
            raise Refused(message_invoke("This offer was made to someone else."))
        request = await self._requests.get(offer.request_id)
        if request is None:
            raise Refused(message_invoke("That request no longer exists."))
        return offer, architect, request
