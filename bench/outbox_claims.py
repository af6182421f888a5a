"""The outbox under a backlog: claims and postponements with one lane thousands deep.

    python bench/outbox_claims.py [--database sqlite] [--backlog 12000] [--against CHECKOUT]

Queues ``--backlog`` notices in one lane (an account-team channel, say, which Teams lets out
at 2 posts a second) and 40 in each of 99 others, then runs 40 rounds as a dispatcher would:
claim up to 32 lane heads, put the busy lane's head back every other round (Teams' rate
limit), deliver the rest, half a second later claim again. Each item delivered first reserves
its place in Teams' windows (its lane's, its tenant's) in the shared send ledger, where the
checkout has one. Prints the time a claim, a postponement and a reservation took, on this
checkout's storage and, with ``--against``, on another's (say,
`git worktree add /tmp/before HEAD~1`), each in a process of its own on a fresh database,
with the ratio. PostgreSQL uses BENCH_DATABASE_URL (default: database fta_bench on
127.0.0.1); its schema is reset.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LANES, PER_LANE, ROUNDS, BATCH = 100, 40, 40, 32
Reserve = Callable[[str], Awaitable[None]]


async def measure(url: str, backlog: int) -> dict[str, float]:
    """Runs inside the checkout whose storage is measured (its root first on sys.path)."""
    from sqlalchemy import insert

    from storage.database import open_database
    from storage.migrate import upgrade
    from storage.outbox import SqlOutbox
    from storage.tables import outbox

    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    database = open_database(url)
    await upgrade(database)
    rows = [dict(key=f"{lane}-{n}", kind="mail", lane=f"lane-{lane:03}", role="", tenant_id="t",
                 audience="", payload={"n": n}, purpose={}, state="pending", attempts=0,
                 not_before=now, created_at=now, leased_by="", result="")
            for lane in range(LANES) for n in range(backlog if lane == 0 else PER_LANE)]
    async with database.begin() as connection:
        for start in range(0, len(rows), 2000):
            await connection.execute(insert(outbox), rows[start:start + 2000])
    store = SqlOutbox(database, lambda: now)
    reserve = _reservations(database, lambda: now)
    claiming = postponing = reserving = 0.0
    postponed = reserved = 0
    for round_ in range(ROUNDS):
        started = time.perf_counter()
        items = await store.claim("bench", timedelta(seconds=60), BATCH)
        claiming += time.perf_counter() - started
        for item in items:
            if item.notice.lane == "lane-000" and round_ % 2:
                started = time.perf_counter()
                await store.postpone(item, 0.5)
                postponing += time.perf_counter() - started
                postponed += 1
            else:
                if reserve is not None:
                    started = time.perf_counter()
                    await reserve(item.notice.lane)
                    reserving += time.perf_counter() - started
                    reserved += 1
                await store.delivered(item.id)
        now += timedelta(seconds=0.5)
    await database.dispose()
    return {"claim_ms": 1000 * claiming / ROUNDS,
            "postpone_ms": 1000 * postponing / max(postponed, 1),
            "reserve_ms": 1000 * reserving / max(reserved, 1) if reserve is not None else 0.0}


def _reservations(database: Any, now: Callable[[], datetime]) -> Reserve | None:
    """A send's reservation as the dispatcher makes it; None where the checkout has no
    shared send ledger (its rate windows were in memory, free of charge)."""
    try:
        from domain.rate import TEAMS_PER_CONVERSATION, Limits, with_margin
        from storage.send_ledger import SqlSendLedger
    except ImportError:
        return None
    ledger = SqlSendLedger(database, now)
    per_conversation, per_tenant = with_margin(TEAMS_PER_CONVERSATION), with_margin([(30, 1.0)])

    async def reserve(lane: str) -> None:
        await ledger.reserve((Limits(f"conversation:{lane}", per_conversation),
                              Limits("tenant:t", per_tenant)))

    return reserve


def run(root: Path, args: argparse.Namespace) -> dict[str, float]:
    """One measurement, in a process of its own on the checkout at ``root``."""
    if args.database == "sqlite":
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='fta-claims-')) / 'db'}"
    else:
        from bench.turns import PG_URL, reset_postgres

        url = PG_URL
        reset_postgres(url)
    answer = subprocess.run([sys.executable, __file__, "--measure", url, "--backlog",
                             str(args.backlog)], cwd=root, capture_output=True, text=True,
                            check=True, timeout=1800)
    figures: dict[str, float] = json.loads(answer.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--backlog", type=int, default=12_000)
    parser.add_argument("--against", type=Path, help="a checkout to compare this one with")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(Path.cwd()))
        print(json.dumps(asyncio.run(measure(args.measure, args.backlog))))
        return
    print(f"Outbox on {args.database}: {args.backlog:,} notices in one lane, {PER_LANE} in each "
          f"of {LANES - 1} others; {ROUNDS} rounds of claim {BATCH}, postpone, deliver")
    roots = ([("before", args.against.resolve())] if args.against else []) + [("this", ROOT)]
    results = {name: run(root, args) for name, root in roots}
    for name, figures in results.items():
        reservation = (f"{figures['reserve_ms']:8.2f} ms" if figures.get("reserve_ms")
                       else "    none (in memory)")
        print(f"  {name:6}  claim {figures['claim_ms']:8.2f} ms   postponement "
              f"{figures['postpone_ms']:8.2f} ms   reservation {reservation}")
    if args.against:
        before, this = results["before"], results["this"]
        print(f"  this / before: claim {this['claim_ms'] / before['claim_ms']:.3f}, "
              f"postponement {this['postpone_ms'] / before['postpone_ms']:.3f}")


if __name__ == "__main__":
    main()
