"""Offers and assignments: each balancing decision runs inside one serialized transaction that
reads the loads, decides, and reserves the capacity, so concurrent requests never over-fill an
architect and a request is never offered twice.

The statements are built once and their values bound per call (see storage/requests.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, bindparam, insert, or_, select, update

from domain.balancer import (
    Decision,
    DecisionClock,
    Load,
    Policy,
    decide,
    engagement_days,
    hard_rule,
    override,
)
from domain.calendar import business_days_later, business_hours_later
from domain.lookahead import LIMIT, Waiting
from domain.offers import (
    ENGAGEMENT_CHECK,
    EXTENSION_BUSINESS_DAYS,
    OFFERED_BY,
    REOFFERED,
    SENT_BACK,
    WITHDRAWN_BY_SELLER,
    Offer,
    OfferError,
    OfferState,
    Outcome,
    Queued,
    demand_of,
    returned_to_managers,
)
from domain.queue import LateLane
from domain.requests import FtaRequest, State
from domain.roster import Architect, RosterIndex
from storage import loads
from storage.database import Connection, Database
from storage.requests import REQUEST_BY_ID, request_from
from storage.roster import VERSION_COLUMN, RosterCache, architect_from
from storage.tables import architects, offers, requests, timers

LIVE = or_(offers.c.state == OfferState.OFFERED, offers.c.state == OfferState.ACCEPTED)
# A probe per waiting request, not NOT IN (every live offer ever, accepted ones included: a
# list of all the assignments in the history, built on each call).
_HAS_LIVE_OFFER = select(offers.c.id).where(offers.c.request_id == requests.c.id,
                                            LIVE).exists()
_ARCHITECT = select(architects).where(architects.c.id == bindparam("architect_id"))
_OFFER = select(offers).where(offers.c.id == bindparam("offer_id"))
_OFFER_TO_ANSWER = _OFFER.with_for_update()
# What a balancing decision reads before the loads, in one round trip under the lock: the
# request, one row per earlier offer of it (none: one row of NULLs), oldest offer first, and
# the roster's version.
_BEFORE_DECIDING = (
    select(requests, offers.c.architect_id.label("offer_architect"),
           offers.c.state.label("offer_state"), offers.c.reason.label("offer_reason"),
           offers.c.decision.label("offer_decision"), VERSION_COLUMN)
    .select_from(requests.outerjoin(offers, offers.c.request_id == requests.c.id))
    .where(requests.c.id == bindparam("request_id")).order_by(offers.c.id))
_ADD_OFFER = insert(offers).returning(offers.c.id)
_ADD_TIMER = insert(timers)
_UPDATE_OFFER = update(offers).where(offers.c.id == bindparam("offer_id"))
# Assigns a request still waiting for an FTA and returns it as assigned; no row: it was not.
_ASSIGN = update(requests).where(
    requests.c.id == bindparam("request_id"), requests.c.state == State.AWAITING_FTA
).values(state=State.ASSIGNED, agent_id=bindparam("architect_id"),
         agent_name=bindparam("architect_name"),
         version=requests.c.version + 1).returning(*requests.c)
_OFFERS_OF_REQUEST = select(offers).where(offers.c.request_id == bindparam("request_id")) \
    .order_by(offers.c.id)
_OPEN_OFFER_HOLDER = (select(offers.c.architect_id, architects.c.name)
                      .select_from(offers.outerjoin(architects,
                                                    architects.c.id == offers.c.architect_id))
                      .where(offers.c.request_id == bindparam("request_id"),
                             offers.c.state == OfferState.OFFERED))
_ENGAGEMENT_CHECKS_DONE = update(timers).where(
    timers.c.kind == ENGAGEMENT_CHECK, timers.c.request_id == bindparam("finished_request"),
    timers.c.done_at.is_(None)).values(done_at=bindparam("finished_at"))
_LIVE_OFFERS_OF = (select(offers)
                   .where(offers.c.architect_id == bindparam("architect_id"), LIVE)
                   .order_by(offers.c.offered_at.desc(), offers.c.id.desc()))
# Withdrawal locks the request's open offers before the request, as accepting one does (the
# offer, then the request): two transactions that lock in the same order cannot deadlock.
_LIVE_OFFERS_TO_WITHDRAW = select(offers.c.id).where(
    offers.c.request_id == bindparam("request_id"), LIVE
).order_by(offers.c.id).with_for_update()
# Only from the state the seller's withdrawal was decided on: an accept that commits between the
# read and this update must not turn an open offer's withdrawal into a half-closed assignment.
_WITHDRAW = update(requests).where(
    requests.c.id == bindparam("request_id"), requests.c.state == bindparam("seen_state")
).values(state=State.WITHDRAWN, version=requests.c.version + 1).returning(*requests.c)
# An accepted engagement ends now: the FTA's capacity is free again.
_END_ENGAGEMENTS = update(offers).where(
    offers.c.request_id == bindparam("withdrawn_request"),
    offers.c.state == OfferState.ACCEPTED, offers.c.engagement_ends_at > bindparam("now")
).values(engagement_ends_at=bindparam("now")).returning(*offers.c)
_END_OPEN_OFFERS = update(offers).where(
    offers.c.request_id == bindparam("withdrawn_request"), offers.c.state == OfferState.OFFERED
).values(state=OfferState.EXPIRED, decided_at=bindparam("now"),
         reason=WITHDRAWN_BY_SELLER).returning(*offers.c)
_FINISH_TIMERS = update(timers).where(timers.c.offer_id == bindparam("answered_offer"),
                                      timers.c.done_at.is_(None))
# A manager's re-offer ends the open offer: its FTA is passed over, as if it had timed out.
_END_OPEN_OFFER = update(offers).where(
    offers.c.request_id == bindparam("reoffered_request"), offers.c.state == OfferState.OFFERED
).values(state=OfferState.EXPIRED, decided_at=bindparam("now"), reason=REOFFERED
         ).returning(*offers.c)
_ACCEPTED_OF = select(offers).where(offers.c.request_id == bindparam("request_id"),
                                    offers.c.state == OfferState.ACCEPTED).with_for_update()
# Moves an assigned request to another FTA, only from the FTA the manager saw holding it.
_REASSIGN = update(requests).where(
    requests.c.id == bindparam("request_id"), requests.c.state == State.ASSIGNED,
    requests.c.agent_id == bindparam("from_id")
).values(agent_id=bindparam("architect_id"), agent_name=bindparam("architect_name"),
         version=requests.c.version + 1).returning(*requests.c)


class SqlAssignmentDesk:
    def __init__(self, database: Database, offer_hours: float = 4.0) -> None:
        self._database = database
        self._offer_hours = offer_hours
        self._roster = RosterCache()

    async def warm_up(self) -> None:
        """Read the roster into the decisions' cache now, at start-up. With the architects of
        years (those who left stay on the roster), reading it took 120 ms on SQLite, on the
        event loop: the process's first decision, a seller's submission, paid for it, and
        every turn in flight waited behind it."""
        async with self._database.connect() as connection:
            version = (await connection.execute(select(VERSION_COLUMN))).scalar()
            await self._roster.index(connection, version)

    async def offer_next(self, request_id: int, now: datetime, policy: Policy) -> Outcome:
        """Offer the request to the best eligible architect, or say why nobody can take it."""
        async with self._database.serialized() as connection:
            rows = (await connection.execute(_BEFORE_DECIDING, {"request_id": request_id})
                    ).mappings().all()
            if not rows:
                raise OfferError("That request no longer exists.")
            request = request_from(rows[0])
            if request.state is not State.AWAITING_FTA:
                return Outcome(request, None, note="not waiting for an FTA")
            live, declined, returned = _earlier_offers(rows)
            if live:
                return Outcome(request, None, note="already offered")
            if returned:
                return Outcome(request, None, returned=True)
            roster = await self._roster.index(connection, rows[0]["roster_version"])
            demand = demand_of(request, declined)
            decision = decide(demand, roster,
                              await loads.current(connection, now, demand.customer), now,
                              policy)
            if decision.chosen is None:
                return Outcome(request, None, decision)
            return await self._offer(connection, request, roster.by_id[decision.chosen],
                                     decision, now, demand.customer)

    async def lookahead_state(self, now: datetime, limit: int = LIMIT
                              ) -> tuple[list[Waiting], RosterIndex, dict[str, Load]]:
        """What the look-ahead matches (domain/lookahead.py): the requests waiting with no
        live offer, the roster and every architect's load. Read outside the balancing lock;
        `offer_matched` checks under it that nothing changed."""
        waiting: list[Waiting] = []
        queue = await self.waiting_by_deadline(limit)
        async with self._database.connect() as connection:
            found = await loads.counted(connection, now)
            version = None
            for deadline, request_id, _ in queue:
                rows = (await connection.execute(_BEFORE_DECIDING, {"request_id": request_id})
                        ).mappings().all()
                if not rows:
                    continue
                request, (live, declined, returned) = request_from(rows[0]), _earlier_offers(rows)
                version = rows[0]["roster_version"]
                if request.state is State.AWAITING_FTA and not live and not returned:
                    waiting.append(Waiting(demand_of(request, declined), deadline))
            if version is None:
                version = (await connection.execute(select(VERSION_COLUMN))).scalar()
            roster = await self._roster.index(connection, version)
        return waiting, roster, {a: Load(load.points) for a, load in found.items()}

    async def offer_matched(self, request_id: int, decision: Decision, now: datetime,
                            late: LateLane | None = None) -> Outcome:
        """Offer the request to the architect the look-ahead matched it with, if nothing
        changed since it read the state: the request still waits with no live offer (so a
        manager's hand assignment or offer stands), and the architect still keeps every hard
        rule with the load there is now (and, for a request ``late`` holds, the room it
        keeps free). Otherwise no offer (note "changed")."""
        async with self._database.serialized() as connection:
            rows = (await connection.execute(_BEFORE_DECIDING, {"request_id": request_id})
                    ).mappings().all()
            if not rows:
                raise OfferError("That request no longer exists.")
            request, (live, declined, returned) = request_from(rows[0]), _earlier_offers(rows)
            roster = await self._roster.index(connection, rows[0]["roster_version"])
            chosen = roster.by_id.get(decision.chosen or "")
            demand = demand_of(request, declined)
            load = (await loads.current(connection, now, demand.customer)).get(
                decision.chosen or "") or Load()
            if (request.state is not State.AWAITING_FTA or live or returned or chosen is None
                    or demand.segment not in chosen.segments
                    or demand.region not in chosen.regions
                    or hard_rule(chosen, demand, load.points + decision.weight,
                                 DecisionClock(now),
                                 keep_free=late.keep_free(request.deadline, now) if late else 0)
                    is not None):
                return Outcome(request, None, note="changed")
            return await self._offer(connection, request, chosen, decision, now,
                                     demand.customer)

    async def _offer(self, connection: Connection, request: FtaRequest, chosen: Architect,
                     decision: Decision, now: datetime, customer: str,
                     offered_by: str = "") -> Outcome:
        offer = Offer(request.id, chosen.id, decision.weight, now,
                      business_hours_later(now, self._offer_hours, chosen.timezone,
                                           chosen.holiday_country,
                                           chosen.holiday_subdivision),
                      {**decision.as_dict(), **({OFFERED_BY: offered_by} if offered_by else {})},
                      customer=customer)
        offer.id = await _insert_offer(connection, offer)
        await loads.offered(connection, chosen.id, offer.weight, now)
        await connection.execute(_ADD_TIMER, {
            "kind": "offer_timeout", "request_id": request.id, "offer_id": offer.id,
            "due_at": offer.expires_at})
        return Outcome(request, offer, decision, architect=chosen)

    # Answering an offer leaves every architect's load as it was (an offer and an accepted
    # engagement weigh the same; a decline only frees points), so it needs no place in the
    # serialized order of balancing decisions: the offer's row lock keeps two answers apart.

    async def accept(self, offer_id: int, architect: Architect,
                     now: datetime) -> tuple[Offer, FtaRequest]:
        """``architect`` accepts their offer: the offer and its request, both as now stored."""
        async with self._database.begin() as connection:
            offer = await self._answerable(connection, offer_id, architect.id)
            request = await _assign(connection, offer.request_id, architect)
            ends = _engagement_end(request, architect, now)
            await connection.execute(_UPDATE_OFFER, {
                "offer_id": offer_id, "state": OfferState.ACCEPTED, "decided_at": now,
                "engagement_ends_at": ends})
            await loads.accepted(connection, architect.id, ends)
            await _finish_timers(connection, offer_id, now)
            await _check_engagement_at(connection, request.id, ends)
        offer.state, offer.decided_at, offer.engagement_ends_at = OfferState.ACCEPTED, now, ends
        return offer, request

    async def decline(self, offer_id: int, architect_id: str, reason: str,
                      now: datetime) -> Offer:
        async with self._database.begin() as connection:
            offer = await self._answerable(connection, offer_id, architect_id)
            await connection.execute(_UPDATE_OFFER, {
                "offer_id": offer_id, "state": OfferState.DECLINED, "decided_at": now,
                "reason": reason})
            await loads.let_go(connection, [architect_id])
            await _finish_timers(connection, offer_id, now)
        offer.state, offer.decided_at, offer.reason = OfferState.DECLINED, now, reason
        return offer

    async def finish_engagement(self, request_id: int, now: datetime) -> list[str]:
        """The engagement's work ended at ``now``: its points stop being held (before the
        per-type estimate, which held them until then). Who was freed; none if nobody."""
        async with self._database.begin() as connection:
            freed = list((await connection.execute(
                update(offers).where(offers.c.request_id == request_id,
                                     offers.c.state == OfferState.ACCEPTED,
                                     offers.c.engagement_ends_at > now)
                .values(engagement_ends_at=now).returning(offers.c.architect_id))).scalars())
            await loads.let_go(connection, freed)
            await connection.execute(_ENGAGEMENT_CHECKS_DONE, {"finished_request": request_id,
                                                               "finished_at": now})
        return freed

    async def extend_engagement(self, request_id: int, now: datetime) -> datetime | None:
        """The FTA is still working on it past the estimate: its points are held again, for
        EXTENSION_BUSINESS_DAYS more, when they are asked again. None: nothing accepted."""
        async with self._database.begin() as connection:
            row = (await connection.execute(
                select(offers.c.id.label("accepted_offer"), architects).join(
                    architects, architects.c.id == offers.c.architect_id)
                .join(requests, requests.c.id == offers.c.request_id)
                .where(offers.c.request_id == request_id, requests.c.state == State.ASSIGNED,
                       offers.c.state == OfferState.ACCEPTED))).mappings().first()
            if row is None:
                return None
            architect = architect_from(row)
            ends = business_days_later(now, EXTENSION_BUSINESS_DAYS, architect.timezone,
                                       architect.holiday_country,
                                       architect.holiday_subdivision)
            await connection.execute(_UPDATE_OFFER, {"offer_id": row["accepted_offer"],
                                                     "engagement_ends_at": ends})
            await loads.let_go(connection, [architect.id])
            await _check_engagement_at(connection, request_id, ends)
        return ends

    async def assign_by_hand(self, request_id: int, architect_id: str, now: datetime,
                             policy: Policy, by: str = "") -> Offer:
        """A manager's assignment: hard rules hold except capacity, whose excess is flagged.
        Refused while an FTA holds an open offer of the request, or once it is assigned."""
        async with self._database.serialized() as connection:
            request, chosen = await _request_and_architect(connection, request_id,
                                                           architect_id)
            if request.state is State.ASSIGNED:
                raise OfferError(f"it is already assigned to {request.agent_name}")
            if request.state is not State.AWAITING_FTA:
                raise OfferError("it is no longer waiting for an FTA")
            holder = (await connection.execute(_OPEN_OFFER_HOLDER, {"request_id": request_id})
                      ).first()
            if holder is not None:
                who = holder.name or holder.architect_id
                raise OfferError(f"it is offered to {who} right now; wait for their answer, "
                                 "their time-out, or re-offer it")
            load = (await loads.current(connection, now)).get(chosen.id) or Load()
            decision = override(demand_of(request, frozenset()), chosen, load, now, policy)
            offer = Offer(request.id, chosen.id, decision.weight, now, now,
                          {**decision.as_dict(), "assigned_by": by},
                          state=OfferState.ACCEPTED, customer=request.values.get("customer", ""),
                          override=decision.override, decided_at=now,
                          engagement_ends_at=_engagement_end(request, chosen, now))
            offer.id = await _insert_offer(connection, offer)
            await loads.offered(connection, chosen.id, offer.weight, now,
                                offer.engagement_ends_at)
            await _assign(connection, request.id, chosen)
            assert offer.engagement_ends_at is not None
            await _check_engagement_at(connection, request.id, offer.engagement_ends_at)
        return offer

    async def reoffer(self, request_id: int, now: datetime, policy: Policy,
                      by: str) -> tuple[Outcome, Offer | None]:
        async with self._database.serialized() as connection:
            rows = (await connection.execute(_BEFORE_DECIDING, {"request_id": request_id})
                    ).mappings().all()
            if not rows:
                raise OfferError("it no longer exists")
            request = request_from(rows[0])
            if request.state is State.ASSIGNED:
                raise OfferError(f"it is already assigned to {request.agent_name}")
            if request.state is not State.AWAITING_FTA:
                raise OfferError("it is no longer waiting for an FTA")
            row = (await connection.execute(_END_OPEN_OFFER, {"reoffered_request": request_id,
                                                               "now": now})).mappings().first()
            ended = offer_from(row) if row is not None else None
            passed_over = frozenset({ended.architect_id}) if ended is not None else frozenset()
            if ended is not None:
                await loads.let_go(connection, [ended.architect_id])
                await _finish_timers(connection, ended.id, now)
            roster = await self._roster.index(connection, rows[0]["roster_version"])
            # a manager's re-offer is not held back in the late lane: they asked for it now
            demand = replace(demand_of(request, _earlier_offers(rows)[1] | passed_over),
                             deadline=None)
            decision = decide(demand, roster,
                              await loads.current(connection, now, demand.customer), now,
                              policy)
            if decision.chosen is None:
                return Outcome(request, None, decision), ended
            return await self._offer(connection, request, roster.by_id[decision.chosen],
                                     decision, now, demand.customer, offered_by=by), ended

    async def reassign(self, request_id: int, from_id: str, architect_id: str, now: datetime,
                       policy: Policy, by: str, reason: str) -> tuple[Offer, Offer, FtaRequest]:
        async with self._database.serialized() as connection:
            request, chosen = await _request_and_architect(connection, request_id,
                                                           architect_id)
            if request.state is not State.ASSIGNED:
                raise OfferError("it is no longer assigned to an FTA")
            if request.agent_id != from_id:
                raise OfferError(f"it is assigned to {request.agent_name} now")
            if chosen.id == from_id:
                raise ValueError(f"{chosen.name} already has it; pick another FTA.")
            row = (await connection.execute(_ACCEPTED_OF, {"request_id": request_id})
                   ).mappings().first()
            if row is None:
                raise OfferError("it has no accepted engagement to move")
            old = offer_from(row)
            load = (await loads.current(connection, now)).get(chosen.id) or Load()
            decision = override(demand_of(request, frozenset()), chosen, load, now, policy)
            ended_at = min(old.engagement_ends_at or now, now)
            await connection.execute(_UPDATE_OFFER, {
                "offer_id": old.id, "state": OfferState.REASSIGNED, "reason": reason,
                "engagement_ends_at": ended_at})
            old.state, old.reason, old.engagement_ends_at = (OfferState.REASSIGNED, reason,
                                                             ended_at)
            new = Offer(request.id, chosen.id, decision.weight, now, now,
                        {**decision.as_dict(), "assigned_by": by, "reassigned_from": from_id},
                        state=OfferState.ACCEPTED, customer=request.values.get("customer", ""),
                        override=decision.override, decided_at=now,
                        engagement_ends_at=_engagement_end(request, chosen, now))
            new.id = await _insert_offer(connection, new)
            assert new.engagement_ends_at is not None
            await loads.offered(connection, chosen.id, new.weight, now, new.engagement_ends_at)
            await loads.let_go(connection, [from_id])
            moved = (await connection.execute(_REASSIGN, {
                "request_id": request_id, "from_id": from_id, "architect_id": chosen.id,
                "architect_name": chosen.name})).mappings().first()
            assert moved is not None  # read under the same lock just above
            await connection.execute(_ENGAGEMENT_CHECKS_DONE, {"finished_request": request_id,
                                                               "finished_at": now})
            await _check_engagement_at(connection, request_id, new.engagement_ends_at)
        return old, new, request_from(moved)

    async def offers_for(self, request_id: int) -> list[Offer]:
        """Every offer of a request (a manager's assignment is one), oldest first."""
        async with self._database.connect() as connection:
            rows = (await connection.execute(_OFFERS_OF_REQUEST, {"request_id": request_id})
                    ).mappings()
            return [offer_from(row) for row in rows]

    async def withdraw(self, request_id: int, seen: State,
                       now: datetime) -> tuple[FtaRequest, list[Offer]]:
        # Serialized as offering is: no offer can be made for it while it is withdrawn.
        async with self._database.serialized() as connection:
            await connection.execute(_LIVE_OFFERS_TO_WITHDRAW, {"request_id": request_id})
            row = (await connection.execute(_WITHDRAW, {"request_id": request_id,
                                                        "seen_state": seen})
                   ).mappings().first()
            if row is None:
                raise OfferError("That request can no longer be withdrawn.")
            ended = [offer_from(r) for query in (_END_OPEN_OFFERS, _END_ENGAGEMENTS)
                     for r in (await connection.execute(
                         query, {"withdrawn_request": request_id, "now": now})).mappings()]
            await loads.let_go(connection, [offer.architect_id for offer in ended])
            for offer in ended:
                await _finish_timers(connection, offer.id, now)
            await connection.execute(_ENGAGEMENT_CHECKS_DONE, {"finished_request": request_id,
                                                               "finished_at": now})
        return request_from(row), ended

    async def live_offers_of(self, architect_id: str) -> list[Offer]:
        """Every one of the architect's offers still to answer and accepted ones, newest
        first."""
        async with self._database.connect() as connection:
            rows = (await connection.execute(_LIVE_OFFERS_OF,
                                             {"architect_id": architect_id})).mappings()
            return [offer_from(row) for row in rows]

    async def explain(self, request_id: int, now: datetime, policy: Policy) -> Decision | None:
        """The decision the balancer would take for the request now, reserving nothing; None
        when the request is not waiting for an FTA."""
        async with self._database.connect() as connection:
            rows = (await connection.execute(_BEFORE_DECIDING, {"request_id": request_id})
                    ).mappings().all()
            if not rows or request_from(rows[0]).state is not State.AWAITING_FTA:
                return None
            request = request_from(rows[0])
            roster = await self._roster.index(connection, rows[0]["roster_version"])
            demand = demand_of(request, _earlier_offers(rows)[1])
            return decide(demand, roster, await loads.counted(connection, now, demand.customer),
                          now, policy)

    async def points_by_architect(self, now: datetime) -> dict[str, int]:
        async with self._database.connect() as connection:
            return {a: load.points for a, load in (await loads.counted(connection, now)).items()}

    async def expire(self, offer_id: int, now: datetime) -> Offer | None:
        """Time an unanswered offer out; None if it was answered meanwhile."""
        async with self._database.serialized() as connection:
            result = await connection.execute(update(offers).where(
                offers.c.id == offer_id, offers.c.state == OfferState.OFFERED,
                offers.c.expires_at <= now).values(state=OfferState.EXPIRED, decided_at=now,
                                                   reason="no answer in time"
                                                   ).returning(offers.c.architect_id))
            expired = result.scalars().all()
            if not expired:
                return None
            await loads.let_go(connection, expired)
        return await self.get(offer_id)

    async def get(self, offer_id: int) -> Offer | None:
        async with self._database.connect() as connection:
            row = (await connection.execute(_OFFER, {"offer_id": offer_id})).mappings().first()
        return offer_from(row) if row else None

    async def waiting_by_deadline(self, limit: int = 200) -> list[Queued]:
        """The requests waiting for an FTA with no live offer, earliest deadline first;
        domain/queue.py orders them."""
        query = (select(requests.c.deadline, requests.c.submitted_at, requests.c.id,
                        requests.c.type_key)
                 .where(requests.c.state == State.AWAITING_FTA, ~_HAS_LIVE_OFFER)
                 .order_by(requests.c.deadline, requests.c.id).limit(limit))
        async with self._database.connect() as connection:
            return [Queued(deadline or submitted, request_id, type_key or "")
                    for deadline, submitted, request_id, type_key
                    in (await connection.execute(query)).all()]

    async def waiting(self, limit: int = 50) -> list[int]:
        """Requests waiting for an FTA with no live offer, oldest first."""
        query = (select(requests.c.id).where(requests.c.state == State.AWAITING_FTA,
                                             ~_HAS_LIVE_OFFER)
                 .order_by(requests.c.submitted_at, requests.c.id).limit(limit))
        async with self._database.connect() as connection:
            return list((await connection.execute(query)).scalars())

    async def _answerable(self, connection: Connection, offer_id: int,
                          architect_id: str) -> Offer:
        row = (await connection.execute(_OFFER_TO_ANSWER, {"offer_id": offer_id})
               ).mappings().first()
        if row is None or row["architect_id"] != architect_id:
            raise OfferError("This offer was made to someone else.")
        offer = offer_from(row)
        if offer.state is not OfferState.OFFERED:
            raise OfferError(f"This offer was already {offer.state.value}.")
        return offer


async def _request_and_architect(connection: Connection, request_id: int,
                                 architect_id: str) -> tuple[FtaRequest, Architect]:
    request = (await connection.execute(REQUEST_BY_ID, {"request_id": request_id})
               ).mappings().first()
    architect = (await connection.execute(_ARCHITECT, {"architect_id": architect_id})
                 ).mappings().first()
    if request is None or architect is None:
        raise OfferError("the request or the architect no longer exists")
    return request_from(request), architect_from(architect)


def _engagement_end(request: FtaRequest, architect: Architect, now: datetime) -> datetime:
    """When the engagement stops holding the architect's capacity."""
    return business_days_later(now, engagement_days(request.type_key), architect.timezone,
                               architect.holiday_country, architect.holiday_subdivision)


async def _assign(connection: Connection, request_id: int,
                  architect: Architect) -> FtaRequest:
    """Assign the request to ``architect``; refused unless it is still waiting for an FTA."""
    row = (await connection.execute(_ASSIGN, {"request_id": request_id,
                                              "architect_id": architect.id,
                                              "architect_name": architect.name})
           ).mappings().first()
    if row is None:
        raise OfferError("That request is no longer waiting for an FTA.")
    return request_from(row)


def _earlier_offers(rows: Sequence[RowMapping]) -> tuple[bool, frozenset[str], bool]:
    """Whether the request has a live offer, the architects who declined it or let it
    expire, and whether the engine leaves it to the managers (returned_to_managers), from its
    rows of _BEFORE_DECIDING (found by ix_offers_request_state)."""
    made = [row for row in rows if row["offer_state"] is not None]
    states = [(row["offer_architect"], row["offer_state"]) for row in made
              if not (row["offer_reason"] or "").startswith(SENT_BACK)]
    live = any(state in (OfferState.OFFERED, OfferState.ACCEPTED) for _, state in states)
    returned = returned_to_managers([(OfferState(row["offer_state"]), row["offer_reason"] or "",
                                      row["offer_decision"] or {}) for row in made])
    return live, frozenset(architect for architect, state in states
                           if state in (OfferState.DECLINED, OfferState.EXPIRED)), returned


async def _check_engagement_at(connection: Connection, request_id: int,
                               due_at: datetime) -> None:
    """When the estimate passes, the worker asks the FTA whether the work has ended."""
    await connection.execute(_ADD_TIMER, {"kind": ENGAGEMENT_CHECK, "request_id": request_id,
                                          "offer_id": None, "due_at": due_at})


async def _insert_offer(connection: Connection, offer: Offer) -> int:
    values = {k: v for k, v in offer.__dict__.items() if k != "id"}
    result = await connection.execute(_ADD_OFFER, values)
    return int(result.scalar_one())


async def _finish_timers(connection: Connection, offer_id: int, now: datetime) -> None:
    await connection.execute(_FINISH_TIMERS, {"answered_offer": offer_id, "done_at": now})


def offer_from(row: Any) -> Offer:
    return Offer(row["request_id"], row["architect_id"], row["weight"],
                 row["offered_at"], row["expires_at"], dict(row["decision"]),
                 id=row["id"], state=OfferState(row["state"]), customer=row["customer"],
                 override=bool(row["override"]), decided_at=row["decided_at"],
                 reason=row["reason"], engagement_ends_at=row["engagement_ends_at"])
