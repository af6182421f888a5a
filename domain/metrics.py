"""What managers compare policies on: SLA, time to assign, fairness of load, skill match."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from domain.roster import SKILLED
from domain.trace import Trace

if TYPE_CHECKING:
    from domain.simulation import SimulationResult



def summarise(trace: Trace, result: SimulationResult,
              deadline: Callable[[datetime, str, str], datetime]) -> dict[str, object]:
    total = len(trace.requests)
    on_time = sum(a.assigned_at <= deadline(a.request.submitted_at, a.request.demand.timezone,
                                            a.request.country) for a in result.assignments)
    hours = sorted((a.assigned_at - a.request.submitted_at).total_seconds() / 3600
                   for a in result.assignments)
    spreads = [statistics.pstdev(u.values()) for _, u in result.utilisation if u]
    ranges = [max(u.values()) - min(u.values()) for _, u in result.utilisation if u]
    means = [statistics.fmean(u.values()) for _, u in result.utilisation if u]
    architects = {a.id: a for a in trace.architects}
    skilled = sum(all(architects[a.architect].skills.get(w, 0) >= SKILLED
                      for w in a.request.demand.workloads) for a in result.assignments)
    assigned = len(result.assignments)
    return {
        "requests": total, "assigned": assigned, "unassigned": total - assigned,
        "sla_attainment": round(on_time / total, 4) if total else 1.0,
        "time_to_assign_hours": {
            "median": round(statistics.median(hours), 2) if hours else None,
            "p90": round(hours[int(0.9 * (len(hours) - 1))], 2) if hours else None,
            "max": round(hours[-1], 2) if hours else None},
        "utilisation": {"mean": round(statistics.fmean(means), 4) if means else 0.0,
                        "spread_stdev_mean": round(statistics.fmean(spreads), 4) if spreads
                        else 0.0,
                        "range_mean": round(statistics.fmean(ranges), 4) if ranges else 0.0},
        "skill_match_rate": round(skilled / assigned, 4) if assigned else 0.0,
        "reassignments": result.declines,
        "offers_timed_out": result.timeouts,
    }
