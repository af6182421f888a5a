"""The built-in FTOP gateway: Enterprise Assignments kept in the bot's own database, as the
same JSON document the HTTP gateway sends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from domain.ftop import (
    EnterpriseAssignment,
    FtaEntry,
    FtopTask,
    InternalCall,
    Review,
    StaleRecord,
    TaskState,
    TenantEntry,
)
from storage.database import Database
from storage.tables import ftop_assignments as table
from storage.upsert import insert_if_absent

# Over the version it was read at only: a withdrawal and an FTA's action that read the same
# version cannot both be stored, the second would overwrite the first unseen.
_STORE_OVER = update(table).where(
    table.c.request_id == bindparam("seen_request"), table.c.version == bindparam("seen")
).values(version=table.c.version + 1)


class SqlFtopGateway:
    def __init__(self, database: Database,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._database, self._clock = database, clock  # the app's: retention reads the time

    async def record(self, assignment: EnterpriseAssignment) -> None:
        """Store it new, or over the version it was read at; StaleRecord if that moved on."""
        document, now = to_json(assignment), self._clock()
        async with self._database.begin() as connection:
            if assignment.version == 0:
                stored = await connection.execute(
                    insert_if_absent(self._database.dialect, table, ("request_id",)),
                    {"request_id": assignment.request_id, "document": document,
                     "updated_at": now, "version": 1})
            else:
                stored = await connection.execute(_STORE_OVER, {
                    "seen_request": assignment.request_id, "seen": assignment.version,
                    "document": document, "updated_at": now})
        if stored.rowcount != 1:
            raise StaleRecord(assignment.request_number)
        assignment.version += 1  # stored again by its holder, it is over this version

    async def get(self, request_id: int) -> EnterpriseAssignment | None:
        async with self._database.connect() as connection:
            row = (await connection.execute(select(table.c.document, table.c.version).where(
                table.c.request_id == request_id))).first()
        if row is None or not row.document:
            return None
        found = from_json(row.document)
        found.version = row.version
        return found


def to_json(assignment: EnterpriseAssignment) -> dict[str, Any]:
    return {
        "request_id": assignment.request_id, "request": assignment.request_number,
        "request_type": assignment.request_type, "customer": assignment.customer,
        "fta": {"id": assignment.fta_id, "name": assignment.fta_name},
        "assigned_at": assignment.assigned_at.isoformat(),
        "production_tenant": assignment.tenant.value,
        "tenant_is_placeholder": assignment.tenant.placeholder,
        "tenant_history": [{"value": t.value, "placeholder": t.placeholder, "by": t.by,
                            "at": t.at.isoformat()} for t in assignment.tenants],
        "tasks": [{"id": t.task_id, "name": t.name, "mandatory": t.mandatory,
                   "state": t.state.value, "by": t.by, "reason": t.reason,
                   "at": t.at.isoformat() if t.at else None} for t in assignment.tasks],
        "reviews": [{"kind": r.kind, "outcome": r.outcome, "by": r.by, "at": r.at.isoformat(),
                     "detail": r.detail} for r in assignment.reviews],
        "internal_call": None if assignment.call is None else {
            "meeting_id": assignment.call.meeting_id, "start": assignment.call.start.isoformat(),
            "join_url": assignment.call.join_url,
            "alternatives": [a.isoformat() for a in assignment.call.alternatives]},
        "account_post": list(assignment.account_post) if assignment.account_post else None,
        "fta_history": [{"id": f.fta_id, "name": f.fta_name, "since": f.since.isoformat(),
                         "by": f.by, "reason": f.reason} for f in assignment.ftas],
    }


def from_json(document: dict[str, Any]) -> EnterpriseAssignment:
    def when(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    return EnterpriseAssignment(
        request_id=document["request_id"], request_number=document["request"],
        request_type=document["request_type"], customer=document["customer"],
        fta_id=document["fta"]["id"], fta_name=document["fta"]["name"],
        assigned_at=datetime.fromisoformat(document["assigned_at"]),
        tenants=[TenantEntry(t["value"], t["placeholder"], t["by"],
                             datetime.fromisoformat(t["at"]))
                 for t in document["tenant_history"]],
        tasks=[FtopTask(t["id"], t["mandatory"], TaskState(t["state"]), t["by"], when(t["at"]),
                        t["reason"]) for t in document["tasks"]],
        reviews=[Review(r["kind"], r["outcome"], r["by"], datetime.fromisoformat(r["at"]),
                        r["detail"]) for r in document["reviews"]],
        call=_call(document.get("internal_call")),
        account_post=tuple(document["account_post"]) if document.get("account_post")
        else None,
        ftas=[FtaEntry(f["id"], f["name"], datetime.fromisoformat(f["since"]), f["by"],
                       f["reason"]) for f in document.get("fta_history") or []])


def _call(raw: dict[str, Any] | None) -> InternalCall | None:
    if not raw:
        return None
    return InternalCall(raw["meeting_id"], datetime.fromisoformat(raw["start"]),
                        raw["join_url"],
                        tuple(datetime.fromisoformat(a) for a in raw["alternatives"]))
