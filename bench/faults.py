"""The fault run: 3 `python app.py serve` instances on one PostgreSQL database take a load of
request submissions and then accept every offer, while one instance is killed (SIGKILL) and
restarted during each phase and the database connection is cut for a few seconds. Clients
behave as Teams and its users do: a send that fails or answers 5xx is retried with the same
activity id (through another instance, as a load balancer would); an answer that says "try
again" is a new press of the button. Prints the counts and checks that no accepted request
was lost, every request was assigned exactly once, no FTA went over capacity, and every notice
arrived exactly once.

    python bench/faults.py [--requests 200] [--cut-seconds 3]

Uses BENCH_DATABASE_URL (default: database fta_bench on 127.0.0.1); its schema is reset.
Instances reach PostgreSQL through a TCP relay in this process, which is how the connection is
cut: every open connection is dropped and new ones are refused until it is restored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.instances import (
    CAPACITY,
    FTAS,
    REGIONS,
    SEGMENTS,
    check,
    database_checks,
    instance,
    instance_env,
    offers_posted,
    settled,
    start,
)
from bench.load import Bot, activity, asks_to_try_again, card_action, fta_user, ready_draft, seller
from bench.turns import PG_URL, Server, fake_teams, reset_postgres
from tests.support.relay import DatabaseLine, via

# What an instance's settings are for this run: leases short enough that a dead instance's
# work is taken over within the run, and a check for new work every second.
SETTINGS = {"OUTBOX_LEASE_SECONDS": "8", "OUTBOX_SEND_TIMEOUT_SECONDS": "10"}
# Each phase's turns start evenly over this span, so the faults (from 0.3-0.5 s in, a kill
# after Teams has held sends for a second, then the cut) fall among turns in flight however
# fast the machine: all at once, a fast machine had answered every one before the kill.
SPREAD_SECONDS = 5.0
GIVE_UP_AFTER = 180.0  # seconds a client keeps trying one turn


class Cluster:
    """The instances behind a round robin that skips one that does not answer."""

    def __init__(self, servers: list[Server], env: dict[str, str], folder: Path) -> None:
        self.servers, self.env, self.folder = servers, env, folder
        self.kills = 0
        self._turn = 0

    def next_url(self) -> str:
        """The next instance's base URL, round robin."""
        self._turn += 1
        return self.servers[self._turn % len(self.servers)].url

    async def kill_and_restart(self, number: int, connector: str, down_seconds: float) -> None:
        """SIGKILL instance ``number`` while Teams holds its sends, then start it again."""
        victim = self.servers[number - 1]
        async with aiohttp.ClientSession() as session:
            await session.post(connector + "/bench/hold")
            await asyncio.sleep(1.0)  # sends already answered are recorded
            victim.process.kill()
            victim.process.wait()
            await session.post(connector + "/bench/release")
        self.kills += 1
        await asyncio.sleep(down_seconds)
        self.servers[number - 1] = await asyncio.to_thread(
            instance, f"{number}-restarted-{self.kills}", self.env, self.folder, victim.port)


async def until_done(session: aiohttp.ClientSession, cluster: Cluster, tally: Counter[str],
                     make: Any) -> dict[str, Any] | None:
    """Send one turn until it is answered for good; the final answer, None if it never was."""
    body = make()
    deadline = time.monotonic() + GIVE_UP_AFTER
    while time.monotonic() < deadline:
        try:
            async with session.post(cluster.next_url() + "/api/messages", json=body) as response:
                status = response.status
                answer = await response.json(content_type=None) if status == 200 else None
        except (aiohttp.ClientError, TimeoutError, ValueError):
            tally["sends failed (retried as is)"] += 1
            await asyncio.sleep(0.2)
            continue
        if status == 201 and body["type"] == "message":
            return {}
        if status != 200 or not answer:
            tally[f"HTTP {status} (retried as is)"] += 1
            await asyncio.sleep(0.2)
            continue
        if asks_to_try_again(answer):
            tally["asked to try again (pressed again)"] += 1
            body = make()  # a new press: a new activity id
            await asyncio.sleep(0.3)
            continue
        return answer
    return None


async def spread(turns: list[Any]) -> list[Any]:
    """Run the turns (awaitables), starting them evenly over SPREAD_SECONDS."""
    async def later(n: int, turn: Any) -> Any:
        await asyncio.sleep(n * SPREAD_SECONDS / len(turns))
        return await turn

    return await asyncio.gather(*(later(n, turn) for n, turn in enumerate(turns)))


async def run(requests: int, cut_seconds: float, cluster: Cluster, line: DatabaseLine,
              connector: str) -> dict[str, Any]:
    tally: Counter[str] = Counter()
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=requests * 2),
                                     timeout=timeout) as session:
        for n in range(1, FTAS + 1):  # every FTA opens a chat with the bot once
            await until_done(session, cluster, tally,
                             lambda n=n: activity(connector, fta_user(n), text="hi"))
        bots = [Bot(session, s.url) for s in cluster.servers]
        users = [seller(20_000 + n) for n in range(requests)]
        drafts = [{**draft, "segment": SEGMENTS[n % 4], "region": REGIONS[n // 4 % 4]}
                  for n, draft in enumerate(await asyncio.gather(*(
                      ready_draft(bots[n % len(bots)], connector, user)
                      for n, user in enumerate(users))))]

        async def faults_while_submitting() -> None:
            await asyncio.sleep(0.5)
            await cluster.kill_and_restart(2, connector, down_seconds=1.0)
            line.cut(cut_seconds)

        started = time.perf_counter()
        submitted, _ = await asyncio.gather(spread([
            until_done(session, cluster, tally, lambda u=user, d=data: card_action(
                connector, u, "submit_request", d))
            for user, data in zip(users, drafts, strict=True)]), faults_while_submitting())
        submitting = time.perf_counter() - started
        accepted_submissions = sum(1 for answer in submitted if answer is not None)

        offers = await offers_posted(session, connector, requests)

        async def faults_while_accepting() -> None:
            await asyncio.sleep(0.3)
            await cluster.kill_and_restart(3, connector, down_seconds=1.0)

        started = time.perf_counter()
        await asyncio.gather(spread([
            until_done(session, cluster, tally, lambda o=offer: card_action(
                connector, fta_user(int(o["conversation"].rsplit("-", 1)[-1])), "accept_offer",
                {"offer_id": o["offer_id"]}))
            for offer in offers]), faults_while_accepting())
        accepting = time.perf_counter() - started
        await settled(session, cluster.next_url)
        async with session.get(connector + "/bench/sent") as answer:
            sent = await answer.json()
    return {"requests": requests, "acknowledged": accepted_submissions, "offers": len(offers),
            "submit_seconds": submitting, "accept_seconds": accepting, "sent": sent,
            "retries": dict(tally)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cut-seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", PG_URL)
    reset_postgres(url)
    folder = Path(tempfile.mkdtemp(prefix="fta-faults-"))
    database = urlsplit(url)
    line = DatabaseLine((database.hostname or "127.0.0.1", database.port or 5432))
    connector = fake_teams(folder)
    cluster: Cluster | None = None
    try:
        servers = start(3, url, folder, serve_url=via(url, line.port), settings=SETTINGS)
        cluster = Cluster(servers, instance_env(via(url, line.port), SETTINGS), folder)
        result = asyncio.run(run(args.requests, args.cut_seconds, cluster, line, connector.url))
    finally:
        for server in cluster.servers if cluster else []:
            server.stop()
        connector.stop()
    figures = asyncio.run(database_checks(url))
    problems = check(result, figures)
    if result["acknowledged"] != args.requests:
        problems.append(f"only {result['acknowledged']} of {args.requests} submissions answered")
    print(json.dumps({
        "instances": 3, "requests": args.requests, "killed_and_restarted": cluster.kills,
        "database_cuts": line.cuts, "cut_seconds": args.cut_seconds,
        "submissions_acknowledged": result["acknowledged"],
        "submissions_per_second": round(args.requests / result["submit_seconds"], 1),
        "accepts_per_second": round(result["offers"] / result["accept_seconds"], 1),
        "client_retries": result["retries"], "assigned": figures["assigned"],
        "max_points_of_an_fta": figures["max_points"], "capacity": CAPACITY,
        "notices": len(result["sent"]),
        "notices_delivered_more_than_once": sum(s["times"] > 1 for s in result["sent"]),
        "outbox": figures["outbox"], "problems": problems}, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
