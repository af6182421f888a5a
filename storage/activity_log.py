"""The activity log: each activity is claimed once (a retry from Teams finds the claim and the
first answer), and each claim is a line of the audit log: who, what, on which request, when,
from which activity, and how it ended."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, select, update

from domain.operations import Entry, Handled
from storage.database import Database
from storage.tables import activity_log as table
from storage.upsert import insert_if_absent

RUNNING = "running"
KEY = ("conversation_id", "activity_id")
ABANDONED_AFTER = timedelta(seconds=60)  # a claim this old with no end: its process died


class SqlActivityLog:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def claim(self, entry: Entry, now: datetime) -> Handled | None:
        row = {"conversation_id": entry.conversation_id, "activity_id": entry.activity_id,
               "actor": entry.actor[:200], "action": entry.action[:80],
               "subject": entry.subject, "outcome": RUNNING, "started_at": now}
        claim = insert_if_absent(self._database.dialect, table, KEY)
        async with self._database.begin() as connection:
            if (await connection.execute(claim, row)).rowcount == 1:
                return None
            found = (await connection.execute(select(table.c.outcome, table.c.response,
                                                     table.c.started_at)
                                              .where(_key(entry)))).first()
            if found is None:
                return None
            if found.outcome == RUNNING and found.started_at < now - ABANDONED_AFTER:
                taken = await connection.execute(update(table).where(
                    _key(entry), table.c.outcome == RUNNING,
                    table.c.started_at == found.started_at).values(started_at=now))
                if taken.rowcount == 1:
                    return None
            return Handled(found.outcome, found.response)

    async def finish(self, entry: Entry, outcome: str, response: dict[str, Any] | None,
                     now: datetime) -> None:
        async with self._database.begin() as connection:
            await connection.execute(update(table).where(_key(entry)).values(
                outcome=outcome, response=response, finished_at=now))

    async def release(self, entry: Entry) -> None:
        async with self._database.begin() as connection:
            await connection.execute(delete(table).where(_key(entry),
                                                         table.c.outcome == RUNNING))

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


def _key(entry: Entry) -> Any:
    return and_(table.c.conversation_id == entry.conversation_id,
                table.c.activity_id == entry.activity_id)
