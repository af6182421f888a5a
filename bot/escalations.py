"""The FTA managers' side of offers: a request nobody can take goes to their channel (and the
seller is told), a manager assigns it by hand from that card, and their cards about a request
are updated in place once someone else took it, so none asks them to act on a stale state."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from botbuilder.core import TurnContext

from bot.channels import Poster
from bot.ownership import request_id_of
from bot.replies import InvokeBody, Refused, card_invoke, message_invoke
from bot.roles import Roles
from bot.status_cards import ESCALATED, StatusCards, managers_role
from cards import verbs
from cards.base import Card
from cards.offers import (
    create_escalation_card,
    create_offer_answered_card,
    create_unreachable_card,
    create_with_managers_card,
)
from cards.text import inert
from domain.balancer import Decision, Policy, exclusions
from domain.offers import AssignmentDesk, OfferError, OfferState, outcome_of
from domain.outbox import UnitOfWork
from domain.requests import FtaRequest, RequestRepository, State
from domain.roster import Architect, Roster
from domain.timers import Timers

log = logging.getLogger(__name__)
ONLY_MANAGERS = "Only FTA managers can assign by hand, from the FTA managers' channel."
ESCALATION = managers_role("escalation")


class Escalations:
    def __init__(self, *, desk: AssignmentDesk, requests: RequestRepository, roster: Roster,
                 timers: Timers, poster: Poster, policy: Policy,
                 clock: Callable[[], datetime], managers_channel_id: str,
                 on_assigned: Callable[[FtaRequest, Architect, bool],
                                       Awaitable[dict[str, Any]]], status: StatusCards,
                 unit_of_work: UnitOfWork, roles: Roles) -> None:
        self._desk, self._requests, self._roster = desk, requests, roster
        self._timers, self._poster, self._policy = timers, poster, policy
        self._clock, self._managers = clock, managers_channel_id
        self._on_assigned, self._status = on_assigned, status
        self._unit_of_work, self._roles = unit_of_work, roles

    def actions(self) -> dict[str, Any]:
        return {verbs.MANAGER_ASSIGN: self.assign_by_hand}

    async def escalate(self, request: FtaRequest, decision: Decision | None) -> bool:
        """Ask the managers to assign ``request`` by hand, once, and tell the seller; False
        when the managers' channel cannot be reached (the worker's next pass tries again)."""
        if not await self._timers.once(ESCALATED, request.id, self._clock()):
            return True
        card = await self._escalation_card(request, decision)
        if not await self._poster.to_channel(self._managers, card,
                                             remember=(request.id, ESCALATION),
                                             audience="the FTA managers' channel"):
            # Nobody was told, so it is not escalated yet: the worker's next pass over the
            # queue routes the request again and tries once more (the bot can address the
            # channel as soon as anyone in the tenant has written to it).
            await self._timers.forget(ESCALATED, request.id)
            log.error("request %s needs a manager but the managers' channel is unreachable; "
                      "trying again at the worker's next pass", request.id)
            return False
        await self._poster.to_person(request.requester.id, create_with_managers_card(request),
                                     audience=request.requester.name,
                                     what=f"The notice that {request.number} is with the "
                                          "FTA managers")
        await self._status.show(request)
        return True

    async def settled(self, request: FtaRequest, card: Card) -> None:
        """Someone took the request (an offer, an acceptance, a manager): the managers' cards
        about it show ``card``, and a later escalation asks them afresh."""
        await self._status.replace_managers(request.id, card)
        if await self._timers.happened(ESCALATED, request.id):
            await self._timers.forget(ESCALATED, request.id)
            if request.state is State.AWAITING_FTA:  # else the caller shows it assigned
                await self._status.show(request)

    async def assign_by_hand(self, turn_context: TurnContext,
                             data: dict[str, Any]) -> InvokeBody:
        """A manager picks the FTA from the escalation card; over capacity is allowed, flagged."""
        if not await self._roles.may_manage(turn_context.activity):
            raise Refused(message_invoke(ONLY_MANAGERS))
        request_id, architect_id = request_id_of(data), data.get("architect_id")
        request = await self._requests.get(request_id) if request_id is not None else None
        if request is None:
            return message_invoke("That request no longer exists.")
        if not isinstance(architect_id, str) or not architect_id:
            return card_invoke(await self._current_card(request, "Pick an architect first."))
        manager = turn_context.activity.from_property.name or "a manager"
        try:
            async with self._unit_of_work():
                card = await self._assign(request.id, architect_id, manager)
        except (OfferError, ValueError) as error:
            return card_invoke(await self._current_card(request, str(error)))
        return card_invoke(card)

    async def _assign(self, request_id: int, architect_id: str, manager: str) -> Card:
        """Assign, tell whom it concerns; the card the managers see from now on."""
        offer = await self._desk.assign_by_hand(request_id, architect_id, self._clock(),
                                                self._policy, manager)
        request = await self._requests.get(request_id)
        architect = await self._roster.get(architect_id)
        assert request is not None and architect is not None  # just assigned
        work = await self._on_assigned(request, architect, True)
        await self._status.replace_offers(request.id, create_offer_answered_card(
            request, f"{request.number} was assigned by a manager",
            f"A manager assigned it to {architect.name}; nothing more to do here."))
        await self._status.refresh(request.id)
        lines = [f"Assigned by {inert(manager)}.", await self._load_of(architect)]
        if not await self._poster.to_person(architect.aad_id, work, audience=architect.name,
                                            what=f"The work card of {request.number}"):
            lines.append(f"⚠ {architect.name} cannot be reached in Teams (no chat with the bot "
                         "yet), so they were not told: tell them yourself.")
            await self._poster.to_channel(self._managers, create_unreachable_card(
                request, architect.name,
                f"so they were not told that {request.number} is assigned to them: tell "
                "them yourself"))
        flag = " (over capacity, flagged)" if offer.override else ""
        card = create_offer_answered_card(
            request, f"{request.number} assigned to {architect.name}{flag}", " ".join(lines))
        await self.settled(request, card)
        return card

    async def _load_of(self, architect: Architect) -> str:
        points = (await self._desk.points_by_architect(self._clock())).get(architect.id, 0)
        return f"{architect.name} now holds {points}/{architect.capacity} points."

    async def _current_card(self, request: FtaRequest, problem: str) -> Card:
        """What a manager who pressed Assign sees when nothing was assigned: the escalation
        card read afresh (loads included) if the request still needs them, else where it
        stands now, which is why nothing changed."""
        request = await self._requests.get(request.id) or request
        offers = await self._desk.offers_for(request.id)
        live = [o for o in offers if o.state is OfferState.OFFERED]
        if request.state is State.AWAITING_FTA and not live:
            decision = await self._desk.explain(request.id, self._clock(), self._policy)
            return await self._escalation_card(request, decision, problem)
        if live:
            holder = await self._roster.get(live[0].architect_id)
            problem = (f"It is offered to {holder.name if holder else live[0].architect_id} "
                       "right now; wait for their answer or their time-out.")
        elif request.state is State.ASSIGNED:
            problem = f"It is already assigned to {request.agent_name}."
        else:
            problem = "It is no longer waiting for an FTA."
        return create_offer_answered_card(request, f"Nothing changed on {request.number}",
                                          problem)

    async def _escalation_card(self, request: FtaRequest, decision: Decision | None,
                               problem: str | None = None) -> Card:
        roster = await self._roster.all()
        names = {a.id: a.name for a in roster}
        stored = decision.as_dict() if decision is not None else {}
        earlier = [(names.get(o.architect_id, o.architect_id), outcome_of(o))
                   for o in await self._desk.offers_for(request.id)]
        return create_escalation_card(
            request, exclusions(stored, names) or ["The roster has nobody who could take it."],
            earlier, roster, await self._desk.points_by_architect(self._clock()), problem)
