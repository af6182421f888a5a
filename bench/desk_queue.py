"""The managers' desk under its expected load: `/api/queue` answered by the real app over HTTP
while managers' tabs poll it, and how soon a change shows in an open tab.

    python bench/desk_queue.py [--database-url postgresql+asyncpg://...] [--requests 5000]
        [--ftas 1000] [--closed 20000] [--tabs 10] [--seconds 120] [--smoke]

The database (SQLite in a temporary folder unless --database-url names a PostgreSQL one, which
is emptied first) gets ``--ftas`` architects and ``--requests`` open FTA requests (a third
waiting, a third offered, a third accepted, some with declines) besides ``--closed`` requests
whose engagement ended (history the desk must not read). The app then runs in its own
process (demo mode: the viewer is a manager) with the fake Teams connector, and ``--tabs`` tabs
poll `/api/queue` every 5 s, as the page does, each time with a random filter and page (and
every sixth poll another section: tickets, architects, reports). Meanwhile FTAs accept offers
through the app (a card's Accept, over /api/messages) and a watching tab, polling every 5 s for
that FTA's accepted requests, notes when each shows. Printed as JSON: p50/p95/p99 latency
per section and overall, the seconds from each accept to its showing, and the machine's load
average before and after (figures taken on a busy machine say so).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder leads sys.path, and this file would stand in for the
# standard library's `queue` (which aiosqlite and the thread pools import): the repository's
# root takes the folder's place before anything else is imported.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

import aiohttp  # noqa: E402

from bench.load import card_action, fta_user  # noqa: E402
from bench.turns import PYTHON, Server, app_env, fake_teams, free_port, reset_postgres  # noqa: E402

POLL_SECONDS = 5.0
SEGMENTS = ("enterprise", "smc", "public_sector", "education")
REGIONS = ("NA", "LATAM", "EMEA", "APAC")
TYPES = ("discovery_workshop", "ecif_review", "migration_exception", "engage_before_license")
OTHER_SECTIONS = ("tickets", "architects", "reports")


async def fill(url: str, requests: int, ftas: int, closed: int, seed: int = 7) -> dict[str, Any]:
    """The desk's data, in bulk; which offers are open to accept later, by FTA number."""
    from sqlalchemy import insert, text

    from domain.roster import Architect
    from storage import migrate
    from storage.database import open_database
    from storage.roster import SqlRoster
    from storage.tables import offers
    from storage.tables import requests as table

    rng, now = random.Random(seed), datetime.now(UTC)
    database = open_database(url)
    await migrate.upgrade(database)
    await SqlRoster(database).replace_all(
        Architect(f"fta-{n}", f"FTA {n}", 10, aad_id=fta_user(n)["aadObjectId"],
                  segments=frozenset(rng.sample(SEGMENTS, 2)),
                  regions=frozenset(rng.sample(REGIONS, 2)), timezone="America/New_York")
        for n in range(1, ftas + 1))
    request_rows, offer_rows, open_offers = [], [], []
    for i in range(1, requests + closed + 1):
        submitted = now - timedelta(hours=rng.uniform(0, 60) + (400 if i > requests else 0))
        kind = "closed" if i > requests else ("waiting", "offered", "accepted")[i % 3]
        segment, region = rng.choice(SEGMENTS), rng.choice(REGIONS)
        request_rows.append({
            "id": i, "requester_id": f"00000000-0000-0000-0000-{i % 500:012d}",
            "requester_name": f"Seller {i % 500}", "requester_timezone": "America/New_York",
            "requester_country": "US", "requester_email": "", "type_key": rng.choice(TYPES),
            "values": {"customer": f"Customer {i}", "segment": segment, "region": region},
            "files": {}, "state": "awaiting_fta" if kind in ("waiting", "offered")
            else "assigned", "version": 1, "created_at": submitted, "submitted_at": submitted,
            "deadline": submitted + timedelta(days=2), "number": f"FTA-2026-{i:06d}",
            "first_submitted_at": submitted})
        for _ in range(rng.choice((0, 0, 1, 2))):
            offer_rows.append(_offer(i, rng.randint(1, ftas), "declined", submitted,
                                     reason=rng.choice(("Out of capacity", "On leave",
                                                        "Not my region"))))
        if kind != "waiting":
            fta = rng.randint(1, ftas)
            offer_rows.append(_offer(i, fta, "accepted" if kind in ("accepted", "closed")
                                     else "offered", submitted, ended=kind == "closed"))
            if kind == "offered":
                open_offers.append((fta, len(offer_rows)))
    async with database.begin() as connection:
        for start in range(0, len(request_rows), 2000):
            await connection.execute(insert(table), request_rows[start:start + 2000])
        for number, row in enumerate(offer_rows, start=1):
            row["id"] = number
        for start in range(0, len(offer_rows), 2000):
            await connection.execute(insert(offers), offer_rows[start:start + 2000])
    if database.dialect == "postgresql":  # statistics, as autovacuum keeps them in service
        async with database.engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.commit()
    await database.dispose()
    return {"rows": {"open_requests": requests, "closed_requests": closed, "ftas": ftas,
                     "offers": len(offer_rows)}, "open_offers": open_offers}


def _offer(request_id: int, fta: int, state: str, at: datetime, reason: str = "",
           ended: bool = False) -> dict[str, Any]:
    decided = at + timedelta(hours=3) if state != "offered" else None
    return {"request_id": request_id, "architect_id": f"fta-{fta}", "weight": 3,
            "state": state, "customer": f"Customer {request_id}", "override": False,
            "offered_at": at + timedelta(hours=1),
            "expires_at": datetime.now(UTC) + timedelta(days=3), "decided_at": decided,
            "engagement_ends_at": (at - timedelta(days=1) if ended else
                                   datetime.now(UTC) + timedelta(days=10))
            if state == "accepted" else None, "reason": reason, "decision": {}}


def random_query(rng: random.Random, ftas: int, poll: int) -> str:
    if poll % 6 == 5:
        return f"section={rng.choice(OTHER_SECTIONS)}&page={rng.randint(1, 3)}"
    parts = [f"page={rng.choice((1, 1, 1, 2, 3))}"]
    if rng.random() < 0.5:
        parts.append("state=" + ",".join(rng.sample(("waiting", "offered", "accepted"),
                                                    rng.randint(1, 2))))
    if rng.random() < 0.4:
        parts.append(f"segment={rng.choice(SEGMENTS)}")
    if rng.random() < 0.4:
        parts.append(f"region={rng.choice(REGIONS)}")
    if rng.random() < 0.2:
        parts.append(f"fta=fta-{rng.randint(1, ftas)}")
    return "&".join(parts)


async def tab(session: aiohttp.ClientSession, url: str, number: int, ftas: int, until: float,
              timings: dict[str, list[float]], interval: float) -> None:
    """One manager's tab: a poll every ``interval`` seconds, from a random start."""
    rng = random.Random(number)
    await asyncio.sleep(rng.uniform(0, interval))
    poll = 0
    while time.monotonic() < until:
        query = random_query(rng, ftas, poll)
        started = time.perf_counter()
        async with session.get(f"{url}/api/queue?{query}") as response:
            await response.read()
            assert response.status == 200, (response.status, query)
        section = query.split("&")[0].removeprefix("section=") if "section=" in query \
            else "requests"
        timings.setdefault(section, []).append((time.perf_counter() - started) * 1000)
        poll += 1
        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))


async def changes(session: aiohttp.ClientSession, app: str, service: str,
                  open_offers: list[tuple[int, int]], until: float, interval: float,
                  seen: list[float]) -> None:
    """FTAs accept offers through the app, one at a time; a tab watching that FTA's accepted
    requests notes when each shows."""
    rng = random.Random(99)
    for fta, offer_id in rng.sample(open_offers, len(open_offers)):
        if time.monotonic() + 2 * interval > until:
            return
        body = card_action(service, fta_user(fta), "accept_offer", {"offer_id": offer_id})
        async with session.post(f"{app}/api/messages", json=body) as response:
            answer = await response.json()
            assert response.status == 200, answer
        accepted = time.monotonic()
        await asyncio.sleep(rng.uniform(0, interval))  # the tab's poll falls anywhere
        while True:
            async with session.get(f"{app}/api/queue?state=accepted&fta=fta-{fta}"
                                   f"&page_size=100") as response:
                rows = (await response.json())["rows"]
            if any(row["fta"] and row["fta"]["id"] == f"fta-{fta}" and
                   row["state"] == "accepted" and row["since"] is not None and
                   _recent(row["since"]) for row in rows):
                seen.append(round(time.monotonic() - accepted, 2))
                break
            await asyncio.sleep(interval)


def _recent(stamp: str) -> bool:
    return datetime.now(UTC) - datetime.fromisoformat(stamp.replace("Z", "+00:00")) \
        < timedelta(minutes=5)


def percentiles(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {"n": len(ordered), "p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99),
            "max_ms": round(ordered[-1], 1)} if ordered else {"n": 0}


async def measure(app: str, service: str, args: argparse.Namespace,
                  open_offers: list[tuple[int, int]]) -> dict[str, Any]:
    timings: dict[str, list[float]] = {}
    seen: list[float] = []
    until = time.monotonic() + args.seconds
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(
            *(tab(session, app, n, args.ftas, until, timings, args.interval)
              for n in range(args.tabs)),
            changes(session, app, service, open_offers, until, args.interval, seen))
    every = [v for values in timings.values() for v in values]
    return {"latency": {"all": percentiles(every),
                        **{k: percentiles(v) for k, v in sorted(timings.items())}},
            "change_seen_seconds": {"n": len(seen), "median": round(statistics.median(seen), 2)
                                    if seen else None, "max": max(seen) if seen else None}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--ftas", type=int, default=1000)
    parser.add_argument("--closed", type=int, default=20000)
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--interval", type=float, default=POLL_SECONDS)
    parser.add_argument("--smoke", action="store_true", help="a tiny run: the script works")
    args = parser.parse_args()
    if args.smoke:
        args.requests, args.ftas, args.closed, args.tabs = 60, 20, 60, 2
        args.seconds, args.interval = 8.0, 1.0
    load_before = [round(v, 2) for v in os.getloadavg()]
    folder = Path(tempfile.mkdtemp(prefix="fta-queue-bench-"))
    url = args.database_url or f"sqlite+aiosqlite:///{folder / 'queue.db'}"
    if url.startswith("postgresql"):
        reset_postgres(url)
    started = time.monotonic()
    filled = asyncio.run(fill(url, args.requests, args.ftas, args.closed))
    load_seconds = round(time.monotonic() - started, 1)
    connector = fake_teams(folder)
    port = free_port()
    app = Server("app", [PYTHON, "app.py", "serve"], port,
                 {**app_env(url), "PORT": str(port), "LOG_LEVEL": "WARNING"},
                 folder / "app.log", "/healthz")
    try:
        result = asyncio.run(measure(app.url, connector.url, args, filled["open_offers"]))
    finally:
        app.stop()
        connector.stop()
    print(json.dumps({"database": url.split("+")[0], "rows": filled["rows"],
                      "load_seconds": load_seconds, "tabs": args.tabs,
                      "poll_seconds": args.interval, "seconds": args.seconds,
                      "load_average": {"before": load_before,
                                       "after": [round(v, 2) for v in os.getloadavg()]},
                      **result},
                     indent=2))


if __name__ == "__main__":
    main()
