"""What a claim takes from the outbox: the oldest live item of each lane and nothing behind it,
oldest lanes first, and only when that item is due; a lane held back (Teams' rate limit, a
retry) holds everything queued behind its head without those items being touched."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.outbox import Kind, Notice, OutboxItem
from storage.database import Database
from storage.outbox import SqlOutbox
from storage.tables import outbox
from tests.conftest import MovableClock

LEASE = timedelta(seconds=60)


async def add(store: SqlOutbox, lane: str, n: int) -> None:
    await store.add(Notice(Kind.MAIL, lane, {"n": n}, key=f"{lane}-{n}"))


def lanes_and_numbers(items: list[OutboxItem]) -> list[tuple[str, int]]:
    return [(item.notice.lane, item.notice.payload["n"]) for item in items]


async def test_a_claim_takes_each_lanes_head_oldest_first(database: Database,
                                                          clock: MovableClock) -> None:
    store = SqlOutbox(database, clock)
    for n in range(3):
        for lane in ("mail:b", "mail:a", "mail:c"):
            await add(store, lane, n)

    first = await store.claim("w1", LEASE, 2)
    assert lanes_and_numbers(first) == [("mail:b", 0), ("mail:a", 0)]  # in the order written
    assert lanes_and_numbers(await store.claim("w1", LEASE, 10)) == [("mail:c", 0)]
    assert await store.claim("w1", LEASE, 10) == []  # every head leased: nothing else goes

    await store.delivered(first[0].id)
    assert lanes_and_numbers(await store.claim("w1", LEASE, 10)) == [("mail:b", 1)]


async def test_a_held_head_holds_its_lane_and_leaves_the_rest_alone(
        database: Database, clock: MovableClock) -> None:
    store = SqlOutbox(database, clock)
    for n in range(50):
        await add(store, "19:account-team", n)
    await add(store, "a:seller", 0)

    head, seller = await store.claim("w1", LEASE, 10)
    await store.postpone(head, 0.5)  # Teams' limit for the channel: half a second
    await store.delivered(seller.id)
    assert await store.claim("w1", LEASE, 10) == []  # 49 items due, none of them a head

    async with database.connect() as connection:  # the queue behind the head is untouched
        untouched = (await connection.execute(select(outbox.c.not_before).where(
            outbox.c.lane == "19:account-team", outbox.c.id > head.id))).scalars().all()
    assert set(untouched) == {clock.now}

    clock.advance(timedelta(seconds=1))
    again = await store.claim("w1", LEASE, 10)
    assert lanes_and_numbers(again) == [("19:account-team", 0)]
    assert again[0].attempts == 1  # a postponement is not a try
    await store.retry_later(again[0], 503, 2.0)
    clock.advance(timedelta(seconds=1))
    assert await store.claim("w1", LEASE, 10) == []
    clock.advance(timedelta(seconds=1))
    third = await store.claim("w1", LEASE, 10)
    assert lanes_and_numbers(third) == [("19:account-team", 0)] and third[0].attempts == 2
    await store.dead(third[0].id, 400)
    assert lanes_and_numbers(await store.claim("w1", LEASE, 10)) == [("19:account-team", 1)]


async def test_a_lapsed_lease_gives_the_head_to_the_next_claim(database: Database,
                                                               clock: MovableClock) -> None:
    store = SqlOutbox(database, clock)
    await add(store, "mail:a", 0)
    await add(store, "mail:a", 1)
    taken = await store.claim("w1", LEASE, 10)
    clock.advance(LEASE / 2)
    assert await store.claim("w2", LEASE, 10) == []
    clock.advance(LEASE)
    retaken = await store.claim("w2", LEASE, 10)
    assert [item.id for item in retaken] == [taken[0].id] and retaken[0].attempts == 2


async def test_an_item_is_live_until_it_is_finished(database: Database,
                                                    clock: MovableClock) -> None:
    """The claim's index holds unfinished items (storage.tables.unfinished): every way an item
    leaves pending and sending writes ``finished_at``, and no way back to them clears it."""
    store = SqlOutbox(database, clock)
    for lane in ("mail:delivered", "mail:skipped", "mail:dead", "mail:postponed",
                 "mail:retried"):
        await add(store, lane, 0)
    items = {item.notice.lane: item for item in await store.claim("w1", LEASE, 10)}
    await store.delivered(items["mail:delivered"].id)
    await store.skipped(items["mail:skipped"].id)
    await store.dead(items["mail:dead"].id, 400)
    await store.postpone(items["mail:postponed"], 1)
    await store.retry_later(items["mail:retried"], 503, 1)
    async with database.connect() as connection:
        rows = (await connection.execute(
            select(outbox.c.lane, outbox.c.state, outbox.c.finished_at))).all()
    assert {lane: (state, finished is None) for lane, state, finished in rows} == {
        "mail:delivered": ("delivered", False), "mail:skipped": ("skipped", False),
        "mail:dead": ("dead", False), "mail:postponed": ("pending", True),
        "mail:retried": ("pending", True)}


async def test_a_dispatcher_whose_lease_lapsed_cannot_undo_a_finished_item(
        database: Database, clock: MovableClock) -> None:
    """A's lease lapses while A still sends; B claims the item again; A's send goes through
    and is recorded, then B's answer from Teams says "later": the item stays delivered, the
    lane moves on, and nothing is left waiting."""
    store = SqlOutbox(database, clock)
    await add(store, "mail:a", 0)
    await add(store, "mail:a", 1)
    (slow,) = await store.claim("A", LEASE, 10)
    clock.advance(LEASE * 2)
    (again,) = await store.claim("B", LEASE, 10)
    assert again.id == slow.id
    await store.delivered(slow.id)
    await store.retry_later(again, 429, 1)
    await store.postpone(again, 1)
    await store.dead(again.id, 400)
    clock.advance(timedelta(seconds=2))
    assert lanes_and_numbers(await store.claim("B", LEASE, 10)) == [("mail:a", 1)]
    async with database.connect() as connection:
        state, finished = (await connection.execute(
            select(outbox.c.state, outbox.c.finished_at).where(outbox.c.id == slow.id))).one()
    assert state == "delivered" and finished is not None
    assert (await store.depth()).waiting == 1  # the second item, leased now


async def test_claims_at_once_share_out_the_heads(database: Database,
                                                  clock: MovableClock) -> None:
    """Several dispatchers claiming at the same moment (PostgreSQL, FOR UPDATE SKIP LOCKED):
    no item twice, and never an item behind a head another claim took."""
    if database.dialect != "postgresql":
        pytest.skip("several claims at once need PostgreSQL's row locks")
    store = SqlOutbox(database, clock)
    for n in range(4):
        for lane in range(30):
            await add(store, f"mail:{lane:02}", n)
    claims = await asyncio.gather(*(store.claim(f"w{k}", LEASE, 10) for k in range(6)))
    taken = [item for claim in claims for item in claim]
    assert len({item.id for item in taken}) == len(taken)
    assert all(item.notice.payload["n"] == 0 for item in taken)
    assert len(taken) == 30
