"""The shared ledger of recent sends into Teams: a send reserves its place in every window of
its conversation and tenant before it goes, so that the deployment, not each instance, keeps
within Teams' rate limits. Reservations for one key are serialised: by a transaction-level
advisory lock per key on PostgreSQL, by the single writer on SQLite."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Insert,
    Select,
    Text,
    TextClause,
    bindparam,
    delete,
    insert,
    literal,
    select,
    text,
    union_all,
)

from domain.rate import Limits, seconds_until_room
from storage.database import Database
from storage.tables import send_ledger
from storage.types import UtcDateTime

RATE_LOCKS = 0x52_41_54_45  # "RATE": the advisory locks' first key, apart from the others


class SqlSendLedger:
    def __init__(self, database: Database, now: Callable[[], datetime]) -> None:
        self._database, self._now = database, now

    async def reserve(self, limits: Sequence[Limits]) -> dict[str, float]:
        shape = tuple(tuple(limit for limit, _ in each.windows) for each in limits)
        values: dict[str, object] = {}
        async with self._database.begin() as connection:
            if self._database.dialect == "postgresql":
                locks = sorted({_lock_id(each.key) for each in limits})
                await connection.execute(_locking(len(locks)),
                                         {f"lock_{n}": lock for n, lock in enumerate(locks)})
            now = self._now()  # after the lock: the sends it let in before us are in the past
            values["now"] = now
            for i, each in enumerate(limits):
                values[f"key_{i}"] = each.key
                values[f"expires_{i}"] = now + timedelta(
                    seconds=max(seconds for _, seconds in each.windows))
                for j, (_, seconds) in enumerate(each.windows):
                    values[f"since_{i}_{j}"] = now - timedelta(seconds=seconds)
            taken = await connection.execute(_reserving(shape), values)
            if taken.rowcount == len(limits):
                return {}
            # A window was full: which, and until when (the lock is still ours).
            newest = (await connection.execute(_blocking(shape), values)).one()
        # Never "go" unreserved: should the windows read as free after all, try again shortly.
        return _waits(limits, newest, now) or {limits[0].key: 0.01}

    async def prune(self) -> None:
        async with self._database.statement() as connection:
            await connection.execute(_PRUNE, {"now": self._now()})


_PRUNE = delete(send_ledger).where(send_ledger.c.expires_at < bindparam("now"))


def _waits(limits: Sequence[Limits], newest: Sequence[datetime | None],
           now: datetime) -> dict[str, float]:
    """For each key with a full window, the seconds until it has room."""
    waits: dict[str, float] = {}
    column = 0
    for each in limits:
        ages = [None if sent is None else (now - sent).total_seconds()
                for sent in newest[column:column + len(each.windows)]]
        column += len(each.windows)
        wait = seconds_until_room(each.windows, ages)
        if wait > 0:
            waits[each.key] = wait
    return waits


@cache
def _blocking(shape: tuple[tuple[int, ...], ...]) -> Select[Any]:
    """One row: for each key and window, the send that fills the window (its limit-th newest
    inside it), or NULL while it has room. Each is one backward walk of the key's index."""
    columns = [
        select(send_ledger.c.sent_at)
        .where(send_ledger.c.key == bindparam(f"key_{i}"),
               send_ledger.c.sent_at > bindparam(f"since_{i}_{j}"))
        .order_by(send_ledger.c.sent_at.desc()).offset(limit - 1).limit(1)
        .scalar_subquery().label(f"w_{i}_{j}")
        for i, limits in enumerate(shape) for j, limit in enumerate(limits)]
    return select(*columns)


@cache
def _reserving(shape: tuple[tuple[int, ...], ...]) -> Insert:
    """One row a key, written only when every window of every key has room: the common case
    costs one statement."""
    room = select(literal(1).label("room")).where(
        *(column.is_(None) for column in _blocking(shape).selected_columns)).subquery("room")
    rows = union_all(*(
        select(bindparam(f"key_{i}", type_=Text), bindparam("now", type_=UtcDateTime),
               bindparam(f"expires_{i}", type_=UtcDateTime)).select_from(room)
        for i in range(len(shape))))
    return insert(send_ledger).from_select(["key", "sent_at", "expires_at"], rows)


@cache
def _locking(count: int) -> TextClause:
    """Take the keys' locks in one order (their ids sorted), so two reservations never wait
    for each other's second lock."""
    locks = ", ".join(f"pg_advisory_xact_lock({RATE_LOCKS}, :lock_{n})" for n in range(count))
    return text(f"SELECT {locks}")


def _lock_id(key: str) -> int:
    """A key's lock, a signed 32-bit number: two keys that share one only wait for each other."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big",
                          signed=True)
