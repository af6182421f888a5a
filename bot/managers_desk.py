"""The managers' desk in chat: the card buttons that act through bot/desk_actions.py (assign
by hand, re-offer, reassign, extend, transfer a ticket), and `status FTA-…` as a manager sees
it, with those actions. Who acts is read from Teams here, in one place (`actor`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels import Poster
from bot.desk_actions import Acted, Actor, DeskActions, Refused
from bot.escalations import Escalations
from bot.ownership import request_id_of
from bot.replies import InvokeBody, card_invoke, card_message, message_invoke
from bot.roles import Roles
from bot.status_cards import ESCALATED, managers_role
from bot.telemetry import turn_outcome
from bot.turn import Turn
from cards import verbs
from cards.base import Card
from cards.desk import create_manager_request_card
from cards.text import inert, moment
from domain.offers import AssignmentDesk, OfferState, outcome_of
from domain.requests import FtaRequest, RequestRepository, State
from domain.roster import Roster
from domain.timers import Timers

VIEW = managers_role("view")  # the manager's view of a request, updated as the others
LIVE = (OfferState.OFFERED, OfferState.ACCEPTED)  # where it stands says these already
Act = Callable[[Actor, int], Awaitable[Acted]]


class ManagersDesk:
    def __init__(self, *, actions: DeskActions, roles: Roles, requests: RequestRepository,
                 desk: AssignmentDesk, roster: Roster, timers: Timers,
                 clock: Callable[[], datetime], escalations: Escalations, poster: Poster,
                 ticket_card: Callable[[FtaRequest, str | None], Awaitable[Card]]) -> None:
        self._actions, self._roles, self._requests = actions, roles, requests
        self._desk, self._roster, self._timers, self._clock = desk, roster, timers, clock
        self._escalations, self._poster = escalations, poster
        self._ticket_card = ticket_card

    def actions(self) -> dict[str, Any]:
        return {verbs.MANAGER_ASSIGN: self.assign, verbs.MANAGER_REOFFER: self.reoffer,
                verbs.MANAGER_REASSIGN: self.reassign, verbs.MANAGER_EXTEND: self.extend,
                verbs.TICKET_TRANSFER: self.transfer}

    async def actor(self, turn: Turn) -> Actor:
        """Who acts, and what they may do, as Teams tells it (the one place Roles is asked)."""
        return Actor(turn.actor.id, turn.actor.name or "a manager",
                     await self._roles.may_manage(turn), await self._roles.may_work_tickets(turn))

    async def assign(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Assign by hand, from an escalation, SLA or request card."""
        architect = _text(data, "architect_id")
        return await self._managers_card(turn, data, lambda actor, request_id:
                                         self._actions.assign(request_id, architect, actor))

    async def reoffer(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Re-offer to the next FTA, from an escalation, SLA or request card."""
        return await self._managers_card(turn, data, lambda actor, request_id:
                                         self._actions.reoffer(request_id, actor))

    async def reassign(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Reassign an accepted request, from the manager's view of it."""
        architect, reason = _text(data, "reassign_to"), _text(data, "reassign_reason")
        seen = _text(data, "fta_id")
        return await self._view(turn, data, lambda actor, request_id:
                                self._actions.reassign(request_id, architect, reason, actor,
                                                       seen_fta=seen))

    async def extend(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Extend the deadline, from the manager's view: the date picked, at the time of day
        the deadline has now (its end of day, in the seller's time zone)."""
        request_id = request_id_of(data)
        request = await self._requests.get(request_id) if request_id is not None else None
        try:
            day = date.fromisoformat(_text(data, "deadline")[:10])
        except ValueError:
            day = None
        reason = _text(data, "extend_reason")

        async def act(actor: Actor, request_id: int) -> Acted:
            moved = None
            if day is not None and request is not None and request.deadline is not None:
                zone = ZoneInfo(request.requester.timezone)
                moved = datetime.combine(day, request.deadline.astimezone(zone).time(),
                                         tzinfo=zone)
            return await self._actions.extend(request_id, moved, reason, actor)

        return await self._view(turn, data, act)

    async def transfer(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Transfer an FTCHelp ticket to another agent, from its card: one of the agents the
        card listed, named as the bot knows them (not as the card's data says)."""
        agent = _text(data, "transfer_to")
        name = dict(await self._requests.ticket_agents()).get(agent)
        request_id = request_id_of(data)
        request = await self._requests.get(request_id) if request_id is not None else None
        if request is None or request_id is None:
            return message_invoke("That ticket no longer exists.")
        try:
            if name is None:
                raise Refused("Pick one of the agents listed to transfer the ticket to.", 400)
            acted = await self._actions.transfer_ticket(request_id, agent, name,
                                                        await self.actor(turn))
        except Refused as refused:
            turn_outcome.set("refused")
            if refused.status in (403, 404):
                return message_invoke(str(refused))
            fresh = await self._requests.get(request_id) or request
            return card_invoke(await self._ticket_card(fresh, str(refused)))
        return card_invoke(acted.card)

    async def show(self, turn: Turn, request: FtaRequest) -> bool:
        """`status FTA-…` from a manager: the request with what they can do to it, kept up
        to date in place as the others. False if the sender is no manager."""
        if not (await self.actor(turn)).is_manager:
            return False
        sent = await turn.send(card_message(await self.view(request)))
        if sent:
            await self._poster.remember_card_acted_on(request.id, VIEW, turn.reference(), sent)
        return True

    async def view(self, request: FtaRequest, banner: str | None = None,
                   problem: str | None = None) -> Card:
        """A manager's view of ``request``: where it stands, its offers and their ends, and
        the actions that apply now."""
        now = self._clock()
        architects = await self._roster.all()
        names = {a.id: a.name for a in architects}
        offers = await self._desk.offers_for(request.id)
        loads = await self._desk.points_by_architect(now)
        candidates = await self._escalations.candidates(request, loads, architects)
        standing = await self._standing(request, offers, names)
        earlier = [f"{inert(names.get(o.architect_id, o.architect_id))}: "
                   f"{inert(outcome_of(o))}" for o in offers if o.state not in LIVE]
        if earlier:
            standing += " Before: " + "; ".join(earlier) + "."
        card = create_manager_request_card(request, standing, candidates, loads,
                                           now.date().isoformat(), banner, problem)
        if request.state is State.ASSIGNED:  # the FTA this card saw: a later one is stale
            _carry(card, verbs.MANAGER_REASSIGN, {"fta_id": request.agent_id})
        return card

    async def _standing(self, request: FtaRequest, offers: list[Any],
                        names: dict[str, str]) -> str:
        live = [o for o in offers if o.state is OfferState.OFFERED]
        if request.state is State.ASSIGNED:
            return f"Assigned to {inert(request.agent_name)}."
        if request.state is not State.AWAITING_FTA:
            return f"{inert(request.number)} is no longer in the FTA queue."
        if live:
            who = inert(names.get(live[0].architect_id, live[0].architect_id))
            return f"Offered to {who} since {moment(live[0].offered_at)}."
        if await self._timers.happened(ESCALATED, request.id):
            return "With the FTA managers: nobody eligible was free."
        return "Waiting for an FTA."

    async def _managers_card(self, turn: Turn, data: dict[str, Any],
                             act: Act) -> InvokeBody:
        """Act from a managers' card; refused: the card afresh, saying why."""
        async def refused(request_id: int, why: str) -> Card:
            return await self._escalations.current_card(request_id, why)

        async def done(acted: Acted, _: int) -> Card:
            return acted.card

        return await self._run(turn, data, act, refused, done)

    async def _view(self, turn: Turn, data: dict[str, Any],
                    act: Act) -> InvokeBody:
        """Act from a manager's view of a request; either way the view afresh."""
        async def refused(request_id: int, why: str) -> Card:
            request = await self._requests.get(request_id)
            return await self.view(request, problem=why) if request else {}

        async def done(acted: Acted, request_id: int) -> Card:
            request = await self._requests.get(request_id)
            if request is None:
                return acted.card
            card = await self.view(request, banner=str(acted))
            # The action updated the managers' cards, this one too (bot/status_cards.py):
            # it shows the view afresh instead, the last update written for it.
            await self._poster.update(request_id, VIEW, card)
            return card

        return await self._run(turn, data, act, refused, done)

    async def _run(self, turn: Turn, data: dict[str, Any], act: Act,
                   refused: Callable[[int, str], Awaitable[Card]],
                   done: Callable[[Acted, int], Awaitable[Card]]) -> InvokeBody:
        request_id = request_id_of(data)
        if request_id is None:
            return message_invoke("That request no longer exists.")
        try:
            acted = await act(await self.actor(turn), request_id)
        except Refused as refusal:
            turn_outcome.set("refused")
            if refusal.status in (403, 404):  # not theirs to see: the card stays as it is
                return message_invoke(str(refusal))
            card = await refused(request_id, str(refusal))
            return card_invoke(card) if card else message_invoke(str(refusal))
        return card_invoke(await done(acted, request_id))


def _carry(card: Card, verb: str, extra: dict[str, Any]) -> None:
    """Add ``extra`` to the data of the card's ``verb`` buttons."""
    stack: list[Any] = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("verb") == verb and isinstance(node.get("data"), dict):
                node["data"].update(extra)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""
