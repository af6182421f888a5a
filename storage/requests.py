"""Requests in SQL: rows to domain objects and back, saved with an optimistic version check.

The statements a turn runs are built once, their values bound per call: SQLAlchemy then finds
the compiled statement by a cache key it already holds, instead of walking a new statement
tree for its key on every call (half the cost of a statement, measured)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select, update

from domain.requests import (
    Extension,
    FtaRequest,
    ReceivedFile,
    Requester,
    SentBack,
    StaleRequest,
    State,
    request_number,
)
from storage.database import Database
from storage.tables import card_posts, outbox, request_numbers
from storage.tables import requests as table

_NEWEST_FIRST = select(table).order_by(table.c.id.desc())
REQUEST_BY_ID = select(table).where(table.c.id == bindparam("request_id"))
_DRAFT_OF = _NEWEST_FIRST.where(table.c.requester_id == bindparam("requester_id"),
                                table.c.state == State.DRAFT.value).limit(1)
_ALL_OF_REQUESTER = _NEWEST_FIRST.where(table.c.requester_id == bindparam("requester_id")) \
    .limit(bindparam("limit"))
_OF_REQUESTER = _ALL_OF_REQUESTER.where(table.c.state != State.CANCELLED.value)
# Open tickets whose card was neither posted nor queued to be (the FTCHelp channel could not
# be addressed then): a ticket post that went and died is not tried again.
_TICKET = "ticket"
_UNPOSTED_TICKETS = (
    select(table.c.id)
    .where(table.c.state == State.FTCHELP_OPEN.value,
           table.c.id.not_in(select(card_posts.c.request_id)
                             .where(card_posts.c.role == _TICKET)),
           table.c.id.not_in(select(outbox.c.request_id)
                             .where(outbox.c.role == _TICKET, outbox.c.request_id.is_not(None))))
    .order_by(table.c.submitted_at, table.c.id).limit(bindparam("limit")))
# The FTCHelp agents who took or answered a ticket, most recent first: whom a ticket may be
# transferred to from its card (the desk tab lists the channel's members).
_TICKET_AGENTS = (select(table.c.agent_id, table.c.agent_name, func.max(table.c.id))
                  .where(table.c.state.in_([State.FTCHELP_ASSIGNED.value, State.RESOLVED.value]),
                         table.c.agent_id != "")
                  .group_by(table.c.agent_id, table.c.agent_name)
                  .order_by(func.max(table.c.id).desc()).limit(bindparam("limit")))
_ADD = insert(table).returning(table.c.id)
_BY_NUMBER = select(table).where(table.c.number == bindparam("number"))
_NEXT_NUMBER = update(request_numbers).where(request_numbers.c.id == 1).values(
    last=request_numbers.c.last + 1).returning(request_numbers.c.last)
_SAVE = update(table).where(table.c.id == bindparam("request_id"),
                            table.c.version == bindparam("read_version"))


class SqlRequestRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, request: FtaRequest) -> FtaRequest:
        async with self._database.begin() as connection:
            result = await connection.execute(_ADD, _row(request))
            return replace(request, id=result.scalar_one())

    async def get(self, request_id: int) -> FtaRequest | None:
        found = await self._select(REQUEST_BY_ID, request_id=request_id)
        return found[0] if found else None

    async def save(self, request: FtaRequest) -> None:
        values = {**_row(request), "version": request.version + 1,
                  "request_id": request.id, "read_version": request.version}
        async with self._database.begin() as connection:
            if (await connection.execute(_SAVE, values)).rowcount != 1:
                raise StaleRequest(request.number)
        request.version += 1

    async def by_number(self, number: str) -> FtaRequest | None:
        found = await self._select(_BY_NUMBER, number=number)
        return found[0] if found else None

    async def issue_number(self, now: datetime) -> str:
        async with self._database.begin() as connection:  # the submission's own transaction
            serial = (await connection.execute(_NEXT_NUMBER)).scalar_one()
        return request_number(now.year, serial)

    async def draft_of(self, requester_id: str) -> FtaRequest | None:
        found = await self._select(_DRAFT_OF, requester_id=requester_id)
        return found[0] if found else None

    async def list_of(self, requester_id: str, limit: int = 20,
                      with_cancelled: bool = False) -> list[FtaRequest]:
        query = _ALL_OF_REQUESTER if with_cancelled else _OF_REQUESTER
        return await self._select(query, requester_id=requester_id, limit=limit)

    async def unposted_tickets(self, limit: int = 50) -> list[int]:
        async with self._database.connect() as connection:
            return list((await connection.execute(_UNPOSTED_TICKETS, {"limit": limit})
                         ).scalars())

    async def ticket_agents(self, limit: int = 50) -> list[tuple[str, str]]:
        async with self._database.connect() as connection:
            rows = (await connection.execute(_TICKET_AGENTS, {"limit": limit})).all()
        seen: dict[str, str] = {}
        for agent_id, name, _ in rows:
            seen.setdefault(agent_id, name)
        return list(seen.items())

    async def _select(self, query: Select[Any], **values: Any) -> list[FtaRequest]:
        async with self._database.connect() as connection:
            rows = (await connection.execute(query, values)).mappings().all()
        return [request_from(row) for row in rows]


def _row(request: FtaRequest) -> dict[str, Any]:
    return {
        "requester_id": request.requester.id, "requester_name": request.requester.name,
        "requester_timezone": request.requester.timezone,
        "requester_country": request.requester.country,
        "requester_email": request.requester.email, "type_key": request.type_key,
        "values": request.values, "state": request.state.value, "version": request.version,
        "files": {slot: {"name": f.name, "url": f.url} for slot, f in request.files.items()},
        "created_at": request.created_at, "submitted_at": request.submitted_at,
        "deadline": request.deadline, "agent_id": request.agent_id,
        "agent_name": request.agent_name, "answer": request.answer,
        "first_submitted_at": request.first_submitted_at,
        "number": request.issued_number or None,
        "sent_back": None if request.sent_back is None else {
            "kind": request.sent_back.kind, "reason": request.sent_back.reason,
            "by": request.sent_back.by, "at": request.sent_back.at.isoformat()},
        "extensions": [{"from": e.from_.isoformat(), "to": e.to.isoformat(), "reason": e.reason,
                        "by": e.by, "at": e.at.isoformat()} for e in request.extensions],
    }


def request_from(row: Any) -> FtaRequest:
    return FtaRequest(
        id=row["id"], requester=Requester(row["requester_id"], row["requester_name"],
                                          row["requester_timezone"], row["requester_country"],
                                          row["requester_email"]),
        created_at=row["created_at"], type_key=row["type_key"],
        values=dict(row["values"]),
        files={slot: ReceivedFile(**f) for slot, f in row["files"].items()},
        state=State(row["state"]), version=row["version"],
        submitted_at=row["submitted_at"], deadline=row["deadline"],
        agent_id=row["agent_id"], agent_name=row["agent_name"], answer=row["answer"],
        first_submitted_at=row["first_submitted_at"], sent_back=_sent_back(row["sent_back"]),
        issued_number=row["number"] or "", extensions=_extensions(row["extensions"]))


def _extensions(raw: list[dict[str, str]] | None) -> list[Extension]:
    return [Extension(datetime.fromisoformat(e["from"]), datetime.fromisoformat(e["to"]),
                      e["reason"], e["by"], datetime.fromisoformat(e["at"])) for e in raw or []]


def _sent_back(raw: dict[str, str] | None) -> SentBack | None:
    if not raw:
        return None
    return SentBack(raw["kind"], raw["reason"], raw["by"], datetime.fromisoformat(raw["at"]))
