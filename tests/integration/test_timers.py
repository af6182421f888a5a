"""Timers are claimed by exactly one worker, and a lapsed lease lets another take over."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from storage.timers import SqlTimers
from tests.conftest import FIXED_NOW


async def test_concurrent_workers_claim_each_due_timer_once(database) -> None:
    scheduler = SqlTimers(database, "scheduler")
    for n in range(30):
        await scheduler.schedule("sla_breach", n, FIXED_NOW - timedelta(minutes=n))
    await scheduler.schedule("sla_breach", 99, FIXED_NOW + timedelta(hours=1))
    workers = [SqlTimers(database, f"worker-{i}") for i in range(4)]

    batches = await asyncio.gather(*(w.claim_due(FIXED_NOW, limit=10) for w in workers))

    claimed = [t.request_id for batch in batches for t in batch]
    assert sorted(claimed) == list(range(30))


async def test_a_lapsed_lease_is_claimed_again_and_a_completed_timer_never(database) -> None:
    timers = SqlTimers(database, "w")
    await timers.schedule("offer_timeout", 1, FIXED_NOW, offer_id=5)
    await timers.schedule("offer_timeout", 2, FIXED_NOW, offer_id=6)
    first = await timers.claim_due(FIXED_NOW, lease=timedelta(minutes=2))
    await timers.complete(first[0].id, FIXED_NOW)

    assert await timers.claim_due(FIXED_NOW + timedelta(minutes=1)) == []
    retried = await timers.claim_due(FIXED_NOW + timedelta(minutes=3))
    assert [t.request_id for t in retried] == [2]


async def test_once_records_a_happening_only_the_first_time(database) -> None:
    timers = SqlTimers(database, "w")
    results = await asyncio.gather(*(timers.once("escalated", 7, FIXED_NOW) for _ in range(5)))
    assert sorted(results) == [False] * 4 + [True]
