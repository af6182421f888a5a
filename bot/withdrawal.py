"""A seller withdraws a submitted request. Before an FTA accepts it: the live offer ends (the
FTA's offer card says so and their points are freed) and the FTA managers' cards about it are
closed; the seller's card shows it withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from botbuilder.core import TurnContext

from bot.ownership import owned_request
from bot.replies import InvokeBody, card_invoke, message_invoke
from bot.status_cards import StatusCards
from cards import verbs
from cards.offers import create_offer_answered_card
from domain.offers import AssignmentDesk, OfferError
from domain.outbox import UnitOfWork
from domain.requests import STATE_LABELS, WITHDRAWABLE, RequestRepository


class Withdrawal:
    def __init__(self, *, desk: AssignmentDesk, requests: RequestRepository,
                 status: StatusCards, clock: Callable[[], datetime],
                 unit_of_work: UnitOfWork) -> None:
        self._desk, self._requests, self._status = desk, requests, status
        self._clock, self._unit_of_work = clock, unit_of_work

    def actions(self) -> dict[str, Any]:
        return {verbs.WITHDRAW_REQUEST: self.withdraw}

    async def withdraw(self, turn_context: TurnContext, data: dict[str, Any]) -> InvokeBody:
        """Withdraw Request on the seller's card: only the seller who filed it may."""
        request = await owned_request(self._requests, turn_context, data)
        if request.state not in WITHDRAWABLE:
            return message_invoke(f"{request.number} can no longer be withdrawn here (status: "
                                  f"{STATE_LABELS[request.state]}).")
        try:
            async with self._unit_of_work():  # withdrawn and announced together, or neither
                withdrawn, ended = await self._desk.withdraw(request.id, self._clock())
                gone = create_offer_answered_card(
                    withdrawn, f"{withdrawn.number} was withdrawn",
                    "The seller withdrew the request: nothing to do.")
                for offer in ended:
                    await self._status.replace_offers(withdrawn.id, gone, offer.id)
                await self._status.replace_managers(withdrawn.id, gone)
                await self._status.show(withdrawn)
        except OfferError:  # accepted a moment ago
            return message_invoke(f"{request.number} was just assigned to an FTA; it can no "
                                  "longer be withdrawn here.")
        return card_invoke(await self._status.card(withdrawn))
