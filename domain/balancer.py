"""The workload balancer: hard rules first, then the policy's order among those left, and a
decision that says why each runner-up was passed over.

Balanced order: lowest relative load after the assignment (load / capacity: with unequal
capacities this has the best proven worst case, Albers & Schubert on online b-matching), then
skill for the requested workloads, continuity with the customer, time-zone closeness; ties go
to the architect assigned least recently, then by id, so results are deterministic.

Skilled order (the engine's default): architects skilled (3+, as the SLA report measures) in
every requested workload first; among them the lowest relative load after the assignment,
plus a charge for the scarce skills the assignment would tie up (an architect who is one of
few skilled in a workload the request does not need is kept for the requests that do); then
as balanced. Skill never costs a deadline here: whoever is chosen takes the request now."""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from domain.queue import DEFAULT_LIGHTER_FIRST, LateLane
from domain.roster import SKILLED, Architect, RosterIndex

DEFAULT_WEIGHTS = {"discovery_workshop": 3, "ecif_review": 2, "migration_exception": 1,
                   "engage_before_license": 1}
# How long each type's engagement holds the FTA's points until the FTA marks it finished
ENGAGEMENT_BUSINESS_DAYS = {"discovery_workshop": 15, "ecif_review": 10,
                            "migration_exception": 5, "engage_before_license": 5}


def engagement_days(type_key: str | None) -> int:
    """The business days a request of this type is estimated to hold its FTA's points."""
    return ENGAGEMENT_BUSINESS_DAYS.get(type_key or "", 10)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Each hard rule as said of one architect and of several: "1 does not", "3 do not".
RULES = {"inactive": ("is not active", "are not active"),
         "out_of_office": ("is out of office on the assignment day",
                           "are out of office on the assignment day"),
         "declined": ("declined this request or let it time out",
                      "declined this request or let it time out"),
         "over_capacity": ("has no capacity left", "have no capacity left"),
         # said of an FTA a request held past its deadline would leave too little room free
         "kept_free": ("has room for it but not with the points kept free for requests that "
                       "can still meet their deadline",
                       "have room for it but not with the points kept free for requests that "
                       "can still meet their deadline"),
         "not_covering": ("does not cover the request's segment and region",
                          "do not cover the request's segment and region")}
NAMED = 3  # the architects a decision names for each rule; the rest are counted


@dataclass(frozen=True)
class Demand:
    """What the balancer needs to know of a request."""

    request_id: str
    type_key: str
    segment: str
    region: str
    timezone: str = "UTC"
    workloads: tuple[str, ...] = ()
    customer: str = ""
    declined_by: frozenset[str] = frozenset()
    deadline: datetime | None = None  # past it, the late lane's rule applies (domain/queue.py)


@dataclass(frozen=True)
class Load:
    """An architect's current commitments."""

    points: int = 0
    last_assigned_at: datetime | None = None
    customers: frozenset[str] = frozenset()


class Ranked(NamedTuple):
    """One eligible architect as the policy sees them (a tuple: a decision makes one for
    every eligible architect, and a frozen dataclass took three times as long to build)."""

    architect_id: str
    points_after: int
    relative_load: float
    skill: float
    continuity: bool
    tz_gap_hours: float
    last_assigned_at: datetime | None
    passed_over: str = ""
    skilled: bool = False  # 3+ in every requested workload
    scarcity: float = 0.0  # the scarce skills taking it would tie up (skilled policy)


RankKey = Callable[[Ranked], tuple]
NO_LOAD = Load()


@dataclass(frozen=True)
class Policy:
    name: str = "balanced"
    weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    load_band: float = 0.10  # relative loads this close count as equal; then skill decides
    runners_up: int = 3
    seed: int = 7
    scarcity_weight: float = 0.5  # relative load one architect's only-of-kind skill is worth
    late: LateLane = field(default_factory=LateLane)  # what a request past its deadline may take
    # on-time requests due within this of each other go lighter first (domain/queue.py)
    lighter_first: timedelta = DEFAULT_LIGHTER_FIRST

    def weight_of(self, type_key: str) -> int:
        return self.weights.get(type_key, 1)

    def size_of(self, type_key: str) -> int:
        """What taking the request costs an FTA, as far as it is known when it is taken: its
        points times its type's estimated business days."""
        return self.weight_of(type_key) * engagement_days(type_key)

    def primary(self, weight: int, demand: Demand | None = None,
                roster: RosterIndex | None = None) -> Callable[[Architect, Load], float]:
        """The first components of rank_key as one number, cheap to compute before anything
        is ranked."""
        if self.name == "skilled" and demand is not None and roster is not None:
            band, skilled_in = self.load_band or 1e-12, roster.skilled_in
            wanted = frozenset(demand.workloads)
            # A lower bound of the skilled order's first criteria: the scarce skills, which
            # only add, are left to `refine` (working them out here for every eligible
            # architect made this order twice as slow as the balanced one)
            return lambda a, load: (
                (0 if wanted <= skilled_in[a.id] else 1_000_000)
                + (math.floor((load.points + weight) / a.capacity / band + 1e-9)
                   if a.capacity else 999_999))
        if self.name == "least_loaded":
            return lambda a, load: load.points + weight
        if self.name == "round_robin":
            return lambda a, load: (load.last_assigned_at or EPOCH).timestamp()
        if self.name == "random":
            return lambda a, load: 0.0
        band = self.load_band or 1e-12
        return lambda a, load: (math.floor((load.points + weight) / a.capacity / band + 1e-9)
                                if a.capacity else math.inf)

    def refine(self, weight: int, demand: Demand,
               roster: RosterIndex) -> Callable[[Architect, Load], float] | None:
        """The first criteria in full where `primary` is only a lower bound of them (the
        skilled order: plus the scarce skills the assignment would tie up), else None."""
        if self.name != "skilled":
            return None
        band, spare, wanted = self.load_band or 1e-12, self.scarcity_weight, demand.workloads
        return lambda a, load: (
            (0 if roster.skilled_in[a.id].issuperset(wanted) else 1_000_000)
            + (math.floor(((load.points + weight) / a.capacity
                           + spare * roster.scarcity(a, wanted)) / band + 1e-9)
               if a.capacity else 999_999))

    def rank_key(self) -> RankKey:
        if self.name == "skilled":
            band = self.load_band or 1e-12
            return lambda r: (not r.skilled,
                              math.floor((r.relative_load + self.scarcity_weight * r.scarcity)
                                         / band + 1e-9),
                              -r.skill, not r.continuity, r.tz_gap_hours,
                              r.last_assigned_at or EPOCH, r.architect_id)
        if self.name == "least_loaded":
            return lambda r: (r.points_after, r.architect_id)
        if self.name == "round_robin":
            return lambda r: (r.last_assigned_at or EPOCH, r.architect_id)
        if self.name == "random":
            draw = random.Random(self.seed)
            return lambda r: (draw.random(), r.architect_id)
        band = self.load_band
        return lambda r: (math.floor(r.relative_load / band + 1e-9) if band else r.relative_load,
                          -r.skill, not r.continuity, r.tz_gap_hours,
                          r.last_assigned_at or EPOCH, r.architect_id)


POLICY_NAMES = ("balanced", "skilled", "round_robin", "least_loaded", "random")


@dataclass(frozen=True)
class Decision:
    request_id: str
    weight: int
    policy: str
    chosen: str | None
    ranked: tuple[Ranked, ...]
    excluded: Mapping[str, int]
    examples: tuple[tuple[str, str], ...] = ()  # (architect id, rule), NAMED per rule at most
    override: bool = False
    held_until: datetime | None = None  # held in the late lane (domain/queue.py) until then

    @property
    def held(self) -> bool:
        """Nobody chosen only because the late lane holds the request back: some eligible
        architect has room for it, but not the room the hold keeps free."""
        return self.chosen is None and self.held_until is not None \
            and bool(self.excluded.get("kept_free"))

    def reason(self) -> str:
        if self.chosen is None:
            why = ", ".join(ruled_out(rule, n) for rule, n in self.excluded.items() if n)
            held = ""
            if self.held and self.held_until is not None:
                until = self.held_until.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
                held = f"held past its deadline until {until} UTC at the latest; "
            return f"{held}no eligible architect ({why or 'empty roster'})"
        return f"{self.chosen}: {self.why_chosen()}"

    def why_chosen(self) -> str:
        """The chosen architect's standing, for people: the offer card tells the FTA "why
        you", the decision card tells managers whom by name; neither needs the id."""
        if self.chosen is None:
            return ""
        best = self.ranked[0]
        text = (f"relative load {best.relative_load:.2f} after assignment, "
                f"skill {best.skill:.1f}/5" + (", works with this customer" if best.continuity
                                               else ""))
        return text + (" (manager override over capacity)" if self.override else "")

    def as_dict(self) -> dict[str, object]:
        return {"request": self.request_id, "policy": self.policy, "weight": self.weight,
                "chosen": self.chosen, "reason": self.reason(),
                "why_chosen": self.why_chosen(), "override": self.override,
                "runners_up": [{"architect": r.architect_id, "why": r.passed_over,
                                "relative_load": round(r.relative_load, 3),
                                "skill": round(r.skill, 2)} for r in self.ranked[1:]],
                "excluded": dict(self.excluded),
                "excluded_examples": [{"architect": a, "rule": r} for a, r in self.examples],
                "held_until": self.held_until.isoformat()
                if self.held and self.held_until is not None else None}


def ruled_out(rule: str, count: int, names: Sequence[str] = ()) -> str:
    """"3 do not cover the request's segment and region (Ann, Bo, Cy and 2 more)"."""
    singular, plural = RULES.get(rule, (rule.replace("_", " "),) * 2)
    text = f"{count} {singular if count == 1 else plural}"
    if not names:
        return text
    shown = ", ".join(names[:NAMED])
    more = count - len(names[:NAMED])
    return f"{text} ({shown}{f' and {more} more' if more > 0 else ''})"


def exclusions(stored: Mapping[str, Any], names: Mapping[str, str]) -> list[str]:
    """Who was not eligible for a decision as stored (`as_dict`), rule by rule, naming the
    first few. Decisions stored before the examples were kept per rule only count."""
    named: dict[str, list[str]] = {}
    for example in stored.get("excluded_examples", []):
        rule = example.get("rule") if isinstance(example, Mapping) else None
        if rule in RULES:
            architect = str(example.get("architect"))
            named.setdefault(rule, []).append(names.get(architect, architect))
    return [ruled_out(rule, int(n), named.get(rule, ()))
            for rule, n in dict(stored.get("excluded", {})).items() if n]


def why_chosen(stored: Mapping[str, Any]) -> str:
    """`Decision.why_chosen` of a decision as stored (`as_dict`). Those stored before it was
    kept have it only in their reason, after the chosen architect's id."""
    why = stored.get("why_chosen")
    if isinstance(why, str):
        return why
    reason, prefix = str(stored.get("reason", "")), f"{stored.get('chosen')}: "
    return reason.removeprefix(prefix)


class DecisionClock:
    """Local dates and UTC offsets at one instant, computed once per time zone."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._days: dict[str, date] = {}
        self._offsets: dict[str, float] = {}

    def local_day(self, timezone: str) -> date:
        if timezone not in self._days:
            self._days[timezone] = self.now.astimezone(ZoneInfo(timezone)).date()
        return self._days[timezone]

    def offset_hours(self, timezone: str) -> float:
        if timezone not in self._offsets:
            offset = self.now.astimezone(ZoneInfo(timezone)).utcoffset()
            self._offsets[timezone] = offset.total_seconds() / 3600 if offset else 0.0
        return self._offsets[timezone]


def hard_rule(architect: Architect, demand: Demand, points_after: int,
              clock: DecisionClock, enforce_capacity: bool = True, keep_free: int = 0,
              ) -> str | None:
    """The first hard rule ``architect`` breaks for ``demand``, or None if eligible;
    ``keep_free``: the points a held request must leave free (domain/queue.py)."""
    if not architect.active:
        return "inactive"
    if architect.id in demand.declined_by:
        return "declined"
    if architect.out_of_office and architect.is_away_on(clock.local_day(architect.timezone)):
        return "out_of_office"
    if enforce_capacity and points_after > architect.capacity:
        return "over_capacity"
    if enforce_capacity and points_after + keep_free > architect.capacity:
        return "kept_free"
    return None


def decide(demand: Demand, roster: RosterIndex, loads: Mapping[str, Load], now: datetime,
           policy: Policy) -> Decision:
    """Choose an architect for ``demand`` at ``now``, or nobody, and say why. A request held in
    the late lane (domain/queue.py) only goes to an architect who keeps room free after it."""
    weight = policy.weight_of(demand.type_key)
    keep_free = policy.late.keep_free(demand.deadline, now)
    clock = DecisionClock(now)
    covering = roster.covering(demand.segment, demand.region)
    inactive = roster.inactive_covering(demand.segment, demand.region)
    excluded: Counter[str] = Counter(
        {"not_covering": len(roster) - len(covering) - len(inactive)})
    examples = _not_covering(roster, demand) if excluded["not_covering"] else []
    if inactive:
        excluded["inactive"] = len(inactive)
        examples += [(architect_id, "inactive") for architect_id in inactive[:NAMED]]
    eligible: list[tuple[Architect, Load]] = []
    declined = demand.declined_by
    for architect in covering:
        load = loads.get(architect.id) or NO_LOAD
        if (architect.active and not architect.out_of_office and architect.id not in declined
                and load.points + weight + keep_free <= architect.capacity):  # the common case
            eligible.append((architect, load))
            continue
        rule = hard_rule(architect, demand, load.points + weight, clock, keep_free=keep_free)
        if rule is None:
            eligible.append((architect, load))
            continue
        excluded[rule] += 1
        if excluded[rule] <= NAMED:
            examples.append((architect.id, rule))
    count = policy.runners_up + 1
    shortlist = _shortlist(eligible, policy.primary(weight, demand, roster), count,
                           policy.refine(weight, demand, roster))
    key = policy.rank_key()
    spares = policy.name == "skilled"
    best = heapq.nsmallest(count, (_ranked(a, demand, load, weight, clock,
                                           roster.scarcity(a, demand.workloads) if spares
                                           else 0.0)
                                   for a, load in shortlist), key=key)
    chosen = best[0].architect_id if best else None
    ranked = tuple(best[:1]) + tuple(_why_passed_over(r, best[0], key, policy.name)
                                     for r in best[1:])
    held_until = policy.late.held_until(demand.deadline) if keep_free and demand.deadline \
        else None
    return Decision(demand.request_id, weight, policy.name, chosen, ranked,
                    {rule: n for rule, n in excluded.items() if n}, tuple(examples),
                    held_until=held_until)


def _not_covering(roster: RosterIndex, demand: Demand) -> list[tuple[str, str]]:
    """The first few architects who do not cover the request, to name them."""
    found: list[tuple[str, str]] = []
    for architect in roster.by_id.values():
        if demand.segment not in architect.segments or demand.region not in architect.regions:
            found.append((architect.id, "not_covering"))
            if len(found) == NAMED:
                break
    return found


def _shortlist(eligible: list[tuple[Architect, Load]],
               primary: Callable[[Architect, Load], float], count: int,
               refine: Callable[[Architect, Load], float] | None = None,
               ) -> list[tuple[Architect, Load]]:
    """Those whose first criterion is within the best ``count``: the full order's top ``count``
    are all among them, so only they need ranking in full.

    With ``refine``, ``primary`` is a lower bound of the first criterion and ``refine`` the
    criterion itself, worked out only for the few whose bound is low enough: the ``count``
    best bounds give a cutoff the ``count``-th best criterion cannot exceed, and no one whose
    bound is above it can come in under it."""
    if len(eligible) <= count:
        return eligible
    firsts = [primary(a, load) for a, load in eligible]
    cutoff = heapq.nsmallest(count, firsts)[-1]
    near = [pair for pair, first in zip(eligible, firsts, strict=True) if first <= cutoff]
    if refine is None:
        return near
    exact = [refine(*pair) for pair in near]
    bound, cutoff = cutoff, heapq.nsmallest(count, exact)[-1]
    kept = [pair for pair, first in zip(near, exact, strict=True) if first <= cutoff]
    return kept + [pair for pair, first in zip(eligible, firsts, strict=True)
                   if bound < first <= cutoff and refine(*pair) <= cutoff]


def override(demand: Demand, architect: Architect, load: Load, now: datetime,
             policy: Policy) -> Decision:
    """A manager's choice: every hard rule but capacity holds; going over capacity is flagged."""
    weight = policy.weight_of(demand.type_key)
    clock = DecisionClock(now)
    rule = hard_rule(architect, demand, load.points + weight, clock, enforce_capacity=False)
    if rule is not None:
        raise ValueError(f"{architect.name} {RULES[rule][0]}.")
    ranked = _ranked(architect, demand, load, weight, clock)
    return Decision(demand.request_id, weight, "manager", architect.id, (ranked,), {},
                    override=ranked.points_after > architect.capacity)


def _ranked(architect: Architect, demand: Demand, load: Load, weight: int,
            clock: DecisionClock, scarcity: float = 0.0) -> Ranked:
    after = load.points + weight
    gap = abs(clock.offset_hours(architect.timezone) - clock.offset_hours(demand.timezone))
    return Ranked(architect.id, after, after / architect.capacity if architect.capacity else 9e9,
                  architect.skill_for(demand.workloads),
                  bool(demand.customer) and demand.customer in load.customers,
                  min(gap, 24 - gap), load.last_assigned_at,
                  skilled=architect.skilled_in_all(demand.workloads), scarcity=scarcity)


CRITERIA = {
    "skilled": (f"not skilled ({SKILLED}+) in every requested workload",
                "higher relative load after assignment",
                "lower skill match", "the chosen architect already works with this customer",
                "farther time zone", "assigned more recently", "tie broken by id"),
    "balanced": ("higher relative load after assignment", "lower skill match",
                 "the chosen architect already works with this customer", "farther time zone",
                 "assigned more recently", "tie broken by id"),
    "least_loaded": ("more points committed", "tie broken by id"),
    "round_robin": ("assigned more recently", "tie broken by id"),
    "random": ("not drawn", "tie broken by id"),
}


def _why_passed_over(runner_up: Ranked, chosen: Ranked, key: RankKey, policy: str) -> Ranked:
    """The first criterion of the policy's order on which ``runner_up`` lost."""
    theirs, ours = key(runner_up), key(chosen)
    index = next((i for i, (a, b) in enumerate(zip(theirs, ours, strict=True)) if a != b), -1)
    why = CRITERIA[policy][index]
    if why.startswith("higher relative load") and (runner_up.scarcity or chosen.scarcity):
        why += (f", counting the scarce skills it would tie up ({runner_up.relative_load:.2f}"
                f" + {runner_up.scarcity:.2f} vs {chosen.relative_load:.2f}"
                f" + {chosen.scarcity:.2f})")
    elif why.startswith("higher relative load"):
        why += f" ({runner_up.relative_load:.2f} vs {chosen.relative_load:.2f})"
    elif why == "lower skill match":
        why += f" ({runner_up.skill:.1f} vs {chosen.skill:.1f})"
    elif why == "farther time zone":
        why += f" ({runner_up.tz_gap_hours:.0f}h vs {chosen.tz_gap_hours:.0f}h)"
    return runner_up._replace(passed_over=why)
