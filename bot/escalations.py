"""The FTA managers' side of offers: a request nobody can take goes to their channel (and the
seller is told), with the SLA alerts their cards carry what they can do (assign by hand,
re-offer: bot/desk_actions.py does it), and their cards about a request are updated in place
once someone took it, so none asks them to act on a stale state."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.channels import Poster
from bot.status_cards import ESCALATED, StatusCards, managers_role
from cards.base import Card, build, paragraph
from cards.offers import (
    create_escalation_card,
    create_offer_answered_card,
    create_sla_card,
    create_with_managers_card,
)
from domain.balancer import Decision, Policy, exclusions
from domain.offers import (
    AssignmentDesk,
    OfferState,
    demand_of,
    hand_candidates,
    outcome_of,
    returned_to_managers,
)
from domain.requests import STATE_LABELS, FtaRequest, RequestRepository, State
from domain.roster import Architect, Roster
from domain.timers import Timers

log = logging.getLogger(__name__)
ESCALATION = managers_role("escalation")


class Escalations:
    def __init__(self, *, desk: AssignmentDesk, requests: RequestRepository, roster: Roster,
                 timers: Timers, poster: Poster, policy: Policy,
                 clock: Callable[[], datetime], managers_channel_id: str,
                 status: StatusCards) -> None:
        self._desk, self._requests, self._roster = desk, requests, roster
        self._timers, self._poster, self._policy = timers, poster, policy
        self._clock, self._managers = clock, managers_channel_id
        self._status = status

    async def escalate(self, request: FtaRequest, decision: Decision | None,
                       returned: bool = False) -> bool:
        """Ask the managers to assign ``request`` by hand, once, and tell the seller; False
        when the managers' channel cannot be reached (the worker's next pass tries again).
        ``returned``: an offer a manager made was declined or timed out."""
        if not await self._timers.once(ESCALATED, request.id, self._clock()):
            return True
        card = await self._escalation_card(request, decision, returned=returned)
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

    async def current_card(self, request_id: int, problem: str | None = None) -> Card:
        """What a manager's card about the request shows now (after an action, or when one
        found nothing to do): while it waits for an FTA, its actions afresh (loads, who holds
        the offer); else where it stands, which is why nothing more can be done there."""
        request = await self._requests.get(request_id)
        if request is None:
            return build([paragraph("That request no longer exists.")])
        if request.state is not State.AWAITING_FTA:
            heading = f"Nothing changed on {request.number}" if problem else request.number
            return create_offer_answered_card(request, heading, problem or _standing(request))
        live = [o for o in await self._desk.offers_for(request.id)
                if o.state is OfferState.OFFERED]
        if not live and await self._timers.happened(ESCALATED, request.id):
            decision = await self._desk.explain(request.id, self._clock(), self._policy)
            return await self._escalation_card(request, decision, problem)
        holder = await self._roster.get(live[0].architect_id) if live else None
        return await self.waiting_card(request, f"{request.number} still has no FTA", problem,
                                       holder.name if holder else "")

    async def sla_card(self, request: FtaRequest, breached: bool) -> Card:
        """The SLA alert, with the managers' actions on it."""
        live = [o for o in await self._desk.offers_for(request.id)
                if o.state is OfferState.OFFERED]
        holder = await self._roster.get(live[0].architect_id) if live else None
        return await self.waiting_card(request, None, None, holder.name if holder else "",
                                       breached)

    async def waiting_card(self, request: FtaRequest, heading: str | None,
                           problem: str | None, holder: str = "",
                           breached: bool = False) -> Card:
        loads = await self._desk.points_by_architect(self._clock())
        candidates = await self.candidates(request, loads)
        return create_sla_card(request, breached, candidates, loads, problem, holder, heading)

    async def candidates(self, request: FtaRequest, loads: dict[str, int] | None = None,
                         roster: Sequence[Architect] | None = None) -> list[Architect]:
        """Whom a manager may assign the request to by hand, lightest first (from the loads
        and roster the caller already read, if it did)."""
        now = self._clock()
        if loads is None:
            loads = await self._desk.points_by_architect(now)
        if roster is None:
            roster = await self._roster.all()
        return hand_candidates(roster, demand_of(request), loads, now)

    async def _escalation_card(self, request: FtaRequest, decision: Decision | None,
                               problem: str | None = None, returned: bool = False) -> Card:
        roster = await self._roster.all()
        names = {a.id: a.name for a in roster}
        offers = await self._desk.offers_for(request.id)
        returned = returned or returned_to_managers(
            [(o.state, o.reason, o.decision) for o in offers])
        stored = decision.as_dict() if decision is not None and not returned else {}
        earlier = [(names.get(o.architect_id, o.architect_id), outcome_of(o)) for o in offers]
        why = exclusions(stored, names) or ([] if returned else
                                            ["The roster has nobody who could take it."])
        loads = await self._desk.points_by_architect(self._clock())
        candidates = await self.candidates(request, loads, roster)
        return create_escalation_card(request, why, earlier, candidates, loads, problem,
                                      returned)


def _standing(request: FtaRequest) -> str:
    if request.state is State.ASSIGNED:
        return f"It is assigned to {request.agent_name}."
    return f"It is {STATE_LABELS[request.state].lower()}."
