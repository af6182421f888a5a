"""The simulator replays traces with the bot's own balancer; bad traces name the bad field."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bench.traces import synthetic_trace
from domain.balancer import POLICY_NAMES, Policy
from domain.simulation import Answers, Simulation, SimulationResult, simulate
from domain.trace import TraceError, parse_trace

ARCHITECT = {"id": "a01", "capacity": 10, "timezone": "America/New_York",
             "holiday_country": "US", "skills": {"exchange": 4, "teams": 3},
             "segments": ["enterprise"], "regions": ["NA"], "active": True,
             "out_of_office": [{"from": "2027-01-11", "to": "2027-01-15"}]}
REQUEST = {"id": "r0001", "submitted_at": "2027-01-04T15:30:00Z",
           "type": "discovery_workshop", "segment": "enterprise", "region": "NA",
           "country": "US", "timezone": "America/New_York", "workloads": ["exchange"],
           "customer": "Contoso", "declined_by": [], "engagement_business_days": 15}


def trace(architects: list[dict[str, Any]], requests: list[dict[str, Any]]) -> dict[str, Any]:
    return {"start": "2027-01-04", "end": "2027-03-31",
            "weights": {"discovery_workshop": 3, "ecif_review": 2, "migration_exception": 1},
            "architects": architects, "requests": requests}


def request(id: str, at: str, **fields: Any) -> dict[str, Any]:
    return {**REQUEST, "id": id, "submitted_at": at, **fields}


def run(raw: dict[str, Any], policy: str = "balanced") -> dict[str, Any]:
    return simulate(parse_trace(raw), Policy(policy))


def test_a_decline_moves_the_offer_to_the_next_architect() -> None:
    b = {**ARCHITECT, "id": "a02", "out_of_office": []}
    report = run(trace([ARCHITECT, b], [request("r1", "2027-01-04T15:30:00Z",
                                                declined_by=["a01"])]))
    [assignment] = report["assignments"]
    assert assignment["offers"] == ["a01", "a02"] and assignment["architect"] == "a02"
    assert report["metrics"]["reassignments"] == 1


def test_a_request_waits_until_capacity_frees_then_goes_oldest_first() -> None:
    small = {**ARCHITECT, "capacity": 3, "out_of_office": []}
    report = run(trace([small], [
        request("r1", "2027-01-04T15:30:00Z", engagement_business_days=2),
        request("r2", "2027-01-04T16:00:00Z"), request("r3", "2027-01-04T17:00:00Z")]))
    assigned = {a["request"]: a["assigned_at"] for a in report["assignments"]}
    # r1 holds the capacity until the same time 2 business days later (Wednesday 15:30 UTC).
    assert assigned["r2"] == "2027-01-06T15:30:00+00:00"
    assert assigned["r2"] < assigned["r3"]


def test_freed_capacity_goes_to_the_request_that_can_still_meet_its_deadline_first() -> None:
    small = {**ARCHITECT, "capacity": 3, "out_of_office": []}
    report = run(trace([small], [
        request("r1", "2027-01-04T15:30:00Z", engagement_business_days=3),
        request("late", "2027-01-04T16:00:00Z"),  # due Wednesday: missed, waiting behind r1
        request("fresh", "2027-01-07T14:00:00Z")]))  # Thursday: due Monday, still feasible
    assigned = {a["request"]: a["assigned_at"] for a in report["assignments"]}

    assert assigned["fresh"] == "2027-01-07T15:30:00+00:00"  # when r1 ends
    assert assigned["fresh"] < assigned["late"]


def test_freed_points_go_to_the_lighter_request_due_the_same_day() -> None:
    small = {**ARCHITECT, "capacity": 3, "out_of_office": []}
    raw = trace([small], [
        request("r1", "2027-01-04T15:30:00Z", engagement_business_days=1),
        request("r2", "2027-01-04T16:00:00Z"),  # a workshop: 3 points x 15 days, due Tuesday
        request("r3", "2027-01-04T17:00:00Z", type="migration_exception")])  # 1 x 5, Tuesday
    lighter = {a["request"]: a["assigned_at"] for a in run(raw)["assignments"]}
    by_deadline = {a["request"]: a["assigned_at"] for a in simulate(
        parse_trace(raw), Policy("balanced", lighter_first=timedelta(0)))["assignments"]}

    assert lighter["r3"] == "2027-01-05T15:30:00+00:00"  # when r1 ends
    assert lighter["r2"] > lighter["r3"]  # 2 points left: the workshop waits
    assert by_deadline["r2"] == "2027-01-05T15:30:00+00:00"
    assert by_deadline["r3"] > by_deadline["r2"]


def test_a_late_request_is_held_for_the_on_time_ones_then_takes_the_room_left() -> None:
    small = {**ARCHITECT, "capacity": 5, "out_of_office": []}
    fresh = [request(f"f{day:02d}", f"2027-01-{day:02d}T14:00:00Z", engagement_business_days=1)
             for day in (7, 8, 11)]
    report = run(trace([small], [
        request("r1", "2027-01-04T15:30:00Z", engagement_business_days=3),
        request("r2", "2027-01-04T15:40:00Z", type="ecif_review", engagement_business_days=3),
        request("late", "2027-01-04T16:00:00Z"), *fresh]))
    assigned = {a["request"]: a["assigned_at"] for a in report["assignments"]}

    # "late" was due Wednesday 6 January, 23:59 in New York. From Thursday 15:30 UTC the FTA
    # has room for its 3 points, but while held it must leave 3 more free, which 5 never
    # does: the fresh ones take the room as they come. A week after its deadline the hold
    # ends and it takes the room there is at once.
    assert assigned["f07"] < assigned["f08"] < assigned["f11"] < assigned["late"]
    assert assigned["late"] == "2027-01-14T04:59:59+00:00"


def test_out_of_office_makes_an_architect_unavailable_on_every_local_date() -> None:
    report = run(trace([ARCHITECT], [request("r1", "2027-01-12T15:00:00Z")]))
    [assignment] = report["assignments"]
    assert assignment["assigned_at"] == "2027-01-16T05:00:00+00:00"  # midnight in New York
    assert report["metrics"]["sla_attainment"] == 0.0


def test_nobody_eligible_is_reported_with_the_reason() -> None:
    report = run(trace([ARCHITECT], [request("r1", "2027-01-04T15:30:00Z", region="EMEA")]))
    assert report["assignments"] == []
    [unassigned] = report["unassigned"]
    assert unassigned["request"] == "r1" and "segment and region" in unassigned["reason"]


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_no_architect_ever_holds_more_than_their_capacity(policy) -> None:
    raw = synthetic_trace(30, 900, seed=4)
    capacity = {a["id"]: a["capacity"] for a in raw["architects"]}
    from domain.simulation import Simulation

    result = Simulation(parse_trace(raw), Policy(policy)).run()
    for _, utilisation in result.utilisation:
        assert all(u <= 1.0 for u in utilisation.values())
    assert len(result.assignments) + len(result.unassigned) == 900
    assert all(capacity[a.architect] > 0 for a in result.assignments)


def test_the_same_trace_gives_the_same_report() -> None:
    raw = synthetic_trace(20, 300, seed=9)
    assert run(copy.deepcopy(raw)) == run(raw)


@pytest.mark.parametrize(("change", "field"), [
    (lambda t: t.pop("start"), "trace.start: required"),
    (lambda t: t.update(end="31/03/2027"), "trace.end: expected a date"),
    (lambda t: t["architects"][0].update(capacity="ten"), "architects[0].capacity"),
    (lambda t: t["architects"][0].update(timezone="Mars/Base"), "architects[0].timezone"),
    (lambda t: t["architects"][0]["skills"].update(teams=9), "architects[0].skills"),
    (lambda t: t["requests"][0].update(submitted_at="soon"), "requests[0].submitted_at"),
    (lambda t: t["requests"][0].update(engagement_business_days=0),
     "requests[0].engagement_business_days"),
    (lambda t: t["weights"].update(ecif_review=0), "weights.ecif_review"),
])
def test_an_invalid_trace_names_the_field(change, field) -> None:
    raw = trace([copy.deepcopy(ARCHITECT)], [dict(REQUEST)])
    change(raw)
    with pytest.raises(TraceError, match=field.replace("[", r"\[").replace("]", r"\]")):
        parse_trace(raw)


def answered(raw: dict[str, Any], answers: Answers) -> SimulationResult:
    return Simulation(parse_trace(raw), Policy("skilled"), answers=answers).run()


def test_with_answer_times_an_offer_is_accepted_within_the_four_business_hour_time_out() -> None:
    free = {**ARCHITECT, "out_of_office": []}
    result = answered(trace([free], [request("r1", "2027-01-04T15:30:00Z")]),
                      Answers(timeout_share=0))

    [assignment] = result.assignments
    # offered Monday 10:30 in New York: answered by 14:30 there at the latest
    assert datetime(2027, 1, 4, 15, 30, tzinfo=UTC) < assignment.assigned_at \
        <= datetime(2027, 1, 4, 19, 30, tzinfo=UTC)


def test_an_offer_waiting_for_its_answer_holds_the_capacity() -> None:
    small = {**ARCHITECT, "capacity": 3, "out_of_office": []}
    result = answered(trace([small], [request("r1", "2027-01-04T15:30:00Z"),
                                      request("r2", "2027-01-04T15:31:00Z")]),
                      Answers(timeout_share=0))

    assigned = {a.request.demand.request_id: a.assigned_at for a in result.assignments}
    assert assigned["r2"] > assigned["r1"] + timedelta(days=14)  # after r1's engagement


def test_a_decline_comes_with_its_answer_and_an_unanswered_offer_times_out() -> None:
    b = {**ARCHITECT, "id": "a02", "out_of_office": []}
    requests = [request("r1", "2027-01-04T15:30:00Z", declined_by=["a01"])]
    declined = answered(trace([ARCHITECT, b], requests), Answers(timeout_share=0))
    silent = answered(trace([ARCHITECT, b], requests), Answers(timeout_share=1))

    [assignment] = declined.assignments
    assert assignment.offers == ["a01", "a02"] and assignment.architect == "a02"
    assert assignment.assigned_at > datetime(2027, 1, 4, 15, 30, tzinfo=UTC)
    assert declined.declines == 1 and declined.timeouts == 0
    assert silent.assignments == [] and silent.timeouts == 2  # both, 4 business hours each
    assert "r1" in silent.unassigned


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_with_answer_times_no_architect_ever_holds_more_than_their_capacity(policy) -> None:
    raw = synthetic_trace(30, 900, seed=4)
    result = Simulation(parse_trace(raw), Policy(policy), answers=Answers()).run()

    for _, utilisation in result.utilisation:
        assert all(u <= 1.0 for u in utilisation.values())
    assert len(result.assignments) + len(result.unassigned) == 900
    assert result.timeouts > 0 and result.declines > result.timeouts
