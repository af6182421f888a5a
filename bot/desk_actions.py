"""What FTA managers and FTCHelp agents can do to a request, whoever asks: a card in Teams or,
once the lead wires them, the desk tab's HTTP routes. One service, so the rules, the audit
line and the notices are the same whatever the way in: assign by hand, re-offer to the next
FTA, reassign an accepted request, extend a deadline, transfer an FTCHelp ticket.

Each action runs in one unit of work: the change, its notices (through the outbox) and its
audit line commit together, or, refused, nothing changes. A stale action (the request moved
on since the card or the tab was read) is refused with what happened instead, as read under
the same lock that would have made the change."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.channels import Poster
from bot.escalations import Escalations
from bot.status_cards import StatusCards
from cards.base import Card
from cards.desk import (
    create_deadline_moved_card,
    create_reassigned_away_card,
    create_ticket_transferred_card,
)
from cards.offers import create_offer_answered_card, create_unreachable_card
from cards.text import inert
from domain.balancer import Policy
from domain.ftop import FtopGateway
from domain.offers import AssignmentDesk, OfferError
from domain.operations import ActivityLog, Entry
from domain.outbox import UnitOfWork
from domain.requests import (
    STATE_LABELS,
    FtaRequest,
    RequestError,
    RequestRepository,
    StaleRequest,
    State,
)
from domain.roster import Architect, Roster
from domain.sla import SLA_KINDS, sla_timers
from domain.timers import Timers

if TYPE_CHECKING:
    from bot.assignment_work import AssignmentWork
    from bot.offers import OfferRouter

log = logging.getLogger(__name__)
ONLY_MANAGERS = "Only FTA managers can do that (from the FTA managers' channel or the desk)."
ONLY_FTCHELP = "Only the FTCHelp team can transfer tickets."
REASON_LENGTH = 500
NAME_LENGTH = 256
TICKET = "ticket"  # the role of the ticket's card in the FTCHelp channel
AUDIT_CONVERSATION = "desk"  # the audit lines of the desk's actions, whichever way they came


@dataclass(frozen=True)
class Actor:
    id: str  # AAD object id or Teams id of who acts
    name: str
    is_manager: bool
    is_ftchelp: bool


class Refused(Exception):
    """An action that did not go ahead, and changed nothing. ``str()`` is for the user;
    ``status`` is the HTTP answer it maps to: 400 bad input (no reason, a past date, an FTA
    who may not take it), 403 not theirs to do, 404 no such request, 409 stale (the request
    moved on; the message says how)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


class Acted(str):
    """The user-facing confirmation, as the contract's ``str``; ``card`` is what the managers'
    cards about the request show now, for the card that was acted on."""

    card: Card

    def __new__(cls, message: str, card: Card) -> Acted:
        acted = super().__new__(cls, message)
        acted.card = card
        return acted


def where_it_stands(request: FtaRequest) -> str:
    """Why a stale action found nothing to do, in a clause ("it is assigned to Ana")."""
    if request.state is State.ASSIGNED:
        return f"it is assigned to {request.agent_name}"
    if request.state is State.FTCHELP_ASSIGNED:
        return f"it is with {request.agent_name}"
    if request.state is State.RESOLVED:
        return f"it was resolved by {request.agent_name}"
    if request.state is State.AWAITING_FTA:
        return "it is waiting for an FTA"
    return f"it is {STATE_LABELS[request.state].lower()}"


class DeskActions:
    def __init__(self, *, desk: AssignmentDesk, requests: RequestRepository, roster: Roster,
                 timers: Timers, poster: Poster, policy: Policy,
                 clock: Callable[[], datetime], managers_channel_id: str,
                 router: OfferRouter, work: AssignmentWork, ftop: FtopGateway,
                 status: StatusCards, unit_of_work: UnitOfWork, audit: ActivityLog,
                 sla_reminder_hours: tuple[float, ...],
                 ticket_card: Callable[[FtaRequest, str | None], Awaitable[Card]]) -> None:
        self._desk, self._requests, self._roster = desk, requests, roster
        self._timers, self._poster, self._policy = timers, poster, policy
        self._clock, self._managers = clock, managers_channel_id
        self._router, self._work, self._ftop = router, work, ftop
        self._status, self._unit_of_work, self._audit = status, unit_of_work, audit
        self._reminders, self._ticket_card = sla_reminder_hours, ticket_card

    @property
    def _escalations(self) -> Escalations:
        return self._router.escalations

    async def assign(self, request_id: int, architect_id: str, actor: Actor) -> Acted:
        """Assign by hand: every hard rule but capacity holds; over capacity is flagged."""
        async with self._acting("desk_assign", request_id, actor):
            request = await self._managed(request_id, actor)
            if not architect_id:
                raise Refused("Pick an architect first.", 400)
            try:
                offer = await self._desk.assign_by_hand(request.id, architect_id, self._clock(),
                                                        self._policy, actor.name)
            except OfferError as error:
                raise _stale(request, str(error)) from None
            except ValueError as error:
                raise Refused(f"{request.number} was not assigned: {error}", 400) from None
            return await self._assigned(request.id, architect_id, actor, offer.override)

    async def reoffer(self, request_id: int, actor: Actor) -> Acted:
        """Pass the request to the next FTA: the open offer ends (its FTA passed over) and the
        balancer picks among those who have not declined or been passed over; nobody: the
        managers have it, as when routing finds nobody. The offer is the managers' own: if
        its FTA declines or lets it time out, it comes back to them, not to the balancer."""
        async with self._acting("desk_reoffer", request_id, actor):
            request = await self._managed(request_id, actor)
            try:
                outcome, ended = await self._desk.reoffer(request.id, self._clock(),
                                                          self._policy, actor.name)
            except OfferError as error:
                raise _stale(request, str(error)) from None
            if ended is not None:
                await self._status.replace_offers(request.id, create_offer_answered_card(
                    request, f"{request.number} was passed to another FTA",
                    "A manager re-offered it to the next FTA: nothing more to do here."),
                    ended.id)
            if outcome.offer is None:
                await self._escalations.escalate(outcome.request, outcome.decision)
                return Acted(f"Nobody else is eligible for {request.number}, so it stays with "
                             "the FTA managers: assign it by hand.",
                             await self._escalations.current_card(
                                 request.id, "Nobody else is eligible: assign it by hand."))
            assert outcome.architect is not None  # the offer went to them
            if await self._router.send_offer(outcome):
                await self._status.refresh(request.id)
                name = outcome.architect.name
                return Acted(f"{request.number} re-offered to {name}.",
                             create_offer_answered_card(
                                 request, f"{request.number} re-offered to {name}",
                                 f"{actor.name} passed it to the next FTA. Should {name} decline "
                                 "or not answer in time, it comes back here."))
            await self._router.route(request.id)  # unreachable: back to the managers
            return Acted(f"{outcome.architect.name} cannot be reached in Teams, so "
                         f"{request.number} is back with the FTA managers.",
                         await self._escalations.current_card(request.id))

    async def reassign(self, request_id: int, architect_id: str, reason: str, actor: Actor,
                       *, seen_fta: str = "") -> Acted:
        """Move an accepted request to another FTA: the old one is told and freed, the new
        one gets the work card, the FTOP record keeps both, the seller and the account team
        learn who the FTA is now. ``seen_fta``: the FTA the manager saw holding it (a card
        carries it), so a reassignment made meanwhile is not overruled unseen."""
        async with self._acting("desk_reassign", request_id, actor):
            request = await self._managed(request_id, actor)
            reason = reason.strip()[:REASON_LENGTH]
            if not architect_id:
                raise Refused("Pick the FTA to reassign it to.", 400)
            if not reason:
                raise Refused("Say why it is reassigned: both FTAs and the record keep it.", 400)
            if request.state is not State.ASSIGNED or (seen_fta and seen_fta != request.agent_id):
                raise _stale(request, where_it_stands(request))
            record = await self._ftop.get(request.id)
            if record is None:
                raise _stale(request, "it has no FTOP record to move")
            try:
                old, new, moved = await self._desk.reassign(
                    request.id, request.agent_id, architect_id, self._clock(), self._policy,
                    actor.name, reason)
            except OfferError as error:
                raise _stale(request, str(error)) from None
            except ValueError as error:
                raise Refused(f"{request.number} was not reassigned: {error}", 400) from None
            architect, former = await self._architect(new.architect_id), request.agent_name
            work = await self._work.reassigned(moved, record, architect, actor.name, reason)
            away = create_reassigned_away_card(moved, architect.name, actor.name, reason)
            await self._status.replace_offers(moved.id, away, old.id)  # their work card
            leaving = await self._roster.get(old.architect_id)
            if leaving is not None:
                await self._reach(leaving, away, moved,
                                  f"{moved.number} was reassigned to {architect.name}")
            lines = [f"Reassigned by {inert(actor.name)} from {inert(former)}: {inert(reason)}.",
                     await self._load_of(architect),
                     *await self._reach(architect, work, moved,
                                        f"{moved.number} is assigned to them")]
            await self._status.show(moved)
            flag = " (over capacity, flagged)" if new.override else ""
            card = create_offer_answered_card(
                moved, f"{moved.number} reassigned to {architect.name}{flag}", " ".join(lines))
            await self._status.replace_managers(moved.id, card)
            return Acted(f"{moved.number} reassigned from {former} to {architect.name}{flag}.",
                         card)

    async def extend(self, request_id: int, deadline: datetime | None, reason: str,
                     actor: Actor) -> Acted:
        """Give the FTA queue more time: the deadline moves, the SLA reminders and breach
        move with it, the seller is told; the original deadline stays on record."""
        async with self._acting("desk_extend", request_id, actor):
            request = await self._managed(request_id, actor)
            if deadline is None:
                raise Refused("Pick the new deadline's date.", 400)
            if deadline.tzinfo is None:
                raise Refused("Give the new deadline with its time zone.", 400)
            if request.state is not State.AWAITING_FTA:
                raise _stale(request, where_it_stands(request))
            now = self._clock()
            try:
                request.extend(deadline, reason[:REASON_LENGTH], actor.name[:NAME_LENGTH], now)
            except RequestError as error:
                raise Refused(f"The deadline of {request.number} did not move: {error}",
                              400) from None
            await self._save(request)
            assert request.deadline is not None  # just extended
            await self._timers.cancel(request.id, SLA_KINDS, now)
            await self._timers.schedule_all(request.id, sla_timers(request.deadline,
                                                                   self._reminders))
            await self._status.show(request)
            await self._poster.to_person(request.requester.id,
                                         create_deadline_moved_card(request),
                                         audience=request.requester.name,
                                         what=f"The new deadline of {request.number}")
            card = await self._escalations.current_card(request.id)
            await self._status.replace_managers(request.id, card)
            return Acted(f"The deadline of {request.number} moved to "
                         f"{request.deadline:%Y-%m-%d %H:%M %Z}.", card)

    async def transfer_ticket(self, request_id: int, agent_id: str, agent_name: str,
                              actor: Actor) -> Acted:
        """Give an FTCHelp ticket to another agent, who may then resolve it, and tell them."""
        async with self._acting("desk_transfer", request_id, actor):
            if not actor.is_ftchelp:
                raise Refused(ONLY_FTCHELP, 403)
            request = await self._request(request_id)
            if request.state not in (State.FTCHELP_OPEN, State.FTCHELP_ASSIGNED):
                raise _stale(request, where_it_stands(request))
            name = agent_name.strip()[:NAME_LENGTH] or "an FTCHelp agent"
            try:
                request.transfer(agent_id.strip(), name)
            except RequestError as error:
                raise Refused(f"Nothing changed on {request.number}: {error}", 400) from None
            await self._save(request)
            card = await self._ticket_card(request, None)
            await self._poster.update(request.id, TICKET, card)
            await self._status.show(request)
            told = await self._poster.to_person(
                request.agent_id, create_ticket_transferred_card(request, actor.name),
                audience=name, what=f"The transfer of {request.number}")
            return Acted(f"{request.number} transferred to {name}." + (
                "" if told else f" {name} has no chat with the bot yet, so they were not "
                                "told: tell them yourself."), card)

    async def _assigned(self, request_id: int, architect_id: str, actor: Actor,
                        override: bool) -> Acted:
        """After a hand assignment: tell whom it concerns; what the managers see from now."""
        request = await self._request(request_id)
        architect = await self._architect(architect_id)
        work = await self._work.assigned(request, architect, True)
        await self._status.replace_offers(request.id, create_offer_answered_card(
            request, f"{request.number} was assigned by a manager",
            f"A manager assigned it to {architect.name}; nothing more to do here."))
        await self._status.refresh(request.id)
        lines = [f"Assigned by {inert(actor.name)}.", await self._load_of(architect),
                 *await self._reach(architect, work, request,
                                    f"{request.number} is assigned to them")]
        flag = " (over capacity, flagged)" if override else ""
        card = create_offer_answered_card(
            request, f"{request.number} assigned to {architect.name}{flag}", " ".join(lines))
        await self._escalations.settled(request, card)
        return Acted(f"{request.number} assigned to {architect.name}{flag}.", card)

    async def _reach(self, architect: Architect, card: Card, request: FtaRequest,
                     told: str) -> list[str]:
        """Post ``card`` to the FTA, telling them ``told``; unreachable: the managers hear
        it, and the line that says so."""
        if await self._poster.to_person(architect.aad_id, card, audience=architect.name,
                                        what=f"The notice that {told}"):
            return []
        await self._poster.to_channel(self._managers, create_unreachable_card(
            request, architect.name, f"so they were not told that {told}: tell them "
                                     "yourself"))
        return [f"⚠ {architect.name} cannot be reached in Teams (no chat with the bot yet), "
                "so they were not told: tell them yourself."]

    async def _load_of(self, architect: Architect) -> str:
        points = (await self._desk.points_by_architect(self._clock())).get(architect.id, 0)
        return f"{architect.name} now holds {points}/{architect.capacity} points."

    @asynccontextmanager
    async def _acting(self, action: str, request_id: int, actor: Actor) -> AsyncIterator[None]:
        """One unit of work for the action and its audit line; a refusal is audited apart,
        once nothing it touched was kept."""
        try:
            async with self._unit_of_work():
                yield
                await self._record(action, request_id, actor, "done")
        except Refused:
            await self._record(action, request_id, actor, "refused")
            raise

    async def _record(self, action: str, request_id: int, actor: Actor, outcome: str) -> None:
        await self._audit.record(Entry(AUDIT_CONVERSATION, f"{action}|{uuid.uuid4().hex}",
                                       actor.id[:200], action, request_id), outcome,
                                 self._clock())

    async def _managed(self, request_id: int, actor: Actor) -> FtaRequest:
        if not actor.is_manager:
            raise Refused(ONLY_MANAGERS, 403)
        return await self._request(request_id)

    async def _request(self, request_id: int) -> FtaRequest:
        request = await self._requests.get(request_id)
        if request is None or not request.number:
            raise Refused("That request no longer exists.", 404)
        return request

    async def _architect(self, architect_id: str) -> Architect:
        architect = await self._roster.get(architect_id)
        assert architect is not None  # just given the request, under the balancing lock
        return architect

    async def _save(self, request: FtaRequest) -> None:
        try:
            await self._requests.save(request)
        except StaleRequest:
            fresh = await self._request(request.id)
            raise _stale(fresh, where_it_stands(fresh)
                         + " (it changed a moment ago)") from None


def _stale(request: FtaRequest, why: str) -> Refused:
    return Refused(f"Nothing changed on {request.number}: {why}.", 409)
