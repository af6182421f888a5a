"""An upper bound on SLA attainment: the LP relaxation of on-time assignment over a time grid.

x[r, a, s] is the share of request r that FTA a takes in grid slot s, for the slots between
submission and deadline where a is eligible (active, covering, not declined) and in office on
some local date of the slot. Each request is taken at most once. An engagement that starts
anywhere in slot s is surely running from the slot's last possible start until the earliest end
of its business days from any start in the slot, so it takes its points at every checkpoint
(midnight UTC) of that stretch, and those must fit the FTA's capacity. Every real schedule's
on-time assignments satisfy all this (late ones can be dropped without breaking capacity), so
the LP's optimum bounds what any schedule attains; coarser slots only loosen it.

Needs `highspy` (pip install -e ".[bench]")."""

from __future__ import annotations

import time as clock
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.judge import deadline, engagement_end
from domain.roster import Architect
from domain.trace import Trace, TraceRequest

SLOT = timedelta(hours=12)  # start times: shorter slots tighten the bound, and enlarge it
CHECKPOINT = timedelta(days=1)  # where capacity is checked (finer: more rows, little tighter)


@dataclass(frozen=True)
class Bound:
    sla: float
    on_time_share: dict[str, float]  # per request, the LP's share of it taken on time
    variables: int
    constraints: int
    seconds: float


def solver_available() -> bool:
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def sla_bound(trace: Trace) -> Bound | None:
    """The LP bound, or None if the solver did not prove it optimal.

    Each FTA's load at checkpoint k is a variable, carried from k-1 plus the engagements that
    start covering at k less those that stop: a column then has three entries (its request,
    where it starts, where it stops) instead of one per day it covers."""
    import highspy

    started = clock.perf_counter()
    origin = datetime.combine(trace.start, time(0), UTC)
    columns, points = _columns(trace, origin)
    horizon = max((c[2].stop for c in columns), default=0) + 1
    architects = [a for a in trace.architects if a.active]
    load_row = {(a.id, k): len(trace.requests) + i * horizon + k
                for i, a in enumerate(architects) for k in range(horizon)}
    lp = highspy.HighsLp()
    loads = len(load_row)
    lp.num_col_, lp.num_row_ = len(columns) + loads, len(trace.requests) + loads
    lp.col_cost_ = [1.0] * len(columns) + [0.0] * loads
    lp.col_lower_ = [0.0] * lp.num_col_
    lp.col_upper_ = [1.0] * len(columns) + [float(a.capacity) for a in architects
                                           for _ in range(horizon)]
    lp.row_lower_ = [-highspy.kHighsInf] * len(trace.requests) + [0.0] * loads
    lp.row_upper_ = [1.0] * len(trace.requests) + [0.0] * loads
    lp.sense_ = highspy.ObjSense.kMaximize
    index = {r.demand.request_id: i for i, r in enumerate(trace.requests)}
    starts, indices, values = [0], [], []
    for (request, architect, covered), weight in zip(columns, points, strict=True):
        indices.append(index[request])
        values.append(1.0)
        if covered:
            indices += [load_row[(architect, covered.start)], load_row[(architect, covered.stop)]]
            values += [-float(weight), float(weight)]
        starts.append(len(indices))
    for a in architects:  # load[k] - load[k+1] ... : load k appears in rows k and k+1
        for k in range(horizon):
            indices.append(load_row[(a.id, k)])
            values.append(1.0)
            if k + 1 < horizon:
                indices.append(load_row[(a.id, k + 1)])
                values.append(-1.0)
            starts.append(len(indices))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = starts, indices, values
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.passModel(lp)
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    shares: dict[str, float] = defaultdict(float)
    for (request, _, _), value in zip(columns, solver.getSolution().col_value[:len(columns)],
                                      strict=True):
        shares[request] += value
    objective = solver.getInfo().objective_function_value
    return Bound(objective / len(trace.requests) if trace.requests else 1.0, dict(shares),
                 lp.num_col_, lp.num_row_, clock.perf_counter() - started)


Column = tuple[str, str, range]  # request, FTA, the checkpoints it surely covers


def _columns(trace: Trace, origin: datetime) -> tuple[list[Column], list[int]]:
    columns: list[Column] = []
    points: list[int] = []
    for request in trace.requests:
        due, weight = deadline(request), trace.weights.get(request.demand.type_key, 1)
        first, last = _slot(request.submitted_at, origin), _slot(due, origin)
        for architect in trace.architects:
            if not _eligible(architect, request, weight):
                continue
            for slot in range(first, last + 1):
                earliest = max(request.submitted_at, origin + slot * SLOT)
                latest = min(due, origin + (slot + 1) * SLOT - timedelta(microseconds=1))
                if _in_office(architect, earliest, latest):
                    ends = _surely_running_until(architect, request, earliest, latest)
                    columns.append((request.demand.request_id, architect.id,
                                    range(_checkpoint_after(latest, origin),
                                          _checkpoint_after(ends, origin))))
                    points.append(weight)
    return columns, points


def _surely_running_until(architect: Architect, request: TraceRequest, earliest: datetime,
                          latest: datetime) -> datetime:
    """The earliest end of an engagement started from ``earliest`` to ``latest``. Within a
    local date a later start ends later; a start on the next date may end on the same date (a
    weekend counts no business day) at an earlier hour, so that date counts from midnight."""
    zone = ZoneInfo(architect.timezone)
    first = engagement_end(architect, request, earliest)
    next_day = latest.astimezone(zone).date()
    if next_day == earliest.astimezone(zone).date():
        return first
    return min(first, engagement_end(architect, request,
                                     datetime.combine(next_day, time(0), zone)))


def _eligible(architect: Architect, request: TraceRequest, points: int) -> bool:
    demand = request.demand
    return (architect.active and points <= architect.capacity
            and architect.id not in request.declined_by
            and demand.segment in architect.segments and demand.region in architect.regions)


def _in_office(architect: Architect, earliest: datetime, latest: datetime) -> bool:
    """In office on some local date from ``earliest`` to ``latest`` (a slot spans two at most)."""
    zone = ZoneInfo(architect.timezone)
    days = {earliest.astimezone(zone).date(), latest.astimezone(zone).date()}
    return any(not architect.is_away_on(day) for day in days)


def _slot(moment: datetime, origin: datetime) -> int:
    return int((moment - origin) // SLOT)


def _checkpoint_after(moment: datetime, origin: datetime) -> int:
    """The index of the first checkpoint at or after ``moment``."""
    return max(0, -int(-(moment - origin) // CHECKPOINT))
