"""An independent judge of a schedule: every hard rule checked from the trace alone, and the
measures the issue's targets are stated in.

It does not use the simulator or the balancer: a schedule from either (or from the hindsight
search) is checked against the rules as the playbook states them. The business calendar is the
definition of a deadline and of an engagement's length, so it comes from domain/calendar.py."""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.calendar import assignment_deadline, business_days_later
from domain.roster import Architect
from domain.simulation import SimulationResult
from domain.trace import Trace, TraceRequest

SKILLED = 3  # proficiency from which an FTA counts as skilled in a workload (the measure)
# An offer awaiting its answer: (request, architect, from, until, points); not a placement
Pending = tuple[str, str, datetime, datetime, int]
BOUND_BUSINESS_DAYS = 5  # the bound: no wait past this while an eligible FTA has room


@dataclass(frozen=True)
class Placement:
    """``request`` taken by ``architect`` from ``start`` until ``end`` (end excluded)."""

    request: str
    architect: str
    start: datetime
    end: datetime


@dataclass
class Verdict:
    violations: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)


def engagement_end(architect: Architect, request: TraceRequest, start: datetime) -> datetime:
    """When the engagement frees the FTA: its business days counted in the FTA's calendar."""
    return business_days_later(start, request.engagement_business_days, architect.timezone,
                               architect.holiday_country, architect.holiday_subdivision)


def deadline(request: TraceRequest) -> datetime:
    return assignment_deadline(request.submitted_at, request.demand.timezone, request.country)


def is_skilled(architect: Architect, request: TraceRequest) -> bool:
    return all(architect.skills.get(w, 0) >= SKILLED for w in request.demand.workloads)


def judge(trace: Trace, schedule: Sequence[Placement],
          passed_over: Mapping[str, frozenset[str]] | None = None,
          pending: Sequence[Pending] = (), grace: timedelta = timedelta()) -> Verdict:
    """Every hard rule broken by ``schedule``, and its measures. ``passed_over``: per request,
    the FTAs who declined it or let its offer time out in the run (not in the trace), whom
    the bound's measure does not count as having room for it; ``pending``: the offers awaiting
    an answer, whose points were not room, and while which their request was not waiting;
    ``grace``: see `waits_with_room`."""
    verdict = Verdict()
    requests = {r.demand.request_id: r for r in trace.requests}
    architects = {a.id: a for a in trace.architects}
    seen: set[str] = set()
    for placement in schedule:
        request, architect = requests.get(placement.request), architects.get(placement.architect)
        if request is None or architect is None:
            verdict.violations.append(f"{placement.request}/{placement.architect}: unknown")
            continue
        if placement.request in seen:
            verdict.violations.append(f"{placement.request}: assigned twice")
        seen.add(placement.request)
        verdict.violations += [f"{placement.request} to {architect.id}: {broken}"
                               for broken in _broken_rules(architect, request, placement)]
    verdict.violations += _over_capacity(trace, schedule, requests, architects)
    verdict.metrics = measures(trace, [p for p in schedule if p.request in requests
                                       and p.architect in architects], passed_over, pending,
                               grace)
    return verdict


def _broken_rules(architect: Architect, request: TraceRequest,
                  placement: Placement) -> Iterable[str]:
    demand = request.demand
    if placement.start < request.submitted_at:
        yield "assigned before it was submitted"
    if not architect.active:
        yield "FTA not active"
    if demand.segment not in architect.segments or demand.region not in architect.regions:
        yield "FTA does not cover the segment and region"
    if architect.id in request.declined_by:
        yield "offered again to an FTA who declined it"
    local_day = placement.start.astimezone(ZoneInfo(architect.timezone)).date()
    if any(a.start <= local_day <= a.end for a in architect.out_of_office):
        yield f"FTA out of office on {local_day}"
    if placement.end != engagement_end(architect, request, placement.start):
        yield "engagement does not last its business days"


def _over_capacity(trace: Trace, schedule: Sequence[Placement],
                   requests: dict[str, TraceRequest],
                   architects: dict[str, Architect]) -> list[str]:
    """Sweeps each FTA's engagements in time: ends before starts at the same instant."""
    events: dict[str, list[tuple[datetime, int, int]]] = defaultdict(list)
    for p in schedule:
        if p.request in requests and p.architect in architects:
            points = trace.weights.get(requests[p.request].demand.type_key, 1)
            events[p.architect] += [(p.start, 1, points), (p.end, 0, -points)]
    broken = []
    for architect_id, moments in events.items():
        load, capacity = 0, architects[architect_id].capacity
        for moment, _, change in sorted(moments):
            load += change
            if load > capacity:
                broken.append(f"{architect_id}: {load} points over capacity {capacity} "
                              f"at {moment.astimezone(UTC).isoformat()}")
                break
    return broken


def measures(trace: Trace, schedule: Sequence[Placement],
             passed_over: Mapping[str, frozenset[str]] | None = None,
             pending: Sequence[Pending] = (), grace: timedelta = timedelta(),
             ) -> dict[str, float]:
    requests = {r.demand.request_id: r for r in trace.requests}
    architects = {a.id: a for a in trace.architects}
    waits, past = [], []
    on_time = skilled = 0
    for p in schedule:
        request = requests[p.request]
        waits.append((p.start - request.submitted_at).total_seconds() / 3600)
        late = (p.start - deadline(request)).total_seconds() / 3600
        on_time += late <= 0
        past.append(max(0.0, late))
        skilled += is_skilled(architects[p.architect], request)
    waits.sort()
    total, assigned = len(trace.requests), len(schedule)
    return {"requests": total, "assigned": assigned,
            "sla": on_time / total if total else 1.0,
            "skill_match": skilled / assigned if assigned else 0.0,
            "spread": utilisation_spread(trace, schedule),
            "p90_wait_hours": waits[int(0.9 * (len(waits) - 1))] if waits else 0.0,
            "worst_hours_past_deadline": max(past, default=0.0),
            "worst_hours_with_room": max(waits_with_room(trace, schedule, passed_over,
                                                         pending, grace).values(),
                                         default=0.0)}


def waits_with_room(trace: Trace, schedule: Sequence[Placement],
                    passed_over: Mapping[str, frozenset[str]] | None = None,
                    pending: Sequence[Pending] = (),
                    grace: timedelta = timedelta()) -> dict[str, float]:
    """The bound's measure, per request: the hours it waited, more than 5 business days past
    its deadline (in the requester's calendar), while an eligible FTA (active, covering its
    segment and region, not one who declined it, in office) had room for it in the schedule;
    until its start, or the end of the quarter if it never started. Room an assignment took
    at the same instant is no room; stretches of room no longer than ``grace`` (an engine
    that serves the queue every few minutes sees room only at its next pass) are left out."""
    weights = trace.weights
    starts = {p.request: p.start for p in schedule}
    spans: dict[str, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    requests = {r.demand.request_id: r for r in trace.requests}
    for p in schedule:
        if p.request in requests:
            spans[p.architect].append(
                (p.start, p.end, weights.get(requests[p.request].demand.type_key, 1)))
    offered: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for request_id, architect_id, start, end, points in pending:
        spans[architect_id].append((start, end, points))
        offered[request_id].append((start, end))
    end_of_quarter = datetime.combine(trace.end, time(23, 59, 59), UTC)
    found: dict[str, float] = {}
    for request in trace.requests:
        due = deadline(request)
        bound = business_days_later(due, BOUND_BUSINESS_DAYS, request.demand.timezone,
                                    request.country)
        until = starts.get(request.demand.request_id, end_of_quarter)
        if until <= bound:
            continue
        points = weights.get(request.demand.type_key, 1)
        free: list[tuple[datetime, datetime]] = []
        gone = (passed_over or {}).get(request.demand.request_id, frozenset())
        for architect in trace.architects:
            if _eligible(architect, request) and architect.id not in gone:
                free += _room(architect, spans[architect.id], points, bound, until)
        free = [(a, b) for a, b in _merged(free) if b - a > grace]
        hours = (_covered(free) - _overlap(free, offered[request.demand.request_id])
                 ).total_seconds() / 3600
        if hours:
            found[request.demand.request_id] = hours
    return found


def _eligible(architect: Architect, request: TraceRequest) -> bool:
    demand = request.demand
    return (architect.active and architect.id not in request.declined_by
            and demand.segment in architect.segments and demand.region in architect.regions)


def _room(architect: Architect, spans: Sequence[tuple[datetime, datetime, int]], points: int,
          begin: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The stretches of [begin, end) in which ``architect`` is in office with ``points`` free."""
    moments = sorted({begin, end, *(m for a, b, _ in spans for m in (a, b) if begin < m < end),
                      *(m for m in _absence_edges(architect) if begin < m < end)})
    stretches = []
    for start, stop in itertools.pairwise(moments):
        load = sum(w for a, b, w in spans if a <= start < b)
        day = start.astimezone(ZoneInfo(architect.timezone)).date()
        away = any(a.start <= day <= a.end for a in architect.out_of_office)
        if not away and load + points <= architect.capacity:
            stretches.append((start, stop))
    return stretches


def _absence_edges(architect: Architect) -> Iterable[datetime]:
    zone = ZoneInfo(architect.timezone)
    for absence in architect.out_of_office:
        yield datetime.combine(absence.start, time(0), zone)
        yield datetime.combine(absence.end + timedelta(days=1), time(0), zone)


def _overlap(stretches: list[tuple[datetime, datetime]],
             others: list[tuple[datetime, datetime]]) -> timedelta:
    """The length of the union of ``stretches`` that ``others`` cover."""
    clipped = [(max(a, c), min(b, d)) for a, b in _merged(stretches) for c, d in _merged(others)
               if max(a, c) < min(b, d)]
    return _covered(clipped)


def _merged(stretches: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, stop in sorted(stretches):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


def _covered(stretches: list[tuple[datetime, datetime]]) -> timedelta:
    """The length of the union of ``stretches``."""
    return sum((stop - start for start, stop in _merged(stretches)), timedelta())


def utilisation_spread(trace: Trace, schedule: Sequence[Placement]) -> float:
    """The simulator's measure: the stdev of load / capacity across active FTAs, sampled at
    noon UTC every weekday of the quarter, averaged over the samples."""
    counted = [a for a in trace.architects if a.active and a.capacity]
    weights = {r.demand.request_id: trace.weights.get(r.demand.type_key, 1)
               for r in trace.requests}
    by_architect: dict[str, list[Placement]] = defaultdict(list)
    for p in schedule:
        by_architect[p.architect].append(p)
    spreads = []
    day = trace.start
    while day <= trace.end:
        if day.weekday() < 5:
            moment = datetime.combine(day, time(12), UTC)
            spreads.append(statistics.pstdev(
                sum(weights[p.request] for p in by_architect[a.id] if p.start <= moment < p.end)
                / a.capacity for a in counted) if counted else 0.0)
        day += timedelta(days=1)
    return statistics.fmean(spreads) if spreads else 0.0


def simulated_schedule(trace: Trace, result: SimulationResult) -> list[Placement]:
    """A simulated policy's assignments as a schedule; the simulator frees the capacity at the
    end of the engagement's business days, as the judge expects."""
    architects = {a.id: a for a in trace.architects}
    return [Placement(a.request.demand.request_id, a.architect, a.assigned_at,
                      engagement_end(architects[a.architect], a.request, a.assigned_at))
            for a in result.assignments]
