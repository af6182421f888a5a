"""The activity log: each activity is claimed once (a retry from Teams finds the claim and the
first answer), and each claim is a line of the audit log: who, what, on which request, when,
from which activity, and how it ended."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, select, update
from sqlalchemy.exc import DBAPIError

from domain.operations import Entry, Handled
from storage.database import Database
from storage.tables import activity_log as table
from storage.upsert import insert_if_absent

log = logging.getLogger(__name__)
RUNNING = "running"
KEY = ("conversation_id", "activity_id")
ABANDONED_AFTER = timedelta(seconds=60)  # a claim this old with no end: its process died
_KEY = and_(table.c.conversation_id == bindparam("conversation"),
            table.c.activity_id == bindparam("activity"))
_FOUND = select(table.c.outcome, table.c.response, table.c.started_at).where(_KEY)
_RETAKE = update(table).where(_KEY, table.c.outcome == RUNNING,
                              table.c.started_at == bindparam("started_before"))
_FINISH = update(table).where(_KEY)
_RELEASE = delete(table).where(_KEY, table.c.outcome == RUNNING)


class SqlActivityLog:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def claim(self, entry: Entry, now: datetime) -> Handled | None:
        """None if the activity is this turn's to run; else how its first delivery ended.
        As a turn's first statement, it is where a pooled connection the database dropped
        (a restart, a failover) shows: then it tries once more, on a new connection."""
        try:
            return await self._claim(entry, now)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            log.warning("database connection was dropped; claiming on a new one")
            return await self._claim(entry, now)

    async def _claim(self, entry: Entry, now: datetime) -> Handled | None:
        row = {"conversation_id": entry.conversation_id, "activity_id": entry.activity_id,
               "actor": entry.actor[:200], "action": entry.action[:80],
               "subject": entry.subject, "outcome": RUNNING, "started_at": now}
        claim = insert_if_absent(self._database.dialect, table, KEY)
        # Each statement is atomic on its own (insert if absent; retake only what is unchanged)
        async with self._database.statement() as connection:
            if (await connection.execute(claim, row)).rowcount == 1:
                return None
            found = (await connection.execute(_FOUND, _key(entry))).first()
            if found is None:
                return None
            if found.outcome == RUNNING and found.started_at < now - ABANDONED_AFTER:
                taken = await connection.execute(_RETAKE, {
                    **_key(entry), "started_before": found.started_at, "started_at": now})
                if taken.rowcount == 1:
                    return None
            return Handled(found.outcome, found.response)

    async def finish(self, entry: Entry, outcome: str, response: dict[str, Any] | None,
                     now: datetime) -> None:
        async with self._database.statement() as connection:
            await connection.execute(_FINISH, {**_key(entry), "outcome": outcome,
                                               "response": response, "finished_at": now})

    async def release(self, entry: Entry) -> None:
        async with self._database.statement() as connection:
            await connection.execute(_RELEASE, _key(entry))

    async def record(self, entry: Entry, outcome: str, now: datetime) -> None:
        """An audit line for a change no activity caused (the worker's time-outs, say)."""
        async with self._database.begin() as connection:
            await connection.execute(insert_if_absent(self._database.dialect, table, KEY), {
                "conversation_id": entry.conversation_id, "activity_id": entry.activity_id,
                "actor": entry.actor, "action": entry.action, "subject": entry.subject,
                "outcome": outcome, "started_at": now, "finished_at": now})

    async def for_request(self, request_id: int) -> list[dict[str, Any]]:
        """The audit trail of one request, oldest first."""
        query = (select(table.c.actor, table.c.action, table.c.outcome, table.c.activity_id,
                        table.c.started_at).where(table.c.subject == request_id)
                 .order_by(table.c.started_at))
        async with self._database.connect() as connection:
            return [dict(row) for row in (await connection.execute(query)).mappings()]


def _key(entry: Entry) -> dict[str, str]:
    return {"conversation": entry.conversation_id, "activity": entry.activity_id}
