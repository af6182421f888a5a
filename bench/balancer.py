"""Balancer benchmarks: decision time, a simulated quarter, and the policies compared.

    python bench/balancer.py [--quick]

Then each policy against the hindsight yardstick (bench/hindsight.py) on the quarters of
bench/traces.py.

Decision time is measured against a naive reference in the same run: the same rules and order
without the (segment, region) index and the shortlist, i.e. every architect ranked in full."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bound import solver_available
from bench.hindsight import yardstick
from bench.judge import judge, simulated_schedule
from bench.traces import SCENARIOS, scenario_trace, synthetic_trace
from domain.balancer import (
    POLICY_NAMES,
    DecisionClock,
    Load,
    Policy,
    _ranked,
    decide,
    hard_rule,
)
from domain.lookahead import DEFAULT_INTERVAL, Solver, Waiting, rematch
from domain.queue import LateLane
from domain.roster import RosterIndex
from domain.simulation import Answers, Simulation, report
from domain.trace import parse_trace

NOW = datetime(2027, 2, 3, 15, 0, tzinfo=UTC)
LOOKAHEAD = "skilled, look-ahead"  # the skilled policy with the app's default re-match
BEFORE = "balanced, oldest first"  # the reference: the balanced policy and queue
# Oldest deadline first, whatever the lane: the queue the issue measured (no hold)
OLDEST_FIRST = LateLane(hold=timedelta(0), reserve=0, overdue_first=True)
DEFAULT = "skilled"  # the engine's default policy, which the targets judge
ANSWERED = "  and answer times"  # the same, offers answered in up to 4 business hours
DOCS = Path(__file__).resolve().parent.parent / "docs"


def naive_decide(demand, architects, loads, now, policy, roster):
    """Reference: every architect checked and ranked in full, then sorted; the scarce skills
    (skilled order) worked out afresh for each."""
    weight, clock = policy.weight_of(demand.type_key), DecisionClock(now)
    spares = policy.name == "skilled"
    ranked = [_ranked(a, demand, loads.get(a.id) or Load(), weight, clock,
                      roster.scarcity(a, demand.workloads) if spares else 0.0)
              for a in architects
              if demand.segment in a.segments and demand.region in a.regions
              and hard_rule(a, demand, (loads.get(a.id) or Load()).points + weight, clock) is None]
    ranked.sort(key=policy.rank_key())
    return ranked[0].architect_id if ranked else None


def decision_times(architects: int, decisions: int, policy: Policy) -> dict[str, float]:
    trace = parse_trace(synthetic_trace(architects, decisions, seed=architects))
    draw = random.Random(3)
    loads = {a.id: Load(draw.randint(0, max(0, a.capacity - 1))) for a in trace.architects}
    roster = RosterIndex(trace.architects)
    ours, reference = [], []
    for request in trace.requests:
        started = time.perf_counter()
        chosen = decide(request.demand, roster, loads, NOW, policy).chosen
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        expected = naive_decide(request.demand, trace.architects, loads, NOW, policy, roster)
        reference.append(time.perf_counter() - started)
        assert chosen == expected, (request.demand.request_id, chosen, expected)
    return {"median_ms": statistics.median(ours) * 1e3,
            "p99_ms": sorted(ours)[int(0.99 * (len(ours) - 1))] * 1e3,
            "reference_median_ms": statistics.median(reference) * 1e3}


def quarter(architects: int, requests: int, policy: Policy,
            lookahead: timedelta | None = None) -> dict[str, float]:
    trace = parse_trace(synthetic_trace(architects, requests))
    started = time.perf_counter()
    result = Simulation(trace, policy, lookahead=lookahead, solve=_solver()).run()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, **report(trace, policy, result)["metrics"]}  # type: ignore[dict-item]


def rematch_seconds(waiting: int, architects: int) -> tuple[float, int, float]:
    """One look-ahead re-match of ``waiting`` requests over ``architects`` with random loads,
    deadlines from 4 days past to 2 ahead; scipy's import (once per process) timed apart."""
    started = time.perf_counter()
    solve = _solver()
    imported = time.perf_counter() - started
    trace = parse_trace(synthetic_trace(architects, waiting, seed=11))
    draw = random.Random(3)
    loads = {a.id: Load(draw.randint(0, a.capacity)) for a in trace.architects}
    queue = [Waiting(r.demand, NOW + timedelta(hours=draw.randint(-100, 48)))
             for r in trace.requests]
    started = time.perf_counter()
    matches = rematch(queue, RosterIndex(trace.architects), loads, NOW, Policy("skilled"), solve)
    return time.perf_counter() - started, len(matches), imported


def _solver() -> Solver:
    from matching import min_cost_assignment

    min_cost_assignment(1, 1, [(0, 0, -1.0)])  # loads scipy
    return min_cost_assignment


def compare_policies(quick: bool) -> list[dict[str, object]]:
    """Each policy and the hindsight schedules on each scenario, as the judge measures them,
    with the LP bound beside them."""
    rows: list[dict[str, object]] = []
    for scenario in SCENARIOS:
        if quick and scenario.architects > 100:
            continue  # "large" is the normal quarter five times over: quick, it is "normal"
        scenario = scenario.scaled(0.25) if quick else scenario
        trace = parse_trace(scenario_trace(scenario))
        found = yardstick(trace, scenario.bound)
        best = found.rows["hindsight"]["sla"]
        schedules = {}
        for name, policy, lookahead, answers in [
                (BEFORE, Policy("balanced", late=OLDEST_FIRST, lighter_first=timedelta(0)), None,
                 None),
                *((p, Policy(p), None, None) for p in POLICY_NAMES),
                (LOOKAHEAD, Policy("skilled"), DEFAULT_INTERVAL, None),
                (ANSWERED, Policy("skilled"), DEFAULT_INTERVAL, Answers())]:
            result = Simulation(trace, policy, lookahead=lookahead,
                                solve=_solver(), answers=answers).run()
            verdict = judge(trace, simulated_schedule(trace, result), result.passed_over,
                            result.offers_pending, grace=lookahead or timedelta())
            schedules[name] = (verdict.metrics, len(verdict.violations))
        schedules.update({name: (row, found.violations) for name, row in found.rows.items()})
        for name, (metrics, broken) in schedules.items():
            rows.append({"scenario": scenario.name, "target": scenario.target,
                         "size": f"{scenario.architects}/"
                         f"{scenario.requests}", "schedule": name, **metrics, "broken": broken,
                         "gap_to_hindsight": best - metrics["sla"], "bound": found.bound,
                         "gap_to_bound": None if found.bound is None
                         else found.bound - metrics["sla"],
                         "bound_seconds": found.bound_seconds,
                         "hindsight_seconds": found.seconds})
    return rows


def print_comparison(rows: list[dict[str, Any]]) -> None:
    print(f"{'scenario (FTAs/requests)':<30} {'schedule':<23} {'SLA':>6} {'skill':>6} "
          f"{'spread':>6} {'p90 h':>6} {'worst late h':>12} {'with room h':>11} "
          f"{'broken':>6} {'to hindsight':>12} {'to bound':>8}")
    for row in rows:
        bound = "" if row["gap_to_bound"] is None else f"{row['gap_to_bound'] * 100:>7.1f}p"
        print(f"{row['scenario'] + ' (' + row['size'] + ')':<30} {row['schedule']:<23} "
              f"{row['sla']:>6.1%} {row['skill_match']:>6.1%} {row['spread']:>6.3f} "
              f"{row['p90_wait_hours']:>6.0f} {row['worst_hours_past_deadline']:>12.0f} "
              f"{row['worst_hours_with_room']:>11.0f} "
              f"{row['broken']:>6} {row['gap_to_hindsight'] * 100:>11.1f}p {bound:>8}")
    print("\nLP bound on SLA and run times per scenario")
    for row in rows:
        if row["schedule"] == "hindsight":
            bound = "n/a" if row["bound"] is None else f"{row['bound']:.1%}"
            print(f"{row['scenario']:<18} bound {bound:>6} (LP {row['bound_seconds']:.1f} s), "
                  f"hindsight {row['sla']:.1%} "
                  f"(schedules and judge {row['hindsight_seconds']:.1f} s)")
    if not solver_available():
        print('No LP bound: its solver is missing (pip install -e ".[bench]" adds highspy).')


def print_targets(rows: list[dict[str, Any]]) -> None:
    """The issue's targets, scenario by scenario, for the engine's default policy against the
    reference (the balanced policy serving the oldest deadline first) and hindsight."""
    print(f"\nTargets for the default policy ({DEFAULT}); reference: {BEFORE}")
    print(f"{'scenario':<18} {'SLA target':<34} {'skill (if hindsight 80%+)':<26} "
          f"{'spread +<=0.05':<15} {'bound':<8} {'rules':<6}")
    for scenario in dict.fromkeys(row["scenario"] for row in rows):
        found = {row["schedule"]: row for row in rows if row["scenario"] == scenario}
        ours, before = found[DEFAULT], found[BEFORE]
        best, skilled = found["hindsight"], found["hindsight, skill first"]
        gap = best["sla"] - ours["sla"]
        if ours["target"] == "normal":
            sla = f"{gap * 100:.1f}p from hindsight (<=3p)"
            sla_met = gap <= 0.03
        else:
            share = (ours["sla"] - before["sla"]) / max(1e-9, best["sla"] - before["sla"])
            sla = f"{share:.0%} of the gap closed (>=75%)"
            sla_met = share >= 0.75
        skill = (f"{ours['skill_match']:.0%} vs {skilled['skill_match']:.0%}"
                 if skilled["skill_match"] >= 0.8 else f"n/a ({skilled['skill_match']:.0%})")
        skill_met = skilled["skill_match"] < 0.8 or ours["skill_match"] >= 0.7
        spread = ours["spread"] - before["spread"]
        engine = [row for name, row in found.items() if not name.startswith("hindsight")]
        bound = max(row["worst_hours_with_room"] for row in engine)
        broken = sum(row["broken"] for row in engine)

        def mark(met: bool) -> str:
            return "met" if met else "NOT met"
        print(f"{scenario:<18} {sla + ' ' + mark(sla_met):<34} "
              f"{skill + ' ' + mark(skill_met):<26} "
              f"{f'{spread:+.3f} ' + mark(spread <= 0.05):<15} "
              f"{f'{bound:.0f} h':<8} {broken:<6}")
    print("bound: the longest any request waited, more than 5 business days past its deadline, "
          "while an eligible FTA had room (every engine row; 0 is the target)")


def plot_utilisation(path: Path) -> None:
    """Each FTA's utilisation over a quarter (top), and its spread per policy (bottom)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num

    trace = parse_trace(synthetic_trace(24, 900, seed=5, capacity=(4, 14)))
    results = {p: Simulation(trace, Policy(p)).run() for p in POLICY_NAMES}
    figure = plt.figure(figsize=(13, 8))
    grid = figure.add_gridspec(2, 2, height_ratios=(3, 2))
    for column, policy in enumerate(("balanced", "round_robin")):
        axis = figure.add_subplot(grid[0, column])
        samples = results[policy].utilisation
        days = date2num([moment for moment, _ in samples])  # typed as numbers for matplotlib
        for architect in trace.architects:
            if architect.active and architect.capacity:
                axis.plot(days, [u.get(architect.id, 0) for _, u in samples], color="grey",
                          linewidth=0.6, alpha=0.35)
        axis.plot(days, [statistics.fmean(u.values()) for _, u in samples], color="black",
                  linewidth=2, label="mean")
        _concise_dates(axis, AutoDateLocator(), ConciseDateFormatter)
        axis.set_title(f"{policy}: each FTA's load / capacity")
        axis.set_ylim(0, 1.05)
        axis.legend(loc="lower right")
    spread = figure.add_subplot(grid[1, :])
    for policy, result in results.items():
        spread.plot(date2num([m for m, _ in result.utilisation]),
                    [statistics.pstdev(u.values()) for _, u in result.utilisation],
                    label=policy, linewidth=1.5)
    _concise_dates(spread, AutoDateLocator(), ConciseDateFormatter)
    spread.set_title("Spread of utilisation across FTAs (standard deviation; lower is fairer)")
    spread.legend(ncol=4)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def _concise_dates(axis: Any, locator: Any, formatter: Any) -> None:
    """Dates on the x axis, labelled briefly enough not to run into each other."""
    axis.xaxis_date()
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(formatter(locator))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    args = parser.parse_args()
    scale = 0.25 if args.quick else 1.0
    print("Decision time per policy, against a naive full ranking in the same run")
    print(f"{'policy':<9} {'architects':>10} {'median ms':>10} {'p99 ms':>8} "
          f"{'naive median ms':>16} {'speed-up':>9} {'vs balanced':>12}")
    for size in (1_000, 10_000):
        balanced = 0.0
        for name in ("balanced", "skilled"):
            figures = decision_times(size, 200 if args.quick else 2_000, Policy(name))
            balanced = balanced or figures["median_ms"]
            print(f"{name:<9} {size:>10,} {figures['median_ms']:>10.3f} "
                  f"{figures['p99_ms']:>8.3f} {figures['reference_median_ms']:>16.3f} "
                  f"{figures['reference_median_ms'] / figures['median_ms']:>8.1f}x "
                  f"{figures['median_ms'] / balanced:>11.2f}x")
    seconds, matched, imported = rematch_seconds(200, 1_000)
    print(f"\nOne look-ahead re-match of 200 waiting requests over 1,000 architects: "
          f"{seconds:.2f} s ({matched} matched; scipy's import, once, {imported:.2f} s)")
    requests = int(20_000 * scale)
    for name, lookahead in (("balanced", None), ("skilled", None),
                            ("skilled", DEFAULT_INTERVAL)):
        figures = quarter(500, requests, Policy(name), lookahead)
        every = f", look-ahead every {lookahead.seconds // 60} min" if lookahead else ""
        print(f"A quarter of {requests:,} requests over 500 architects simulated in "
              f"{figures['seconds']:.1f} s ({name}{every}; SLA attainment "
              f"{figures['sla_attainment']:.1%})")
    print("\nPolicies against hindsight, as the judge (bench/judge.py) measures them: SLA = "
          "assigned by the end of the 2nd business day; skill = 3+ in every workload;\n"
          "gaps in SLA points; worst late h = longest wait past a deadline; with room h = the "
          "longest wait more than 5 business days past it while an eligible FTA had room")
    started = time.perf_counter()
    rows = compare_policies(args.quick)
    print_comparison(rows)
    print_targets(rows)
    if args.quick:
        print("(--quick: quarters a quarter the size, for a smoke run; the targets are judged "
              "on the full run)")
    print(f"Comparison run in {time.perf_counter() - started:.0f} s")
    if args.quick:
        return
    DOCS.mkdir(exist_ok=True)
    (DOCS / "policies.json").write_text(json.dumps(rows, indent=1))
    try:
        plot_utilisation(DOCS / "utilisation.png")
    except ImportError:
        print('\nNo utilisation plot: matplotlib is missing (pip install -e ".[bench]" adds it).')
        return
    print(f"\nUtilisation plot: {DOCS / 'utilisation.png'}")


if __name__ == "__main__":
    main()
