"""Cards that show a request's state are updated in place when the state changes: the
seller's card (the message they submitted from), the offers made to FTAs, and the FTA
managers' escalation and SLA cards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.channels import Poster
from bot.turn import Turn
from cards.base import Card
from cards.requests import create_status_card
from domain.ftop import FtopGateway
from domain.offers import AssignmentDesk, OfferState
from domain.queue import LateLane
from domain.requests import FtaRequest, RequestRepository, State
from domain.timers import Timers

SELLER = "seller"
MANAGERS = "managers-"  # the roles of the cards that ask the FTA managers to act
ESCALATED = "escalated"  # the timer kind that records that the managers were asked


def offer_role(offer_id: int) -> str:
    return f"offer-{offer_id}"


def managers_role(what: str) -> str:
    return f"{MANAGERS}{what}"


class StatusCards:
    def __init__(self, poster: Poster, requests: RequestRepository, timers: Timers,
                 ftop: FtopGateway, desk: AssignmentDesk, clock: Callable[[], datetime],
                 late: LateLane) -> None:
        """``late``: the engine's late lane (its policy's), which the card explains."""
        self._poster = poster
        self._requests = requests
        self._timers, self._ftop = timers, ftop
        self._desk, self._clock, self._late = desk, clock, late

    async def remember_seller_card(self, request: FtaRequest, turn: Turn) -> None:
        """The card the seller just submitted from is their status card from now on."""
        if turn.reply_to_id:
            await self._poster.remember_card_acted_on(request.id, SELLER,
                                                      turn.reference(with_activity_id=True),
                                                      turn.reply_to_id)

    async def remember_sent_card(self, request: FtaRequest, turn: Turn,
                                 activity_id: str) -> None:
        """The card just sent in reply (a draft's form) is the seller's card from now on."""
        reference = turn.reference()
        await self._poster.remember_card_acted_on(request.id, SELLER, reference, activity_id)

    async def refresh(self, request_id: int) -> None:
        """Show the request's current state on the seller's card."""
        request = await self._requests.get(request_id)
        if request is not None:
            await self.show(request)

    async def show(self, request: FtaRequest, card: dict[str, Any] | None = None) -> None:
        """Show ``request``, as just read or written, on the seller's card (as ``card``, when
        given, instead of the status card)."""
        await self._poster.update(request.id, SELLER, card or await self.card(request))

    async def card(self, request: FtaRequest) -> Card:
        """The seller's status card: says so when the FTA managers have the request, what
        happens to it past its deadline while it waits with no offer, and lists the
        decisions recorded once an FTA has it."""
        with_managers = request.state is State.AWAITING_FTA and \
            await self._timers.happened(ESCALATED, request.id)
        record = await self._ftop.get(request.id) \
            if request.state in (State.ASSIGNED, State.WITHDRAWN) else None
        now = self._clock()
        late = self._late if await self._waits_late(request, now) else None
        return create_status_card(request, with_managers, record, late, now)

    async def _waits_late(self, request: FtaRequest, now: datetime) -> bool:
        """Past its deadline with no offer out: the late lane decides what happens next."""
        if request.state is not State.AWAITING_FTA or request.deadline is None \
                or request.deadline > now:
            return False
        return not any(o.state is OfferState.OFFERED
                       for o in await self._desk.offers_for(request.id))

    async def replace_managers(self, request_id: int, card: dict[str, Any]) -> None:
        """Replace the managers' escalation and SLA cards of the request, once moot."""
        for role in await self._poster.card_lanes(request_id):
            if role.startswith(MANAGERS):
                await self._poster.update(request_id, role, card)

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
