"""Replays a trace through the same balancer the bot uses, in simulated time."""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.balancer import Decision, Load, Policy, decide
from domain.calendar import assignment_deadline, business_days_later, business_hours_later
from domain.lookahead import Solver, Waiting, rematch
from domain.metrics import summarise
from domain.offers import OFFER_TIMEOUT_BUSINESS_HOURS
from domain.queue import DeadlineQueue, Lanes
from domain.roster import RosterIndex
from domain.trace import Trace, TraceRequest


@dataclass
class Assignment:
    request: TraceRequest
    architect: str
    assigned_at: datetime
    offers: list[str]
    decision: Decision


@dataclass
class SimulationResult:
    policy: str
    assignments: list[Assignment] = field(default_factory=list)
    unassigned: dict[str, str] = field(default_factory=dict)
    utilisation: list[tuple[datetime, dict[str, float]]] = field(default_factory=list)
    queue: list[tuple[datetime, Lanes]] = field(default_factory=list)
    declines: int = 0
    timeouts: int = 0  # offers never answered (with Answers)
    passed_over: dict[str, frozenset[str]] = field(default_factory=dict)  # declined, timed out
    # (request, architect, offered at, answered at, points): each offer awaiting its answer
    offers_pending: list[tuple[str, str, datetime, datetime, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Answers:
    """How FTAs answer offers, as the app lives with it: each answer comes some business time
    after the offer, up to the time-out (4 business hours); a share of offers are never
    answered and time out; the FTAs in a request's ``declined_by`` decline it. The offer holds
    the FTA's points until then, as in the app. Drawn per (request, FTA) from ``seed``, so a
    run is the same every time."""

    timeout_hours: float = OFFER_TIMEOUT_BUSINESS_HOURS
    timeout_share: float = 0.05
    seed: int = 1

    def of(self, request_id: str, architect_id: str) -> tuple[float, bool]:
        """(business hours until the answer, whether it is the time-out)."""
        draw = random.Random(f"{self.seed}/{request_id}/{architect_id}")
        if draw.random() < self.timeout_share:
            return self.timeout_hours, True
        return draw.uniform(0.0, self.timeout_hours), False


def deadline_of(request: TraceRequest) -> datetime:
    return assignment_deadline(request.submitted_at, request.demand.timezone, request.country)


class Simulation:
    def __init__(self, trace: Trace, policy: Policy, lookahead: timedelta | None = None,
                 solve: Solver | None = None, answers: Answers | None = None) -> None:
        """With ``lookahead`` (and its ``solve``), freed capacity is not served at once but
        by a re-match of the whole queue at the next look-ahead instant, as in the app. With
        ``answers``, offers take time to answer (else they are answered at once). The queue
        is the app's (domain/queue.py), with the policy's late lane."""
        self.answers = answers
        self._declined: dict[str, set[str]] = {}  # who declined, per request
        self._offers: dict[str, list[str]] = {}  # with answers: to whom it was offered
        self.trace, self.policy = trace, replace(policy, weights=trace.weights)
        self.lookahead = lookahead if solve is not None else None
        self._solve = solve
        self._rematch_due: datetime | None = None
        self._freed_since: set[str] = set()  # architects with room freed since the last one
        self.roster = RosterIndex(trace.architects)
        self.loads: dict[str, Load] = {}
        self.queue: DeadlineQueue[TraceRequest] = DeadlineQueue(
            policy.late, policy.lighter_first, lambda r: self.policy.size_of(r.demand.type_key))
        self._deadlines: dict[str, datetime] = {}  # of the requests in the queue
        self._deadline_of: dict[str, datetime] = {}
        self.result = SimulationResult(policy.name)
        self._events: list[tuple[datetime, int, str, object]] = []
        self._order = itertools.count()

    def run(self, progress: Callable[[datetime], None] | None = None) -> SimulationResult:
        """Replay the trace; ``progress`` hears the simulated day each time one starts."""
        for request in self.trace.requests:
            self._at(request.submitted_at, "arrive", request)
        for architect in self.trace.architects:
            for absence in architect.out_of_office:
                back = datetime.combine(absence.end + timedelta(days=1), time(0),
                                        ZoneInfo(architect.timezone))
                self._at(back, "return", architect.id)
        for moment in self._sample_times():
            self._at(moment, "sample", None)
        while self._events:
            moment, _, kind, payload = heapq.heappop(self._events)
            self._handle(moment, kind, payload)
            if progress is not None and kind == "sample":
                progress(moment)
        for request in self.queue:
            decision = self._decide(request, request.declined_by, self._end())
            self.result.unassigned[request.demand.request_id] = decision.reason()
        self.result.passed_over = {r: frozenset(who) for r, who in self._declined.items() if who}
        return self.result

    def _handle(self, moment: datetime, kind: str, payload: object) -> None:
        if kind == "arrive":
            assert isinstance(payload, TraceRequest)
            if not self._assign(payload, moment):
                self._enqueue(payload, moment)
        elif kind == "unheld":  # past the hold, a waiting request takes any room there is
            assert isinstance(payload, TraceRequest)
            request_id = payload.demand.request_id
            if request_id in self._deadlines and self._assign(payload, moment):
                self.queue.remove(self._deadlines.pop(request_id), request_id)
        elif kind == "release":
            assert isinstance(payload, tuple)
            architect_id: str = payload[0]
            weight: int = payload[1]
            load = self.loads[architect_id]
            self.loads[architect_id] = replace(load, points=load.points - weight)
            self._freed(moment, architect_id)
        elif kind == "return":
            self._freed(moment, str(payload))
        elif kind == "rematch":
            self._rematch(moment)
        elif kind == "answer":
            assert isinstance(payload, tuple)
            self._answered(moment, *payload)
        else:
            self.result.utilisation.append((moment, self._utilisation()))
            self.result.queue.append((moment, self.queue.lanes(moment)))

    def _assign(self, request: TraceRequest, moment: datetime) -> bool:
        """Offer the request (answered at once, or later with ``answers``); False if nobody
        eligible has room."""
        if self.answers is not None:
            request_id = request.demand.request_id
            decision = self._decide(request, frozenset(self._declined.get(request_id, ())),
                                    moment)
            if decision.chosen is None:
                return False
            self._offer(request, decision, moment)
            return True
        declined = self._declined.setdefault(request.demand.request_id, set())  # remembered,
        offers: list[str] = []  # as the app does: nobody is offered a request twice
        while True:
            decision = self._decide(request, frozenset(declined), moment)
            if decision.chosen is None:
                return False
            offers.append(decision.chosen)
            if decision.chosen in request.declined_by:
                declined.add(decision.chosen)
                self.result.declines += 1
                continue
            self._commit(request, decision, moment, offers)
            return True

    def _offer(self, request: TraceRequest, decision: Decision, moment: datetime) -> None:
        """The offer holds the FTA's points until its answer (``answers``)."""
        assert self.answers is not None
        chosen = self.roster.by_id[decision.chosen or ""]
        self._offers.setdefault(request.demand.request_id, []).append(chosen.id)
        load = self.loads.get(chosen.id) or Load()
        self.loads[chosen.id] = replace(load, points=load.points + decision.weight)
        hours, timed_out = self.answers.of(request.demand.request_id, chosen.id)
        answer_at = business_hours_later(moment, hours, chosen.timezone, chosen.holiday_country,
                                         chosen.holiday_subdivision)
        self._at(answer_at, "answer", (request, decision, timed_out))
        self.result.offers_pending.append((request.demand.request_id, chosen.id, moment,
                                           answer_at, decision.weight))

    def _answered(self, moment: datetime, request: TraceRequest, decision: Decision,
                  timed_out: bool) -> None:
        chosen, request_id = decision.chosen or "", request.demand.request_id
        architect = self.roster.by_id[chosen]
        away = architect.is_away_on(moment.astimezone(ZoneInfo(architect.timezone)).date())
        timed_out = timed_out or away  # gone out of office before answering: no answer
        if not timed_out and chosen not in request.declined_by:
            self._commit(request, decision, moment, self._offers.pop(request_id), held=True)
            return
        self.result.timeouts += timed_out
        self.result.declines += 1
        self._declined.setdefault(request_id, set()).add(chosen)
        load = self.loads[chosen]
        self.loads[chosen] = replace(load, points=load.points - decision.weight)
        if not self._assign(request, moment):  # the next FTA, or the queue
            self._enqueue(request, moment)
        self._freed(moment, chosen)

    def _enqueue(self, request: TraceRequest, moment: datetime) -> None:
        """Into the queue (it was just tried); once held past its deadline for the whole hold,
        it is tried again at once (room may have been left free for it meanwhile)."""
        request_id, deadline = request.demand.request_id, self._due(request)
        self._deadlines[request_id] = deadline
        self.queue.add(deadline, request_id, request)
        if self.policy.late.held_until(deadline) > moment:
            self._at(self.policy.late.held_until(deadline), "unheld", request)

    def _commit(self, request: TraceRequest, decision: Decision, moment: datetime,
                offers: list[str], held: bool = False) -> None:
        """``held``: the offer already holds the points (``answers``)."""
        chosen = self.roster.by_id[decision.chosen or ""]
        load = self.loads.get(chosen.id) or Load()
        self.loads[chosen.id] = Load(load.points + (0 if held else decision.weight), moment,
                                     load.customers | {request.demand.customer})
        ends = business_days_later(moment, request.engagement_business_days, chosen.timezone,
                                   chosen.holiday_country, chosen.holiday_subdivision)
        self._at(ends, "release", (chosen.id, decision.weight))
        self.result.assignments.append(Assignment(request, chosen.id, moment, offers, decision))

    def _freed(self, moment: datetime, architect_id: str) -> None:
        if self.lookahead is None:
            self._retry(moment, architect_id)
            return
        self._freed_since.add(architect_id)
        if self._rematch_due is None and len(self.queue):
            self._rematch_due = _next_instant(moment, self.lookahead)
            self._at(self._rematch_due, "rematch", None)

    def _rematch(self, moment: datetime) -> None:
        """The look-ahead (domain/lookahead.py): the queue matched with the room there is; an
        offer the matched architect declines goes on as the app's router would."""
        self._rematch_due = None
        assert self._solve is not None
        by_id = {r.demand.request_id: r for r in self.queue}
        waiting = [Waiting(replace(r.demand, declined_by=frozenset(
                               self._declined.get(r.demand.request_id, ())),
                               deadline=self._deadlines[r.demand.request_id]),
                           self._deadlines[r.demand.request_id]) for r in by_id.values()]
        for match in rematch(waiting, self.roster, self.loads, moment, self.policy,
                             self._solve):
            request, chosen = by_id[match.request_id], match.decision.chosen or ""
            room = self.roster.by_id[chosen].capacity - (self.loads.get(chosen) or Load()).points
            fits = match.decision.weight <= room
            if fits and self.answers is not None:
                self._offer(request, match.decision, moment)
            elif fits and chosen not in request.declined_by:
                self._commit(request, match.decision, moment, [chosen])
            else:  # declined at once, or the room went to an earlier decline's next offer
                if fits:
                    self.result.declines += 1
                    self._declined.setdefault(match.request_id, set()).add(chosen)
                if not self._assign(request, moment):
                    continue
            self.queue.remove(self._deadlines.pop(match.request_id), match.request_id)
        freed, self._freed_since = sorted(self._freed_since), set()
        for architect_id in freed:  # room the matching left: the queue in order, as the app
            self._retry(moment, architect_id)

    def _retry(self, moment: datetime, freed: str) -> None:
        """Capacity freed at ``freed``: the queued requests it could take, in the deadline
        queue's order (domain/queue.py), as the app's worker serves them."""
        architect = self.roster.by_id[freed]
        lightest = min(self.trace.weights.values())
        reserve = self.policy.late.reserve
        for request, lane in self.queue.in_order(moment):
            room = architect.capacity - (self.loads.get(freed) or Load()).points
            if room < lightest:
                break
            weight = self.policy.weight_of(request.demand.type_key)
            fits = weight + (reserve if lane == "held" else 0) <= room
            covers = (request.demand.segment in architect.segments
                      and request.demand.region in architect.regions)
            if fits and covers and self._assign(request, moment):
                request_id = request.demand.request_id
                self.queue.remove(self._deadlines.pop(request_id), request_id)

    def _decide(self, request: TraceRequest, declined: frozenset[str],
                moment: datetime) -> Decision:
        demand = replace(request.demand, declined_by=declined, deadline=self._due(request))
        return decide(demand, self.roster, self.loads, moment, self.policy)

    def _due(self, request: TraceRequest) -> datetime:
        """The request's deadline, worked out once."""
        request_id = request.demand.request_id
        if request_id not in self._deadline_of:
            self._deadline_of[request_id] = deadline_of(request)
        return self._deadline_of[request_id]

    def _utilisation(self) -> dict[str, float]:
        return {a.id: (self.loads.get(a.id) or Load()).points / a.capacity
                for a in self.trace.architects if a.active and a.capacity}

    def _sample_times(self) -> Iterator[datetime]:
        day = self.trace.start
        while day <= self.trace.end:
            if day.weekday() < 5:
                yield datetime.combine(day, time(12), UTC)
            day += timedelta(days=1)

    def _end(self) -> datetime:
        return datetime.combine(self.trace.end, time(23, 59, 59), UTC)

    def _at(self, moment: datetime, kind: str, payload: object) -> None:
        heapq.heappush(self._events, (moment, next(self._order), kind, payload))


def _next_instant(moment: datetime, every: timedelta) -> datetime:
    """The first multiple of ``every`` since the epoch after ``moment``."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((moment - epoch) // every + 1) * every


def simulate(trace: Trace, policy: Policy,
             progress: Callable[[datetime], None] | None = None) -> dict[str, object]:
    """The JSON report of one policy over one trace."""
    return report(trace, policy, Simulation(trace, policy).run(progress))


def report(trace: Trace, policy: Policy, result: SimulationResult) -> dict[str, object]:
    return {
        "policy": policy.name,
        "assignments": [{"request": a.request.demand.request_id, "architect": a.architect,
                         "assigned_at": a.assigned_at.astimezone(UTC).isoformat(),
                         "offers": a.offers,
                         "reason": a.decision.reason()} for a in result.assignments],
        "unassigned": [{"request": r, "reason": why} for r, why in result.unassigned.items()],
        "metrics": summarise(trace, result, deadline=assignment_deadline),
    }
