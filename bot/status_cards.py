"""Cards that show a request's state are updated in place when the state changes: the
seller's card (the message they submitted from) and the offers made to FTAs."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext

from bot.addresses import reference_json
from bot.channels import Poster
from cards.requests import create_status_card
from domain.requests import FtaRequest, RequestRepository

SELLER = "seller"


def offer_role(offer_id: int) -> str:
    return f"offer-{offer_id}"


class StatusCards:
    def __init__(self, poster: Poster, requests: RequestRepository) -> None:
        self._poster = poster
        self._requests = requests

    async def remember_seller_card(self, request: FtaRequest, turn_context: TurnContext) -> None:
        """The card the seller just submitted from is their status card from now on."""
        activity = turn_context.activity
        if activity.reply_to_id:
            reference = reference_json(activity, with_activity_id=True)
            await self._poster.remember_card_acted_on(request.id, SELLER, reference,
                                                      activity.reply_to_id)

    async def remember_sent_card(self, request: FtaRequest, turn_context: TurnContext,
                                 activity_id: str) -> None:
        """The card just sent in reply (a draft's form) is the seller's card from now on."""
        reference = reference_json(turn_context.activity)
        await self._poster.remember_card_acted_on(request.id, SELLER, reference, activity_id)

    async def refresh(self, request_id: int) -> None:
        """Show the request's current state on the seller's card."""
        request = await self._requests.get(request_id)
        if request is not None:
            await self.show(request)

    async def show(self, request: FtaRequest, card: dict[str, Any] | None = None) -> None:
        """Show ``request``, as just read or written, on the seller's card (as ``card``, when
        given, instead of the status card)."""
        await self._poster.update(request.id, SELLER, card or create_status_card(request))

    async def replace_offers(self, request_id: int, card: dict[str, Any],
                             offer_id: int | None = None) -> None:
        """Replace one offer's card (or every offer's) for the FTA who got it."""
        for role in await self._poster.card_lanes(request_id):
            if _is_offer(role, offer_id):
                await self._poster.update(request_id, role, card)


def _is_offer(role: str, offer_id: int | None) -> bool:
    """Is ``role`` the card of offer ``offer_id`` (of any offer, when None)?"""
    if offer_id is None:
        return role.startswith("offer-")
    return role == offer_role(offer_id)
