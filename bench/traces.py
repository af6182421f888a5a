"""Synthetic traces for the simulator and the benchmarks: seeded, so every run is the same."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SEGMENTS = ("enterprise", "smc", "public_sector", "education")
REGIONS = {"NA": ("America/New_York", "America/Chicago", "America/Los_Angeles", "US"),
           "EMEA": ("Europe/London", "Europe/Paris", "Europe/Berlin", "DE"),
           "APAC": ("Asia/Tokyo", "Australia/Sydney", "Asia/Singapore", "JP"),
           "LATAM": ("America/Sao_Paulo", "America/Mexico_City", "America/Bogota", "BR")}
WORKLOADS = ("exchange", "sharepoint", "teams", "windows", "intune")
TYPES = (("discovery_workshop", 0.35), ("ecif_review", 0.35), ("migration_exception", 0.3))


def synthetic_trace(architects: int, requests: int, *, seed: int = 1,
                    start: date = date(2027, 1, 4), days: int = 87,
                    decline_rate: float = 0.05, engagement_days: tuple[int, int] = (3, 10),
                    capacity: tuple[int, int] = (6, 14)) -> dict[str, Any]:
    """A quarter of ``requests`` over ``architects``, as a JSON-able trace."""
    draw = random.Random(seed)
    roster = [_architect(draw, i, start, days, capacity) for i in range(architects)]
    ids = [a["id"] for a in roster]
    customers = [f"Customer {n:04d}" for n in range(max(1, requests // 4))]
    return {
        "start": start.isoformat(), "end": (start + timedelta(days=days)).isoformat(),
        "weights": {"discovery_workshop": 3, "ecif_review": 2, "migration_exception": 1},
        "architects": roster,
        "requests": [_request(draw, n, start, days, ids, customers, decline_rate,
                              engagement_days) for n in range(requests)],
    }


def _architect(draw: random.Random, n: int, start: date, days: int,
               capacity: tuple[int, int]) -> dict[str, Any]:
    region = draw.choice(list(REGIONS))
    zone = draw.choice(REGIONS[region][:3])
    away = start + timedelta(days=draw.randrange(days))
    return {"id": f"a{n:05d}", "capacity": draw.randint(*capacity), "timezone": zone,
            "holiday_country": REGIONS[region][3],
            "skills": {w: draw.randint(1, 5) for w in draw.sample(WORKLOADS, 3)},
            "segments": draw.sample(SEGMENTS, draw.randint(1, 3)),
            "regions": [region] + ([draw.choice(list(REGIONS))] if draw.random() < 0.2 else []),
            "active": draw.random() > 0.02,
            "out_of_office": [{"from": away.isoformat(),
                               "to": (away + timedelta(days=draw.randint(1, 9))).isoformat()}]
            if draw.random() < 0.3 else []}


def _request(draw: random.Random, n: int, start: date, days: int, ids: list[str],
             customers: list[str], decline_rate: float,
             engagement_days: tuple[int, int]) -> dict[str, Any]:
    region = draw.choice(list(REGIONS))
    moment = datetime.combine(start, datetime.min.time(), UTC) + timedelta(
        seconds=draw.randrange(days * 86400))
    type_key = draw.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
    return {"id": f"r{n:06d}", "submitted_at": moment.isoformat(), "type": type_key,
            "segment": draw.choice(SEGMENTS), "region": region, "country": REGIONS[region][3],
            "timezone": draw.choice(REGIONS[region][:3]),
            "workloads": draw.sample(WORKLOADS, draw.randint(1, 2)),
            "customer": draw.choice(customers),
            "declined_by": [i for i in draw.sample(ids, min(3, len(ids)))
                            if draw.random() < decline_rate],
            "engagement_business_days": draw.randint(*engagement_days)}


# Quarters shaped like the yardstick: capacities of 6-12 points, a specialism per FTA,
# engagements of 5-40 business days, requests in the requester's business hours.
ZONE_COUNTRY = {"America/New_York": "US", "America/Chicago": "US", "America/Los_Angeles": "US",
                "Europe/London": "GB", "Europe/Paris": "FR", "Europe/Berlin": "DE",
                "Asia/Tokyo": "JP", "Australia/Sydney": "AU", "Asia/Singapore": "SG",
                "America/Sao_Paulo": "BR", "America/Mexico_City": "MX", "America/Bogota": "CO"}
REGION_SHARE = {"NA": 0.4, "EMEA": 0.3, "APAC": 0.2, "LATAM": 0.1}


@dataclass(frozen=True)
class Scenario:
    """A seeded quarter; ``skew`` puts that share of FTAs at the top of the capacity range and
    the rest at the bottom, ``scarce`` is a workload few FTAs hold at 3 or more, and ``bursts``
    days take ``burst_share`` of the requests between them."""

    name: str
    architects: int
    requests: int
    seed: int
    capacity: tuple[int, int] = (6, 12)
    skew: float | None = None
    scarce: str | None = None
    bursts: int = 0
    burst_share: float = 0.0
    decline_rate: float = 0.1
    specialisms: int = 1  # workloads each FTA holds at 4-5
    target: str = "normal"  # which of the targets applies: "normal" or "tight"
    bound: bool = True  # the LP bound (too slow beyond a thousand requests)

    def scaled(self, factor: float) -> Scenario:
        return replace(self, architects=max(8, round(self.architects * factor)),
                       requests=max(40, round(self.requests * factor)))


SCENARIOS = (
    Scenario("normal", 60, 800, seed=11),
    Scenario("tight", 40, 700, seed=12, target="tight"),
    Scenario("skewed capacities", 80, 900, seed=13, skew=0.25),
    Scenario("scarce skills", 60, 800, seed=14, scarce="intune"),
    Scenario("bursty arrivals", 60, 800, seed=15, bursts=5, burst_share=0.4, target="tight"),
    Scenario("skill-rich", 60, 800, seed=18, specialisms=2),
    Scenario("overloaded", 40, 1000, seed=17, target="tight"),
    Scenario("large", 200, 4000, seed=16, bound=False),
)


def scenario_trace(scenario: Scenario, start: date = date(2027, 1, 4),
                   days: int = 87) -> dict[str, Any]:
    draw = random.Random(scenario.seed)
    roster = [_quarter_architect(draw, n, scenario, start, days)
              for n in range(scenario.architects)]
    workdays = [start + timedelta(days=d) for d in range(days)
                if (start + timedelta(days=d)).weekday() < 5]
    bursts = draw.sample(workdays[:-3], scenario.bursts)
    customers = [f"Customer {n:04d}" for n in range(max(1, scenario.requests // 3))]
    return {"start": start.isoformat(), "end": (start + timedelta(days=days)).isoformat(),
            "weights": {"discovery_workshop": 3, "ecif_review": 2, "migration_exception": 1},
            "architects": roster,
            "requests": [_quarter_request(draw, n, scenario, roster, workdays, bursts, customers)
                         for n in range(scenario.requests)]}


def _region(draw: random.Random) -> str:
    return draw.choices(list(REGION_SHARE), list(REGION_SHARE.values()))[0]


def _quarter_architect(draw: random.Random, n: int, scenario: Scenario, start: date,
                       days: int) -> dict[str, Any]:
    region = _region(draw)
    zone = draw.choice(REGIONS[region][:3])
    low, high = scenario.capacity
    capacity = (draw.randint(low, high) if scenario.skew is None
                else high if draw.random() < scenario.skew else low)
    specialism = draw.choice([w for w in WORKLOADS if w != scenario.scarce])
    if scenario.scarce and draw.random() < 0.06:
        specialism = scenario.scarce
    skills = {specialism: draw.randint(4, 5)}
    for workload in draw.sample([w for w in WORKLOADS if w != specialism and
                                 w != scenario.scarce], scenario.specialisms - 1):
        skills[workload] = draw.randint(4, 5)
    others = [w for w in WORKLOADS if w not in skills]
    for workload in draw.sample(others, min(len(others), draw.randint(1, 3))):
        skills[workload] = draw.randint(1, 2 if workload == scenario.scarce else 4)
    absences = []
    for _ in range(draw.choices((0, 1, 2), (0.45, 0.4, 0.15))[0]):
        away = start + timedelta(days=draw.randrange(days))
        absences.append({"from": away.isoformat(),
                         "to": (away + timedelta(days=draw.randint(0, 9))).isoformat()})
    return {"id": f"a{n:05d}", "capacity": capacity, "timezone": zone,
            "holiday_country": ZONE_COUNTRY[zone], "skills": skills,
            "segments": draw.sample(SEGMENTS, draw.choices((1, 2, 3), (0.3, 0.45, 0.25))[0]),
            "regions": [region] + ([_region(draw)] if draw.random() < 0.2 else []),
            "active": draw.random() > 0.02, "out_of_office": absences}


def _quarter_request(draw: random.Random, n: int, scenario: Scenario,
                     roster: list[dict[str, Any]], workdays: list[date], bursts: list[date],
                     customers: list[str]) -> dict[str, Any]:
    region = _region(draw)
    zone = draw.choice(REGIONS[region][:3])
    day = (draw.choice(bursts) + timedelta(days=draw.choice((0, 0, 1)))
           if bursts and draw.random() < scenario.burst_share else draw.choice(workdays))
    local = datetime.combine(day, datetime.min.time(), ZoneInfo(zone)) + timedelta(
        minutes=draw.randrange(8 * 60, 18 * 60))
    segment = draw.choice(SEGMENTS)
    type_key = draw.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
    wanted = draw.sample(WORKLOADS, draw.choices((1, 2), (0.6, 0.4))[0])
    if scenario.scarce and scenario.scarce not in wanted and draw.random() < 0.12:
        wanted[0] = scenario.scarce
    covering = [a["id"] for a in roster if segment in a["segments"] and region in a["regions"]]
    return {"id": f"r{n:06d}", "submitted_at": local.astimezone(UTC).isoformat(),
            "type": type_key, "segment": segment, "region": region,
            "country": ZONE_COUNTRY[zone], "timezone": zone, "workloads": wanted,
            "customer": draw.choice(customers),
            "declined_by": [a for a in draw.sample(covering, min(3, len(covering)))
                            if draw.random() < scenario.decline_rate],
            "engagement_business_days": 5 + round(35 * draw.betavariate(1.2, 2))}
