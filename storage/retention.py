"""The retention purge: closed requests older than the retention period lose their personal
and customer data (requester, customer, contacts, free text, files, the FTOP record's names),
delivered notices of that age (cards carry names) are deleted, and so is bot state (a seller's
form defaults: account team contacts) not written for that long. Idempotent, so any instance
may run it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from domain.retention import CLOSED, PURGED, purged_record, purged_values
from storage.database import Database
from storage.tables import bot_state, ftop_assignments, outbox, requests

FINISHED = ("delivered", "skipped", "dead")


@dataclass(frozen=True)
class Purged:
    requests: int
    records: int
    notices: int
    states: int


async def purge(database: Database, before: datetime) -> Purged:
    old = (func.coalesce(requests.c.submitted_at, requests.c.created_at) < before)
    due = select(requests.c.id, requests.c["values"]).where(
        old, requests.c.state.in_([s.value for s in CLOSED]),
        requests.c.requester_name != PURGED)
    async with database.begin() as connection:
        rows = (await connection.execute(due)).all()
        for request_id, values in rows:
            await connection.execute(update(requests).where(requests.c.id == request_id).values(
                requester_name=PURGED, requester_email="", values=purged_values(values),
                files={}, answer="", agent_name="", sent_back=None))
        ids = [row.id for row in rows]
        records = (await connection.execute(select(
            ftop_assignments.c.request_id, ftop_assignments.c.document).where(
            ftop_assignments.c.request_id.in_(ids)))).all() if ids else []
        for request_id, document in records:
            await connection.execute(update(ftop_assignments).where(
                ftop_assignments.c.request_id == request_id).values(
                document=purged_record(document)))
        notices = await connection.execute(delete(outbox).where(
            outbox.c.state.in_(FINISHED), outbox.c.created_at < before))
        states = await connection.execute(delete(bot_state).where(
            bot_state.c.updated_at < before))
    return Purged(len(ids), len(records), notices.rowcount, states.rowcount)
