"""The shared send ledger: a reservation takes a place in every key's windows or in none,
reservations from several instances at once never overbook a window, and old rows go."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.rate import Limits
from storage.database import Database, open_database
from storage.send_ledger import SqlSendLedger
from storage.tables import send_ledger
from tests.conftest import MovableClock

CHAT = Limits("conversation:a:chat", ((1, 1.0), (3, 30.0)))
TENANT = Limits("tenant:t", ((2, 1.0),))


async def rows(database: Database) -> int:
    async with database.connect() as connection:
        return int((await connection.execute(
            select(func.count()).select_from(send_ledger))).scalar_one())


async def test_a_full_window_holds_the_send_back_and_takes_no_place_elsewhere(
        database: Database, clock: MovableClock) -> None:
    ledger = SqlSendLedger(database, clock)
    assert await ledger.reserve((CHAT, TENANT)) == {}

    clock.advance(timedelta(seconds=0.4))
    assert await ledger.reserve((CHAT, TENANT)) == {CHAT.key: pytest.approx(0.6)}
    assert await ledger.reserve((TENANT,)) == {}  # the tenant's second place was still free
    assert (await ledger.reserve((TENANT,)))[TENANT.key] == pytest.approx(0.6)


async def test_the_longest_full_window_says_how_long_to_wait(
        database: Database, clock: MovableClock) -> None:
    ledger = SqlSendLedger(database, clock)
    for _ in range(3):
        assert await ledger.reserve((CHAT,)) == {}
        clock.advance(timedelta(seconds=2))
    assert await ledger.reserve((CHAT,)) == {CHAT.key: 30.0 - 6.0}


async def test_instances_reserving_at_once_never_overbook_a_window(
        database: Database, database_url: str, clock: MovableClock) -> None:
    others = [open_database(database_url) for _ in range(2)]  # as other instances would
    try:
        ledgers = [SqlSendLedger(each, clock) for each in (database, *others)]
        busy = Limits("conversation:a:busy", ((7, 1.0),))
        answers = await asyncio.gather(*(ledgers[n % 3].reserve((busy,)) for n in range(30)))
    finally:
        for each in others:
            await each.dispose()
    assert sum(1 for answer in answers if not answer) == 7


async def test_sends_no_window_reaches_back_to_are_pruned(
        database: Database, clock: MovableClock) -> None:
    ledger = SqlSendLedger(database, clock)
    await ledger.reserve((CHAT, TENANT))
    clock.advance(timedelta(seconds=2))
    await ledger.prune()
    assert await rows(database) == 1  # the tenant's send went; the chat's 30 s window holds it
    clock.advance(timedelta(seconds=29))
    await ledger.prune()
    assert await rows(database) == 0
