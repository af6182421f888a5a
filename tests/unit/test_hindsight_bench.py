"""The balancer's yardstick: a judge independent of the simulator, a hindsight schedule it must
find rule-abiding, and an LP bound no schedule can beat."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from bench.balancer import ANSWERED, BEFORE, LOOKAHEAD, compare_policies
from bench.hindsight import best_schedule
from bench.judge import Placement, engagement_end, judge, simulated_schedule, waits_with_room
from bench.traces import SCENARIOS, scenario_trace
from domain.balancer import POLICY_NAMES, Policy
from domain.calendar import assignment_deadline
from domain.metrics import summarise
from domain.simulation import Answers, Simulation
from domain.trace import Trace, parse_trace

ARCHITECT = {"id": "a01", "capacity": 4, "timezone": "America/New_York",
             "holiday_country": "US", "skills": {"exchange": 4}, "segments": ["enterprise"],
             "regions": ["NA"], "out_of_office": [{"from": "2027-01-11", "to": "2027-01-15"}]}
REQUEST = {"id": "r1", "submitted_at": "2027-01-04T15:30:00Z", "type": "discovery_workshop",
           "segment": "enterprise", "region": "NA", "country": "US",
           "timezone": "America/New_York", "workloads": ["exchange"], "declined_by": [],
           "engagement_business_days": 10}


def small_trace(*requests: dict[str, Any], **architect: Any) -> Trace:
    return parse_trace({"start": "2027-01-04", "end": "2027-03-31",
                        "weights": {"discovery_workshop": 3, "ecif_review": 2},
                        "architects": [{**ARCHITECT, **architect}],
                        "requests": [{**REQUEST, **r} for r in requests]})


def placed(trace: Trace, request_id: str, at: str) -> Placement:
    request = next(r for r in trace.requests if r.demand.request_id == request_id)
    start = datetime.fromisoformat(at)
    return Placement(request_id, "a01", start,
                     engagement_end(trace.architects[0], request, start))


def quick_trace(name: str) -> Trace:
    scenario = next(s for s in SCENARIOS if s.name == name).scaled(0.25)
    return parse_trace(scenario_trace(scenario))


def test_the_judge_finds_two_engagements_over_an_ftas_capacity() -> None:
    trace = small_trace({"id": "r1"}, {"id": "r2", "submitted_at": "2027-01-05T15:00:00Z"})
    verdict = judge(trace, [placed(trace, "r1", "2027-01-04T16:00:00+00:00"),
                            placed(trace, "r2", "2027-01-05T16:00:00+00:00")])
    assert verdict.violations == ["a01: 6 points over capacity 4 at 2027-01-05T16:00:00+00:00"]


def test_the_judge_lets_the_next_engagement_start_when_the_last_one_ends() -> None:
    trace = small_trace({"id": "r1"}, {"id": "r2", "submitted_at": "2027-01-05T15:00:00Z"})
    first = placed(trace, "r1", "2027-01-04T16:00:00+00:00")
    verdict = judge(trace, [first, placed(trace, "r2", first.end.isoformat())])
    assert verdict.violations == []


def test_the_judge_finds_an_assignment_on_an_out_of_office_day_in_the_ftas_zone() -> None:
    trace = small_trace({"id": "r1", "submitted_at": "2027-01-10T12:00:00Z"})
    # 02:00 UTC on the 11th is still the 10th in New York: in office; 05:00 UTC is not.
    assert judge(trace, [placed(trace, "r1", "2027-01-11T02:00:00+00:00")]).violations == []
    assert judge(trace, [placed(trace, "r1", "2027-01-11T05:00:00+00:00")]).violations == [
        "r1 to a01: FTA out of office on 2027-01-11"]


def test_the_judge_names_every_other_rule_a_placement_breaks() -> None:
    trace = small_trace({"id": "r1", "declined_by": ["a01"], "region": "EMEA"},
                        active=False)
    early = placed(trace, "r1", "2027-01-04T15:00:00+00:00")
    verdict = judge(trace, [replace(early, end=early.end.replace(day=early.end.day - 1))])
    assert verdict.violations == [
        "r1 to a01: assigned before it was submitted", "r1 to a01: FTA not active",
        "r1 to a01: FTA does not cover the segment and region",
        "r1 to a01: offered again to an FTA who declined it",
        "r1 to a01: engagement does not last its business days"]


def test_the_judge_finds_a_request_assigned_twice() -> None:
    trace = small_trace({"id": "r1", "type": "ecif_review"})
    twice = [placed(trace, "r1", "2027-01-04T16:00:00+00:00")] * 2
    assert judge(trace, twice).violations == ["r1: assigned twice"]


def test_the_judge_measures_a_simulated_policy_as_the_simulator_does() -> None:
    trace = quick_trace("tight")
    result = Simulation(trace, Policy("balanced")).run()
    verdict = judge(trace, simulated_schedule(trace, result))
    expected = summarise(trace, result, deadline=assignment_deadline)
    assert verdict.violations == []
    assert round(verdict.metrics["sla"], 4) == expected["sla_attainment"]
    assert round(verdict.metrics["skill_match"], 4) == expected["skill_match_rate"]
    assert round(verdict.metrics["spread"], 4) == expected["utilisation"]["spread_stdev_mean"]  # type: ignore[index]
    assert round(verdict.metrics["p90_wait_hours"], 2) == expected["time_to_assign_hours"]["p90"]  # type: ignore[index]


@pytest.mark.parametrize("prefer_skill", [False, True])
def test_the_hindsight_schedule_breaks_no_rule_and_beats_the_balanced_policy(
        prefer_skill: bool) -> None:
    trace = quick_trace("bursty arrivals")
    attempt = best_schedule(trace, prefer_skill)
    verdict = judge(trace, attempt.schedule)
    balanced = judge(trace, simulated_schedule(trace, Simulation(trace, Policy()).run()))
    assert verdict.violations == []
    assert verdict.metrics["assigned"] >= balanced.metrics["assigned"]
    assert verdict.metrics["sla"] > balanced.metrics["sla"]


def test_no_schedule_beats_the_lp_bound() -> None:
    pytest.importorskip("highspy")
    from bench.bound import sla_bound

    trace = quick_trace("tight")
    bound = sla_bound(trace)
    assert bound is not None
    hindsight = judge(trace, best_schedule(trace, False, bound.on_time_share).schedule)
    assert hindsight.metrics["sla"] <= bound.sla + 1e-9 < 1


def test_the_quick_comparison_lists_every_policy_and_hindsight_with_no_rule_broken() -> None:
    rows = compare_policies(quick=True)
    assert {row["schedule"] for row in rows} == {
        BEFORE, *POLICY_NAMES, LOOKAHEAD, ANSWERED, "hindsight", "hindsight, skill first"}
    assert all(row["broken"] == 0 for row in rows)
    assert all(float(row["gap_to_hindsight"]) >= 0 for row in rows  # type: ignore[arg-type]
               if row["schedule"] in ("balanced", "round_robin", "least_loaded"))


def test_the_bound_counts_the_wait_past_five_business_days_while_the_fta_had_room() -> None:
    trace = small_trace({}, out_of_office=[])
    # due Wednesday 6 January; five business days later is Wednesday 13th, 23:59 in New York;
    # started Friday 15th 04:59 New York: 29 hours with the FTA free all along
    late = [placed(trace, "r1", "2027-01-15T09:59:59+00:00")]

    assert waits_with_room(trace, late) == {"r1": pytest.approx(29.0)}
    assert waits_with_room(trace, late, passed_over={"r1": frozenset({"a01"})}) == {}
    assert waits_with_room(trace, [placed(trace, "r1", "2027-01-14T04:59:59+00:00")]) == {}


def test_an_fta_away_or_full_has_no_room_and_an_offer_out_is_no_wait() -> None:
    trace = small_trace({}, {"id": "r2", "submitted_at": "2027-01-04T16:00:00Z"},
                        out_of_office=[{"from": "2027-01-13", "to": "2027-01-14"}])
    late = placed(trace, "r1", "2027-01-15T09:59:59+00:00")
    # away on 13th-14th (New York), then full from Friday 00:00 New York until r1 starts
    full = placed(trace, "r2", "2027-01-15T10:00:00+00:00")
    blocking = Placement("r2", "a01", datetime.fromisoformat("2027-01-15T05:00:00+00:00"),
                         full.end)

    assert waits_with_room(trace, [late, blocking]) == {}
    offered = ("r1", "a01", datetime.fromisoformat("2027-01-14T04:59:59+00:00"),
               datetime.fromisoformat("2027-01-15T09:59:59+00:00"), 3)
    assert waits_with_room(small_trace({}, out_of_office=[]), [late], pending=[offered]) == {}


def test_the_hindsight_schedule_breaks_the_bound_that_the_engine_keeps() -> None:
    trace = quick_trace("tight")

    assert waits_with_room(trace, best_schedule(trace, False).schedule)  # late ones starved


@pytest.mark.parametrize("mode", ["at once", "answers take time", "look-ahead"])
@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_no_request_waits_past_five_business_days_after_its_deadline_while_an_fta_has_room(
        policy: str, mode: str) -> None:
    trace = quick_trace("tight")
    from matching import min_cost_assignment

    lookahead = timedelta(minutes=5) if mode == "look-ahead" else None
    result = Simulation(trace, Policy(policy), lookahead=lookahead, solve=min_cost_assignment,
                        answers=Answers() if mode == "answers take time" else None).run()

    assert waits_with_room(trace, simulated_schedule(trace, result), result.passed_over,
                           result.offers_pending, grace=lookahead or timedelta()) == {}
