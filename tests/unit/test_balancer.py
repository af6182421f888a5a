"""The balancer's hard rules never break (property-based), and its order is the documented one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.balancer import (
    POLICY_NAMES,
    DecisionClock,
    Demand,
    Load,
    Policy,
    _ranked,
    decide,
    override,
    why_chosen,
)
from domain.roster import Absence, Architect, RosterIndex

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
SEGMENTS, REGIONS = ("enterprise", "smc"), ("NA", "EMEA")
WORKLOADS = ("exchange", "teams", "sharepoint")
ZONES = ("UTC", "America/New_York", "Europe/Paris", "Asia/Tokyo")


def architect(id: str, capacity: int = 10, **fields) -> Architect:  # type: ignore[no-untyped-def]
    defaults = {"segments": frozenset({"enterprise"}), "regions": frozenset({"NA"})}
    return Architect(id, id.upper(), capacity, **{**defaults, **fields})


def demand(**fields) -> Demand:  # type: ignore[no-untyped-def]
    return Demand(**{"request_id": "r1", "type_key": "discovery_workshop",
                     "segment": "enterprise", "region": "NA", **fields})


architects = st.builds(
    Architect,
    id=st.text("abcdefgh", min_size=1, max_size=4),
    name=st.just("A"),
    capacity=st.integers(0, 12),
    skills=st.dictionaries(st.sampled_from(WORKLOADS), st.integers(1, 5)),
    segments=st.frozensets(st.sampled_from(SEGMENTS), max_size=2),
    regions=st.frozensets(st.sampled_from(REGIONS), max_size=2),
    timezone=st.sampled_from(ZONES),
    active=st.booleans(),
    out_of_office=st.lists(st.builds(
        lambda start, days: Absence(start, start + timedelta(days=days)),
        st.dates(date(2026, 11, 15), date(2026, 12, 5)), st.integers(0, 10)),
        max_size=2).map(tuple),
)
demands = st.builds(
    Demand, request_id=st.just("r1"),
    type_key=st.sampled_from(["discovery_workshop", "ecif_review", "migration_exception"]),
    segment=st.sampled_from(SEGMENTS), region=st.sampled_from(REGIONS),
    timezone=st.sampled_from(ZONES), workloads=st.lists(st.sampled_from(WORKLOADS)).map(tuple),
    declined_by=st.frozensets(st.text("abcdefgh", min_size=1, max_size=4), max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.lists(architects, max_size=12, unique_by=lambda a: a.id), demands,
       st.dictionaries(st.text("abcdefgh", min_size=1, max_size=4), st.integers(0, 12)),
       st.sampled_from(POLICY_NAMES))
def test_a_chosen_architect_never_breaks_a_hard_rule(roster, wanted, points, policy) -> None:
    loads = {a: Load(p) for a, p in points.items()}
    decision = decide(wanted, RosterIndex(roster), loads, NOW, Policy(policy))
    chosen = next((a for a in roster if a.id == decision.chosen), None)
    eligible = [a for a in roster if _eligible(a, wanted, loads, decision.weight)]
    if chosen is None:
        assert eligible == []
        return
    assert chosen in eligible
    assert sum(decision.excluded.values()) + len(eligible) == len(roster)


@settings(max_examples=300, deadline=None)
@given(st.lists(architects, min_size=5, max_size=14, unique_by=lambda a: a.id), demands,
       st.dictionaries(st.text("abcdefgh", min_size=1, max_size=4), st.integers(0, 12)),
       st.sampled_from(POLICY_NAMES), st.sampled_from([0.0, 0.05, 0.1, 0.5]))
def test_the_shortlist_ranks_as_a_full_ranking_of_every_eligible_architect_would(
        roster, wanted, points, policy, band) -> None:
    loads = {a: Load(p) for a, p in points.items()}
    index, chosen_by = RosterIndex(roster), Policy(policy, load_band=band, scarcity_weight=3.0)
    decision = decide(wanted, index, loads, NOW, chosen_by)
    weight, clock = decision.weight, DecisionClock(NOW)
    full = sorted((_ranked(a, wanted, loads.get(a.id) or Load(), weight, clock,
                           index.scarcity(a, wanted.workloads) if policy == "skilled" else 0.0)
                   for a in roster if _eligible(a, wanted, loads, weight)),
                  key=chosen_by.rank_key())
    if policy != "random":  # its draws follow the order architects are ranked in
        assert [r.architect_id for r in decision.ranked] == [
            r.architect_id for r in full[:chosen_by.runners_up + 1]]


def _eligible(a: Architect, wanted: Demand, loads: dict[str, Load], weight: int) -> bool:
    local_day = NOW.astimezone(__import__("zoneinfo").ZoneInfo(a.timezone)).date()
    return (a.active and wanted.segment in a.segments and wanted.region in a.regions
            and a.id not in wanted.declined_by and not a.is_away_on(local_day)
            and (loads.get(a.id) or Load()).points + weight <= a.capacity)


def test_prefers_the_lowest_relative_load_after_the_assignment() -> None:
    roster = RosterIndex([architect("big", 20), architect("small", 5)])
    decision = decide(demand(), roster, {"big": Load(8), "small": Load(1)}, NOW, Policy())
    assert decision.chosen == "big"  # 11/20 = 0.55 beats 4/5 = 0.8


def test_within_a_load_band_the_better_skill_wins_and_the_reason_says_so() -> None:
    roster = RosterIndex([architect("a", skills={"exchange": 2}),
                          architect("b", skills={"exchange": 5})])
    decision = decide(demand(workloads=("exchange",)), roster, {}, NOW, Policy())
    assert decision.chosen == "b"
    assert decision.ranked[1].passed_over.startswith("lower skill match (2.0 vs 5.0)")


def test_continuity_then_time_zone_then_least_recently_assigned_break_ties() -> None:
    roster = RosterIndex([architect("a"), architect("b"), architect("c", timezone="Asia/Tokyo")])
    loads = {"a": Load(0, customers=frozenset({"Contoso"})),
             "b": Load(0, last_assigned_at=NOW - timedelta(days=9))}
    assert decide(demand(customer="Contoso"), roster, loads, NOW, Policy()).chosen == "a"
    later = {"a": Load(0, last_assigned_at=NOW), "b": Load(0, last_assigned_at=NOW - timedelta(1))}
    by_recency = decide(demand(timezone="America/New_York"), roster, later, NOW, Policy())
    assert by_recency.chosen == "b"
    assert [r.passed_over for r in by_recency.ranked[1:]] == [
        "assigned more recently", "farther time zone (10h vs 5h)"]


def test_the_same_inputs_give_the_same_decision() -> None:
    roster = RosterIndex([architect(f"a{i}") for i in range(20)])
    first = decide(demand(), roster, {}, NOW, Policy())
    assert all(decide(demand(), roster, {}, NOW, Policy()) == first for _ in range(5))
    assert first.chosen == "a0"


def test_nobody_eligible_says_why() -> None:
    roster = RosterIndex([architect("a", active=False), architect("b", capacity=2),
                          architect("c", regions=frozenset({"EMEA"}))])
    decision = decide(demand(declined_by=frozenset()), roster, {}, NOW, Policy())
    assert decision.chosen is None
    assert decision.excluded == {"not_covering": 1, "inactive": 1, "over_capacity": 1}
    assert "1 is not active" in decision.reason() and "no capacity left" in decision.reason()


def test_architects_who_left_are_counted_and_named_not_checked_one_by_one() -> None:
    gone = [architect(f"gone-{n:04d}", active=False) for n in range(5000)]
    roster = RosterIndex([architect("here"), architect("elsewhere", regions=frozenset({"EMEA"})),
                          *gone])
    decision = decide(demand(), roster, {}, NOW, Policy())
    assert decision.chosen == "here" and roster.covering("enterprise", "NA") == [
        roster.by_id["here"]]  # a decision looks at one architect, not 5,001
    assert decision.excluded == {"not_covering": 1, "inactive": 5000}
    assert [who for who, rule in decision.examples if rule == "inactive"] == [
        "gone-0000", "gone-0001", "gone-0002"]


def test_why_chosen_speaks_to_people_without_the_id_also_for_older_stored_decisions() -> None:
    decision = decide(demand(), RosterIndex([architect("fta-7")]), {}, NOW, Policy())
    stored = decision.as_dict()
    assert decision.reason() == f"fta-7: {decision.why_chosen()}"
    assert why_chosen(stored) == decision.why_chosen()
    assert decision.why_chosen().startswith("relative load") and "fta-7" not in why_chosen(stored)
    before_it_was_kept = {k: v for k, v in stored.items() if k != "why_chosen"}
    assert why_chosen(before_it_was_kept) == decision.why_chosen()


def test_an_out_of_office_day_is_the_architects_local_date() -> None:
    tokyo = architect("t", timezone="Asia/Tokyo",
                      out_of_office=(Absence(date(2026, 11, 25), date(2026, 11, 25)),))
    late_utc = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # already the 25th in Tokyo
    assert decide(demand(), RosterIndex([tokyo]), {}, late_utc, Policy()).chosen is None


def test_a_manager_override_may_exceed_capacity_and_is_flagged() -> None:
    full = architect("a", capacity=3)
    decision = override(demand(), full, Load(3), NOW, Policy())
    assert decision.chosen == "a" and decision.override
    assert "manager override" in decision.reason()


def test_the_skilled_policy_prefers_an_architect_skilled_in_every_workload_over_a_lighter_one(
        ) -> None:
    roster = RosterIndex([architect("light", skills={"exchange": 5, "teams": 2}),
                          architect("skilled", skills={"exchange": 3, "teams": 3})])
    loads = {"skilled": Load(6)}

    decision = decide(demand(workloads=("exchange", "teams")), roster, loads, NOW,
                      Policy("skilled"))

    assert decision.chosen == "skilled"
    assert decision.ranked[1].passed_over == "not skilled (3+) in every requested workload"
    assert decide(demand(workloads=("exchange", "teams")), roster, loads, NOW,
                  Policy()).chosen == "light"  # balanced: the load band comes first


def test_among_skilled_architects_the_skilled_policy_balances_load() -> None:
    roster = RosterIndex([architect("busy", skills={"exchange": 5}),
                          architect("free", skills={"exchange": 3})])

    decision = decide(demand(workloads=("exchange",)), roster, {"busy": Load(6)}, NOW,
                      Policy("skilled"))

    assert decision.chosen == "free"
    assert decision.ranked[1].passed_over.startswith("higher relative load after assignment")


def test_the_only_intune_architect_is_kept_for_intune_when_others_can_take_exchange() -> None:
    plain = [architect(f"ex{n}", skills={"exchange": 4}) for n in range(3)]
    intune = architect("intune", skills={"exchange": 4, "intune": 5})
    roster = RosterIndex([*plain, intune])
    loads = {a.id: Load(3) for a in plain}  # the Intune FTA is the lightest

    exchange = decide(demand(workloads=("exchange",)), roster, loads, NOW, Policy("skilled"))
    needs_intune = decide(demand(workloads=("intune",)), roster, loads, NOW, Policy("skilled"))

    assert exchange.chosen == "ex0" and needs_intune.chosen == "intune"
    passed = next(r for r in exchange.ranked if r.architect_id == "intune")
    assert "counting the scarce skills it would tie up" in passed.passed_over
    assert decide(demand(workloads=("exchange",)), roster, loads, NOW,
                  Policy()).chosen == "intune"  # balanced spends it


def test_scarce_skills_count_even_when_the_lightest_architects_all_hold_one() -> None:
    rare = [architect(f"rare{n}", skills={"exchange": 4, f"only{n}": 5}) for n in range(5)]
    plain = architect("plain", skills={"exchange": 4})
    loads = {"plain": Load(3)}  # heavier than every rare one, yet only it spares no skill

    decision = decide(demand(workloads=("exchange",)), RosterIndex([*rare, plain]), loads, NOW,
                      Policy("skilled"))

    assert decision.chosen == "plain"
