"""Look-ahead within the 2-day window: every few minutes the waiting requests and the
architects with room are matched as one assignment problem, instead of one request at a time.

Served one by one, the first request in line takes the lightest eligible architect even when
that architect is the only skilled one for the next request, which then waits or goes to
someone unskilled. Matched together, the order of what counts is (each tier outweighs every
lower one summed over the whole problem, so the order is strict):

1. serve as many requests as possible, lane by lane as the deadline queue ranks them
   (domain/queue.py: on time, then overdue past the hold, then held, a held one only where
   the architect keeps the hold's reserve free), so the look-ahead maximizes on-time
   assignments and keeps the queue's bound;
2. then as many assignments as possible to architects skilled (3+) in every workload;
3. then balance: the lowest relative load after, counting the scarce skills tied up.

An architect with room for several requests is several columns (slots), the k-th charged the
load after k lightest requests more. The solver is a port (a min-cost rectangular assignment,
e.g. scipy's linear_sum_assignment), so domain/ stays pure; its answer is checked against the
hard rules request by request, with the load it builds up, before anything is kept.
Deterministic: rows in serve order, columns in roster order, the solver deterministic."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.balancer import (
    NO_LOAD,
    Decision,
    DecisionClock,
    Demand,
    Load,
    Policy,
    _ranked,
    hard_rule,
)
from domain.queue import Lane, order_waiting
from domain.roster import RosterIndex

# (rows, columns, [(row, column, cost)]) -> the (row, column) pairs of a minimum-cost
# assignment; absent entries cost 0 and are never kept
Solver = Callable[[int, int, Sequence[tuple[int, int, float]]], list[tuple[int, int]]]
DEFAULT_INTERVAL = timedelta(minutes=5)  # LOOKAHEAD_MINUTES in the app
LIMIT = 500  # requests per re-match, first in serve order: the tiers below hold up to 999
SLOTS = 4  # columns per architect at most
LANE_VALUE: dict[Lane, float] = {"on_time": 1e12, "overdue": 1e9, "held": 1e6}
SKILLED_VALUE = 1e3


@dataclass(frozen=True)
class Waiting:
    """A request waiting for an architect, as the look-ahead sees it."""

    demand: Demand
    deadline: datetime


@dataclass(frozen=True)
class Match:
    request_id: str
    decision: Decision


def rematch(waiting: Sequence[Waiting], roster: RosterIndex, loads: Mapping[str, Load],
            now: datetime, policy: Policy, solve: Solver) -> list[Match]:
    """The waiting requests matched with architects who have room, in serve order (the
    deadline queue's, domain/queue.py)."""
    rows = [w for w, _ in order_waiting([(w.deadline, w.demand.request_id, w) for w in waiting],
                                        now, policy.late, policy.lighter_first,
                                        lambda w: policy.size_of(w.demand.type_key))][:LIMIT]
    clock = DecisionClock(now)
    lightest = min(policy.weights.values(), default=1)
    columns: dict[tuple[str, int], int] = {}
    entries: list[tuple[int, int, float]] = []
    for row, request in enumerate(rows):
        lane = LANE_VALUE[policy.late.lane(request.deadline, now)]
        keep_free = policy.late.keep_free(request.deadline, now)
        weight = policy.weight_of(request.demand.type_key)
        wanted = request.demand.workloads
        for architect in roster.covering(request.demand.segment, request.demand.region):
            points = (loads.get(architect.id) or NO_LOAD).points
            if hard_rule(architect, request.demand, points + weight, clock,
                         keep_free=keep_free) is not None:
                continue
            skilled = SKILLED_VALUE if roster.skilled_in[architect.id].issuperset(wanted) else 0
            spare = policy.scarcity_weight * roster.scarcity(architect, wanted)
            for slot in range(SLOTS):
                after = points + slot * lightest + weight
                if after + keep_free > architect.capacity:
                    break
                column = columns.setdefault((architect.id, slot), len(columns))
                entries.append((row, column, -(lane + skilled
                                               + 1 / (1 + after / architect.capacity + spare))))
    if not entries:
        return []
    owner = {column: architect_id for (architect_id, _), column in columns.items()}
    chosen = dict(solve(len(rows), len(columns), entries))
    return _checked(rows, {row: owner[column] for row, column in chosen.items()},
                    roster, loads, clock, policy)


def _checked(rows: Sequence[Waiting], chosen: Mapping[int, str], roster: RosterIndex,
             loads: Mapping[str, Load], clock: DecisionClock, policy: Policy) -> list[Match]:
    """The solver's pairs that keep every hard rule with the load built up so far, in serve
    order (slots charge the lightest request, so a heavier pair may no longer fit)."""
    points = {architect_id: (loads.get(architect_id) or NO_LOAD).points
              for architect_id in set(chosen.values())}
    matches: list[Match] = []
    for row, request in enumerate(rows):
        architect_id = chosen.get(row)
        if architect_id is None:
            continue
        architect, weight = roster.by_id[architect_id], policy.weight_of(request.demand.type_key)
        load = loads.get(architect_id) or NO_LOAD
        keep_free = policy.late.keep_free(request.deadline, clock.now)
        if hard_rule(architect, request.demand, points[architect_id] + weight, clock,
                     keep_free=keep_free):
            continue
        ranked = _ranked(architect, request.demand, replace(load, points=points[architect_id]),
                         weight, clock, roster.scarcity(architect, request.demand.workloads))
        points[architect_id] += weight
        matches.append(Match(request.demand.request_id, Decision(
            request.demand.request_id, weight, f"{policy.name}, look-ahead", architect_id,
            (ranked,), {})))
    return matches
