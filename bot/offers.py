"""Offers in Teams: the chosen FTA gets a card to accept or decline; a decline, a time-out or
an FTA the bot cannot reach moves the offer on; nobody left goes to the managers' channel."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.channels import Poster
from bot.escalations import Escalations
from bot.ownership import card_id
from bot.replies import InvokeBody, Refused, card_invoke, message_invoke
from bot.status_cards import StatusCards, offer_role
from bot.turn import Turn
from cards import verbs
from cards.offers import (
    create_offer_answered_card,
    create_offer_card,
    create_unreachable_card,
)
from domain.balancer import Decision, Policy
from domain.offers import UNREACHABLE, AssignmentDesk, Offer, OfferError, Outcome
from domain.outbox import OutboxItem, UnitOfWork
from domain.requests import FtaRequest, RequestRepository
from domain.roster import Architect, Roster
from domain.sla import sla_timers
from domain.timers import Timers

log = logging.getLogger(__name__)


class Routed(StrEnum):
    """Where routing a request left it."""

    OFFERED = "offered"  # to an FTA the bot reached
    ESCALATED = "escalated"  # nobody eligible: the FTA managers have it
    UNTOLD = "untold"  # nobody eligible, and the managers' channel could not be reached yet
    UNCHANGED = "unchanged"  # not waiting for an FTA, or offered already
    RETURNED = "returned"  # a manager's offer declined or timed out: back to the managers


MOVED_ON = {
    Routed.OFFERED: "It was offered to the next FTA.",
    Routed.ESCALATED: "It was sent to the FTA managers because nobody else was eligible.",
    Routed.UNTOLD: "Nobody else was eligible; it goes to the FTA managers as soon as their "
                   "channel can be reached.",
    Routed.UNCHANGED: "It is no longer waiting for an FTA.",
    Routed.RETURNED: "It went back to the FTA managers, who made the offer: they decide "
                     "what happens next."}


class OfferRouter:
    def __init__(self, *, desk: AssignmentDesk, requests: RequestRepository,
                 roster: Roster, timers: Timers, poster: Poster, policy: Policy,
                 clock: Callable[[], datetime], managers_channel_id: str,
                 sla_reminder_hours: tuple[float, ...],
                 on_assigned: Callable[[FtaRequest, Architect, bool],
                                       Awaitable[dict[str, Any]]], status: StatusCards,
                 unit_of_work: UnitOfWork) -> None:
        self._unit_of_work = unit_of_work
        self._desk, self._requests, self._roster = desk, requests, roster
        self._timers, self._poster, self._policy = timers, poster, policy
        self._clock, self._managers = clock, managers_channel_id
        self._reminders = sla_reminder_hours
        self._on_assigned = on_assigned
        self._status = status
        self._escalations = Escalations(
            desk=desk, requests=requests, roster=roster, timers=timers, poster=poster,
            policy=policy, clock=clock, managers_channel_id=managers_channel_id, status=status)

    @property
    def policy(self) -> Policy:
        return self._policy

    @property
    def escalations(self) -> Escalations:
        return self._escalations

    def actions(self) -> dict[str, Any]:
        return {verbs.ACCEPT_OFFER: self.accept, verbs.DECLINE_OFFER: self.decline}

    async def submitted(self, request: FtaRequest) -> None:
        """A request joined the FTA queue: set its SLA timers and offer it."""
        if request.deadline is not None:
            await self._timers.schedule_all(request.id, sla_timers(request.deadline,
                                                                   self._reminders))
        await self.route(request.id)

    async def route(self, request_id: int) -> Routed:
        """Offer the request to the best eligible FTA, skipping those the bot cannot reach;
        nobody eligible: the FTA managers."""
        async with self._unit_of_work():  # the offer and its card are written together
            while True:
                outcome = await self._desk.offer_next(request_id, self._clock(), self._policy)
                if outcome.offer is None:
                    if outcome.returned:  # the engine never overrules a manager's offer
                        told = await self._escalations.escalate(outcome.request, None, True)
                        return Routed.RETURNED if told else Routed.UNTOLD
                    if not outcome.escalate:
                        return Routed.UNCHANGED
                    told = await self._escalations.escalate(outcome.request, outcome.decision)
                    return Routed.ESCALATED if told else Routed.UNTOLD
                if await self._offer_or_move_on(outcome):
                    return Routed.OFFERED

    async def offer_matched(self, request_id: int, decision: Decision) -> Routed:
        """Offer the request as the look-ahead matched it (bot/lookahead.py), if nothing
        changed meanwhile; an FTA the bot cannot reach moves it on as `route` would."""
        async with self._unit_of_work():
            outcome = await self._desk.offer_matched(request_id, decision, self._clock(),
                                                     self._policy.late)
            if outcome.offer is None:
                return Routed.UNCHANGED
            if await self._offer_or_move_on(outcome):
                return Routed.OFFERED
        return await self.route(request_id)

    async def send_offer(self, outcome: Outcome) -> bool:
        """Send the offer just made (a manager's re-offer, say); if its FTA cannot be
        reached, it is declined as such (the managers told) and False: route on."""
        return await self._offer_or_move_on(outcome)

    async def _offer_or_move_on(self, outcome: Outcome) -> bool:
        """Send the offer just made; if its FTA cannot be reached, it is declined as such (the
        managers told) and False tells the caller to route on."""
        assert outcome.offer is not None
        if await self._send_offer(outcome.request, outcome.offer, outcome.architect):
            await self._escalations.settled(outcome.request, _offered_card(outcome))
            return True
        await self._desk.decline(outcome.offer.id, outcome.offer.architect_id, UNREACHABLE,
                                 self._clock())
        await self._tell_managers_unreachable(outcome)
        return False

    async def undeliverable(self, item: OutboxItem) -> None:
        """An offer card Teams refused for good (the FTA removed the app, say): the offer
        moves on now rather than at its time-out. The managers were told by the dispatcher."""
        offer = await self._desk.get(int(item.notice.purpose["offer_id"]))
        if offer is None:
            return
        try:
            async with self._unit_of_work():
                await self._desk.decline(offer.id, offer.architect_id, UNREACHABLE,
                                         self._clock())
                await self.route(offer.request_id)
        except OfferError:
            pass  # answered or expired meanwhile: nothing to move

    async def accept(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """The offered FTA accepts: the request is assigned and the seller told."""
        offer, architect = await self._offer_for_actor(turn, data)
        try:
            async with self._unit_of_work():  # assigned, recorded and announced together
                _, assigned = await self._desk.accept(offer.id, architect, self._clock())
                work = await self._on_assigned(assigned, architect, False)
                await self._status.show(assigned)
                await self._escalations.settled(assigned, create_offer_answered_card(
                    assigned, f"{assigned.number} is assigned to {architect.name}",
                    f"{architect.name} accepted the offer; nothing to do here."))
        except OfferError as error:
            return message_invoke(str(error))
        return card_invoke(work)

    async def decline(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """The offered FTA declines with a reason: the next candidate gets the offer."""
        offer, architect = await self._offer_for_actor(turn, data)
        request = await self._request_of(offer)
        reason = data.get("decline_reason")
        if not isinstance(reason, str) or not reason.strip():
            return card_invoke(create_offer_card(request, offer, architect,
                                                 "Say why you decline, so managers can see."))
        try:
            async with self._unit_of_work():
                await self._desk.decline(offer.id, offer.architect_id, reason.strip()[:500],
                                         self._clock())
                routed = await self.route(request.id)
        except OfferError as error:
            return message_invoke(str(error))
        return card_invoke(create_offer_answered_card(
            request, f"You declined {request.number}", MOVED_ON[routed]))

    async def _send_offer(self, request: FtaRequest, offer: Offer,
                          architect: Architect | None) -> bool:
        """``architect``: the one the balancer chose, as the roster it read had them."""
        if architect is None:
            return False
        return await self._poster.to_person(architect.aad_id,
                                            create_offer_card(request, offer, architect),
                                            remember=(request.id, offer_role(offer.id)),
                                            audience=architect.name,
                                            what=f"The offer of {request.number}",
                                            purpose={"offer_id": offer.id})

    async def _tell_managers_unreachable(self, outcome: Outcome) -> None:
        assert outcome.offer is not None
        log.warning("architect %s unreachable for request %s", outcome.offer.architect_id,
                    outcome.request.id)
        architect = await self._roster.get(outcome.offer.architect_id)
        who = architect.name if architect else outcome.offer.architect_id
        await self._poster.to_channel(self._managers,
                                      create_unreachable_card(outcome.request, who))

    async def _offer_for_actor(self, turn: Turn,
                               data: dict[str, Any]) -> tuple[Offer, Architect]:
        """The offer the acting FTA may answer, and that FTA; else refused."""
        offer_id = card_id(data, "offer_id")
        offer = await self._desk.get(offer_id) if offer_id is not None else None
        architect = await self._roster.by_aad_id(turn.actor.id)
        if offer is None or architect is None or architect.id != offer.architect_id:
            raise Refused(message_invoke("This offer was made to someone else."))
        return offer, architect

    async def _request_of(self, offer: Offer) -> FtaRequest:
        request = await self._requests.get(offer.request_id)
        if request is None:
            raise Refused(message_invoke("That request no longer exists."))
        return request


def _offered_card(outcome: Outcome) -> dict[str, Any]:
    """What the managers' cards about the request say once it was offered meanwhile."""
    assert outcome.architect is not None  # the offer went to them
    return create_offer_answered_card(
        outcome.request, f"{outcome.request.number} was offered to {outcome.architect.name}",
        "It was offered meanwhile: nothing to do here. Should nobody take it, a new card "
        "comes here.")
