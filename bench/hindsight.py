"""What was possible on a trace, knowing every arrival and every engagement's length.

    python bench/hindsight.py [--quick] [--scenario NAME]

Two figures per scenario: an upper bound on SLA attainment (the LP relaxation of bench/bound.py,
needs `highspy`: pip install -e ".[bench]") and a real schedule built with hindsight, which the
independent judge (bench/judge.py) must find breaks no hard rule. A weak schedule shows as a wide
gap between the two.

The schedule places requests one by one on each FTA's timeline of engagements, anywhere in time,
at the earliest start where the FTA is in office and has room for the whole engagement; first
every request that can still start by its deadline, in an order the LP (or the deadline) gives,
then the rest as early as possible. Several orders are tried and the best kept."""

from __future__ import annotations

import argparse
import bisect
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.judge import Placement, deadline, engagement_end, is_skilled, judge
from domain.roster import Architect
from domain.trace import Trace, TraceRequest

LONGEST = timedelta(days=80)  # longer than any engagement of 40 business days, with holidays


class Timeline:
    """One FTA's engagements, sorted by start, to find when another one fits."""

    def __init__(self, architect: Architect) -> None:
        self.architect = architect
        self.spans: list[tuple[datetime, datetime, int]] = []
        zone = ZoneInfo(architect.timezone)
        self.returns = [datetime.combine(a.end + timedelta(days=1), datetime.min.time(), zone)
                        for a in architect.out_of_office]

    def away(self, moment: datetime) -> bool:
        day = moment.astimezone(ZoneInfo(self.architect.timezone)).date()
        return any(a.start <= day <= a.end for a in self.architect.out_of_office)

    def peak(self, start: datetime, end: datetime) -> int:
        """The most points taken at any instant of [start, end)."""
        first = bisect.bisect_left(self.spans, (start - LONGEST,))
        last = bisect.bisect_left(self.spans, (end,))
        overlapping = [s for s in self.spans[first:last] if s[1] > start]
        checks = [start] + [s[0] for s in overlapping if s[0] > start]
        return max((sum(w for a, b, w in overlapping if a <= at < b) for at in checks),
                   default=0)

    def earliest(self, request: TraceRequest, points: int, latest: datetime | None,
                 ) -> datetime | None:
        """The earliest start from submission (until ``latest``) where it fits, or None."""
        if points > self.architect.capacity:
            return None
        begin = request.submitted_at
        candidates = sorted({begin, *(s[1] for s in self.spans if s[1] > begin),
                             *(r for r in self.returns if r > begin)})
        for start in candidates:
            if latest is not None and start > latest:
                return None
            end = engagement_end(self.architect, request, start)
            if not self.away(start) and self.peak(start, end) + points <= self.architect.capacity:
                return start
        return None

    def take(self, request: TraceRequest, start: datetime, points: int) -> Placement:
        end = engagement_end(self.architect, request, start)
        bisect.insort(self.spans, (start, end, points))
        return Placement(request.demand.request_id, self.architect.id, start, end)


@dataclass(frozen=True)
class Attempt:
    name: str
    schedule: list[Placement]
    on_time: int
    skilled: int


def hindsight_schedule(trace: Trace, order: Callable[[TraceRequest], tuple],
                       prefer_skill: bool, name: str = "") -> Attempt:
    timelines = {a.id: Timeline(a) for a in trace.architects}
    eligible = {r.demand.request_id: [timelines[a.id] for a in trace.architects
                                      if _eligible(a, r)] for r in trace.requests}
    placed: dict[str, Placement] = {}
    on_time = skilled = 0
    for request in sorted(trace.requests, key=order):
        due, points = deadline(request), trace.weights.get(request.demand.type_key, 1)
        best = _best(eligible[request.demand.request_id], request, points, due, prefer_skill)
        if best is not None:
            timeline, start = best
            placed[request.demand.request_id] = timeline.take(request, start, points)
            on_time += 1
            skilled += is_skilled(timeline.architect, request)
    for request in sorted(trace.requests, key=deadline):
        if request.demand.request_id in placed:
            continue
        points = trace.weights.get(request.demand.type_key, 1)
        best = _best(eligible[request.demand.request_id], request, points, None, prefer_skill)
        if best is not None:
            timeline, start = best
            placed[request.demand.request_id] = timeline.take(request, start, points)
            skilled += is_skilled(timeline.architect, request)
    return Attempt(name, sorted(placed.values(), key=lambda p: p.start), on_time, skilled)


def _eligible(architect: Architect, request: TraceRequest) -> bool:
    demand = request.demand
    return (architect.active and architect.id not in request.declined_by
            and demand.segment in architect.segments and demand.region in architect.regions)


def _best(timelines: list[Timeline], request: TraceRequest, points: int,
          latest: datetime | None, prefer_skill: bool) -> tuple[Timeline, datetime] | None:
    """Earliest start first (or a skilled FTA first), then the lightest relative load."""
    options = []
    for timeline in timelines:
        start = timeline.earliest(request, points, latest)
        if start is not None:
            skilled = is_skilled(timeline.architect, request)
            load = timeline.peak(start, start + timedelta(seconds=1)) + points
            rank = (start, not skilled) if not prefer_skill else (not skilled, start)
            options.append((*rank, load / timeline.architect.capacity, timeline.architect.id,
                            timeline))
    if not options:
        return None
    best = min(options, key=lambda o: o[:4])
    return best[4], best[0] if not prefer_skill else best[1]


def orders(trace: Trace, guide: Mapping[str, float] | None) -> dict[str, Callable]:
    """Request orders for the first pass: by deadline, lighter engagements first within a day
    of deadlines, and (with the LP's on-time shares) the LP's choices first."""
    weights = trace.weights

    def size(r: TraceRequest) -> int:
        return weights.get(r.demand.type_key, 1) * r.engagement_business_days

    found: dict[str, Callable] = {
        "deadline": lambda r: (deadline(r), r.demand.request_id),
        "small first by day": lambda r: (deadline(r).date(), size(r), r.demand.request_id),
    }
    if guide is not None:
        found["LP-guided"] = lambda r: (-round(guide.get(r.demand.request_id, 0.0), 3),
                                        deadline(r), r.demand.request_id)
    return found


def best_schedule(trace: Trace, prefer_skill: bool,
                  guide: Mapping[str, float] | None = None) -> Attempt:
    attempts = [hindsight_schedule(trace, order, prefer_skill, name)
                for name, order in orders(trace, guide).items()]
    return max(attempts, key=lambda a: (a.on_time, a.skilled))


@dataclass(frozen=True)
class Hindsight:
    """A scenario's yardstick: the LP bound (None without a solver) and the hindsight schedules,
    SLA first and skill first, each as the judge measures it."""

    bound: float | None
    bound_seconds: float
    rows: dict[str, dict[str, float]]
    violations: int
    seconds: float


def yardstick(trace: Trace, with_bound: bool = True) -> Hindsight:
    from bench.bound import sla_bound, solver_available

    bound = sla_bound(trace) if with_bound and solver_available() else None
    started = time.perf_counter()
    guide = bound.on_time_share if bound else None
    rows, violations = {}, 0
    for name, prefer_skill in (("hindsight", False), ("hindsight, skill first", True)):
        verdict = judge(trace, best_schedule(trace, prefer_skill, guide).schedule)
        rows[name] = verdict.metrics
        violations += len(verdict.violations)
    return Hindsight(bound.sla if bound else None, bound.seconds if bound else 0.0, rows,
                     violations, time.perf_counter() - started)


def main() -> None:
    from bench.traces import SCENARIOS, scenario_trace
    from domain.trace import parse_trace

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="quarters a quarter the size")
    parser.add_argument("--scenario", help="only this scenario")
    args = parser.parse_args()
    print(f"{'scenario':<18} {'LP bound':>8} {'LP s':>6} {'schedule':<23} {'SLA':>6} "
          f"{'skill':>6} {'broken':>6} {'s':>5}")
    for scenario in SCENARIOS:
        if args.scenario and scenario.name != args.scenario:
            continue
        scenario = scenario.scaled(0.25) if args.quick else scenario
        found = yardstick(parse_trace(scenario_trace(scenario)), scenario.bound)
        bound = "n/a" if found.bound is None else f"{found.bound:.1%}"
        for name, row in found.rows.items():
            print(f"{scenario.name:<18} {bound:>8} {found.bound_seconds:>6.1f} {name:<23} "
                  f"{row['sla']:>6.1%} {row['skill_match']:>6.1%} {found.violations:>6} "
                  f"{found.seconds:>5.1f}")
    from bench.bound import solver_available

    if not solver_available():
        print('\nNo LP bound: the solver is missing (pip install -e ".[bench]" adds highspy).')


if __name__ == "__main__":
    main()
