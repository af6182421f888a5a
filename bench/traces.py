"""Synthetic traces for the simulator and the benchmarks: seeded, so every run is the same."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

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
