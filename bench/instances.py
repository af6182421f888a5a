"""Several instances on one PostgreSQL database: 3 `python app.py serve` processes behind a
round robin, a fake Teams connector, 300 request submissions sent at once and spread over the
instances, then every offer accepted, again spread over the instances. Checks that every
request is assigned exactly once, no FTA goes over capacity, and every notice arrives exactly
once; prints the throughput.

    python bench/instances.py [--requests 300] [--instances 3]

Uses BENCH_DATABASE_URL (default: database fta_bench on 127.0.0.1); its schema is reset.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import Bot, activity, card_action, fta_user, ready_draft, seller
from bench.turns import PG_URL, PYTHON, Server, fake_teams, free_port, reset_postgres

FTAS, CAPACITY, WEIGHT = 60, 15, 3  # a Discovery Workshop weighs 3: room for 5 each
SEGMENTS = ("enterprise", "smc", "public_sector", "education")
REGIONS = ("NA", "LATAM", "EMEA", "APAC")
# One account team channel per segment and region, as a real tenant has: Teams lets a bot post
# 60 messages per 30 s into one channel, so 300 notices into a single channel take 150 s.
CHANNELS = ";".join(f"{s}/{r}=19:atu-{s}-{r.lower()}" for s in SEGMENTS for r in REGIONS)


def roster(folder: Path) -> Path:
    lines = ["architects:"]
    for n in range(1, FTAS + 1):
        lines += [f"  - id: fta-{n}", f"    name: FTA {n}", f"    email: fta{n}@contoso.com",
                  f"    aad_id: 00000000-0000-0000-0001-{n:012d}", f"    capacity: {CAPACITY}",
                  "    timezone: America/New_York", "    holiday_country: US",
                  f"    segments: [{', '.join(SEGMENTS)}]",
                  f"    regions: [{', '.join(REGIONS)}]", "    languages: [en]"]
    path = folder / "roster.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def start(count: int, url: str, folder: Path, serve_url: str = "",
          settings: dict[str, str] | None = None) -> list[Server]:
    """The roster imported through ``url``; ``count`` instances serving on ``serve_url``
    (default: the same database URL) with ``settings`` on top of the bench's own."""
    subprocess.run([PYTHON, "app.py", "roster", "import", str(roster(folder))],
                   cwd=Path(__file__).resolve().parent.parent, env=instance_env(url, settings),
                   check=True, capture_output=True, timeout=120)
    env = instance_env(serve_url or url, settings)
    return [instance(n + 1, env, folder) for n in range(count)]


def instance_env(url: str, settings: dict[str, str] | None = None) -> dict[str, str]:
    """An instance's environment: the bench's channels, no credentials (anonymous mode)."""
    env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1", "LOG_LEVEL": "WARNING",
           "WORKER_INTERVAL_SECONDS": "3600", "FTA_MANAGERS_CHANNEL_ID": "19:managers",
           "FTCHELP_CHANNEL_ID": "19:ftchelp", "ACCOUNT_TEAM_CHANNELS": CHANNELS,
           **(settings or {})}
    for name in ("MicrosoftAppId", "MicrosoftAppPassword"):
        env.pop(name, None)
    return env


def instance(number: int | str, env: dict[str, str], folder: Path, port: int = 0) -> Server:
    """`python app.py serve` as instance ``number``, on ``port`` (a free one by default)."""
    port = port or free_port()
    return Server(f"instance {number}", [PYTHON, "app.py", "serve"], port,
                  {**env, "PORT": str(port)}, folder / f"instance-{number}.log", "/readyz")


async def run(requests: int, servers: list[Server], connector: Server) -> dict[str, Any]:
    service = connector.url
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=requests * 2),
                                     timeout=aiohttp.ClientTimeout(total=120)) as session:
        bots = [Bot(session, s.url) for s in servers]
        for n in range(1, FTAS + 1):  # every FTA opens a chat with the bot once
            await bots[n % len(bots)].post(activity(service, fta_user(n), text="hi"))
        users = [seller(10_000 + n) for n in range(requests)]
        drafts = [{**draft, "segment": SEGMENTS[n % 4], "region": REGIONS[n // 4 % 4]}
                  for n, draft in enumerate(await asyncio.gather(*(
                      ready_draft(bots[n % len(bots)], service, user)
                      for n, user in enumerate(users))))]
        started = time.perf_counter()
        await asyncio.gather(*(  # each submitted through another instance than its draft
            bots[(n + 1) % len(bots)].press(
                lambda user=user, data=data: card_action(service, user, "submit_request", data))
            for n, (user, data) in enumerate(zip(users, drafts, strict=True))))
        submitting = time.perf_counter() - started
        offers = await offers_posted(session, service, requests)
        started = time.perf_counter()
        await asyncio.gather(*(
            bots[n % len(bots)].press(lambda o=o: card_action(
                service, fta_user(int(o["conversation"].rsplit("-", 1)[-1])), "accept_offer",
                {"offer_id": o["offer_id"]}))
            for n, o in enumerate(offers)))
        accepting = time.perf_counter() - started
        await settled(session, lambda: servers[0].url)
        async with session.get(service + "/bench/sent") as answer:
            sent = await answer.json()
    return {"requests": requests, "offers": len(offers), "submit_seconds": submitting,
            "accept_seconds": accepting, "sent": sent,
            "pressed_again": sum(bot.pressed_again for bot in bots)}


async def offers_posted(session: aiohttp.ClientSession, service: str,
                        wanted: int) -> list[dict[str, Any]]:
    """The offer cards the fake Teams saw, by offer id (a card posted twice is one offer)."""
    found: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + 120
    while len(found) < wanted and time.monotonic() < deadline:
        async with session.get(service + "/bench/offers") as answer:
            found.update((offer["offer_id"], offer) for offer in await answer.json())
        await asyncio.sleep(0.2)
    return list(found.values())


async def settled(session: aiohttp.ClientSession, instance_url: Callable[[], str]) -> None:
    """Wait until the shared outbox is empty, asking an instance's /metrics (every instance
    reads the same database); ``instance_url`` may name another one at each try."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with suppress(aiohttp.ClientError, TimeoutError):
            async with session.get(instance_url() + "/metrics") as answer:
                if "fta_outbox_waiting 0.0" in await answer.text():
                    return
        await asyncio.sleep(0.2)
    raise TimeoutError("the outbox did not drain")


async def database_checks(url: str) -> dict[str, Any]:
    """Assignments and loads, as the database has them."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        states = dict(await connection.fetch("SELECT state, count(*) FROM requests "
                                             "WHERE state <> 'draft' GROUP BY state"))
        accepted = await connection.fetch("SELECT request_id, count(*) AS n FROM offers "
                                          "WHERE state = 'accepted' GROUP BY request_id")
        loads = await connection.fetch("SELECT architect_id, sum(weight) AS points FROM offers "
                                       "WHERE state IN ('offered', 'accepted') "
                                       "GROUP BY architect_id")
        outbox = dict(await connection.fetch("SELECT state, count(*) FROM outbox "
                                             "GROUP BY state"))
    finally:
        await connection.close()
    return {"states": states, "assigned_once": all(r["n"] == 1 for r in accepted),
            "assigned": len(accepted), "max_points": max((r["points"] for r in loads),
                                                         default=0),
            "outbox": outbox}


def check(result: dict[str, Any], figures: dict[str, Any]) -> list[str]:
    """What went wrong, if anything."""
    problems = []
    wanted = result["requests"]
    if figures["states"] != {"assigned": wanted}:
        problems.append(f"request states {figures['states']}, wanted {wanted} assigned")
    if not figures["assigned_once"] or figures["assigned"] != wanted:
        problems.append(f"{figures['assigned']} requests assigned, some more than once")
    if figures["max_points"] > CAPACITY:
        problems.append(f"an FTA holds {figures['max_points']} points, capacity {CAPACITY}")
    if set(figures["outbox"]) - {"delivered", "skipped"}:
        problems.append(f"outbox ended as {figures['outbox']}")
    repeated = [s for s in result["sent"] if s["times"] != 1]
    if repeated:
        problems.append(f"{len(repeated)} notices arrived more than once, e.g. {repeated[0]}")
    kinds = Counter(s["conversation"].split(":")[0] for s in result["sent"])
    if len(result["sent"]) < wanted * 3:  # an offer, the seller's notice, the account team's
        problems.append(f"only {len(result['sent'])} distinct notices for {wanted} requests "
                        f"({dict(kinds)})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--instances", type=int, default=3)
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", PG_URL)
    reset_postgres(url)
    folder = Path(tempfile.mkdtemp(prefix="fta-instances-"))
    connector = fake_teams(folder)
    servers: list[Server] = []
    try:
        servers = start(args.instances, url, folder)
        result = asyncio.run(run(args.requests, servers, connector))
    finally:
        for server in servers:
            server.stop()
        connector.stop()
    figures = asyncio.run(database_checks(url))
    problems = check(result, figures)
    print(json.dumps({
        "instances": args.instances, "requests": args.requests,
        "submissions_per_second": round(args.requests / result["submit_seconds"], 1),
        "accepts_per_second": round(result["offers"] / result["accept_seconds"], 1),
        "assigned": figures["assigned"], "max_points_of_an_fta": figures["max_points"],
        "pressed_again (told busy)": result["pressed_again"],
        "capacity": CAPACITY, "notices": len(result["sent"]),
        "notices_delivered_more_than_once": sum(s["times"] > 1 for s in result["sent"]),
        "outbox": figures["outbox"], "problems": problems}, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
