"""Timers in the database, claimed with a lease so any instance can run them and none twice:
FOR UPDATE SKIP LOCKED on PostgreSQL, the write lock (BEGIN IMMEDIATE) on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, insert, or_, select, update

from domain.requests import State
from domain.sla import HOLD_ENDS, SLA_BREACH
from domain.timers import NO_REQUEST, Timer
from storage.database import Database
from storage.tables import requests, timers

_ADD = insert(timers)


class SqlTimers:
    def __init__(self, database: Database, worker: str) -> None:
        self._database = database
        self._worker = worker

    async def schedule(self, kind: str, request_id: int, due_at: datetime,
                       offer_id: int | None = None) -> None:
        async with self._database.begin() as connection:
            await connection.execute(_ADD, {
                "kind": kind, "request_id": request_id, "offer_id": offer_id, "due_at": due_at,
                "leased_by": ""})

    async def schedule_all(self, request_id: int,
                           due: Sequence[tuple[str, datetime]]) -> None:
        if not due:
            return
        async with self._database.begin() as connection:
            await connection.execute(_ADD, [
                {"kind": kind, "request_id": request_id, "offer_id": None, "due_at": due_at,
                 "leased_by": ""} for kind, due_at in due])

    async def once(self, kind: str, request_id: int, now: datetime) -> bool:
        """Record that ``kind`` happened for the request; False if it already had."""
        async with self._database.serialized() as connection:
            seen = await connection.execute(select(timers.c.id).where(
                timers.c.kind == kind, timers.c.request_id == request_id).limit(1))
            if seen.first() is not None:
                return False
            await connection.execute(insert(timers).values(
                kind=kind, request_id=request_id, due_at=now, done_at=now))
            return True

    async def happened(self, kind: str, request_id: int) -> bool:
        async with self._database.connect() as connection:
            seen = await connection.execute(select(timers.c.id).where(
                timers.c.kind == kind, timers.c.request_id == request_id).limit(1))
            return seen.first() is not None

    async def forget(self, kind: str, request_id: int) -> None:
        async with self._database.serialized() as connection:
            await connection.execute(delete(timers).where(
                timers.c.kind == kind, timers.c.request_id == request_id))

    async def cancel(self, request_id: int, kinds: Sequence[str], now: datetime) -> None:
        async with self._database.begin() as connection:
            await connection.execute(update(timers).where(
                timers.c.request_id == request_id, timers.c.kind.in_(list(kinds)),
                timers.c.done_at.is_(None)).values(done_at=now))

    async def schedule_missing_hold_ends(self, hold: timedelta) -> int:
        breach, hold_end = timers.alias("breach"), timers.alias("hold_end")
        ran = exists().where(  # claimed and done: it ran (a cancelled one was never claimed)
            breach.c.request_id == requests.c.id, breach.c.kind == SLA_BREACH,
            breach.c.due_at == requests.c.deadline, breach.c.done_at.is_not(None),
            breach.c.leased_by != "")
        missing = (
            select(requests.c.id, requests.c.deadline)
            .where(requests.c.state == State.AWAITING_FTA, ran,
                   ~exists().where(hold_end.c.request_id == requests.c.id,
                                   hold_end.c.kind == HOLD_ENDS)))
        async with self._database.serialized() as connection:  # instances starting together
            rows = (await connection.execute(missing)).all()
            if rows:
                await connection.execute(_ADD, [
                    {"kind": HOLD_ENDS, "request_id": row.id, "offer_id": None,
                     "due_at": row.deadline + hold, "leased_by": ""} for row in rows])
        return len(rows)

    async def claim_due(self, now: datetime, lease: timedelta = timedelta(minutes=2),
                        limit: int = 20) -> list[Timer]:
        """Lease up to ``limit`` due timers that nobody holds; a crashed holder's lease lapses."""
        due = (select(timers.c.id)
               .where(timers.c.done_at.is_(None), timers.c.due_at <= now,
                      or_(timers.c.lease_until.is_(None), timers.c.lease_until < now))
               .order_by(timers.c.due_at, timers.c.id).limit(limit))
        if self._database.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claim = (update(timers).where(timers.c.id.in_(due.scalar_subquery()))
                 .values(lease_until=now + lease, leased_by=self._worker)
                 .returning(timers.c.id, timers.c.kind, timers.c.request_id,
                            timers.c.offer_id, timers.c.due_at))
        transaction = (self._database.begin() if self._database.dialect == "postgresql"
                       else self._database.serialized())
        async with transaction as connection:
            rows = (await connection.execute(claim)).all()
        return sorted((Timer(r.id, r.kind, r.request_id, r.offer_id, r.due_at)
                       for r in rows), key=lambda t: (t.due_at, t.id))

    async def ensure(self, kind: str, due_at: datetime) -> None:
        async with self._database.serialized() as connection:
            pending = await connection.execute(select(timers.c.id).where(
                timers.c.kind == kind, timers.c.request_id == NO_REQUEST,
                timers.c.done_at.is_(None)).limit(1))
            if pending.first() is None:
                await connection.execute(insert(timers), {
                    "kind": kind, "request_id": NO_REQUEST, "offer_id": None,
                    "due_at": due_at, "leased_by": ""})

    async def complete(self, timer_id: int, now: datetime) -> None:
        async with self._database.begin() as connection:
            await connection.execute(update(timers).where(timers.c.id == timer_id)
                                     .values(done_at=now))
