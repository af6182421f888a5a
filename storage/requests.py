"""Requests in SQL: rows to domain objects and back, saved with an optimistic version check."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, insert, select, update

from domain.requests import FtaRequest, ReceivedFile, Requester, StaleRequest, State
from storage.database import Database
from storage.tables import requests as table


class SqlRequestRepository:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, request: FtaRequest) -> FtaRequest:
        async with self._database.begin() as connection:
            result = await connection.execute(insert(table).returning(table.c.id),
                                              _row(request))
            return replace(request, id=result.scalar_one())

    async def get(self, request_id: int) -> FtaRequest | None:
        found = await self._select(table.c.id == request_id)
        return found[0] if found else None

    async def save(self, request: FtaRequest) -> None:
        statement = (update(table)
                     .where(table.c.id == request.id, table.c.version == request.version)
                     .values({**_row(request), "version": request.version + 1}))
        async with self._database.begin() as connection:
            if (await connection.execute(statement)).rowcount != 1:
                raise StaleRequest(request.number)
        request.version += 1

    async def draft_of(self, requester_id: str) -> FtaRequest | None:
        found = await self._select((table.c.requester_id == requester_id)
                                   & (table.c.state == State.DRAFT), limit=1)
        return found[0] if found else None

    async def list_of(self, requester_id: str, limit: int = 20) -> list[FtaRequest]:
        return await self._select(table.c.requester_id == requester_id, limit=limit)

    async def _select(self, condition: ColumnElement[bool], limit: int = 1) -> list[FtaRequest]:
        query = select(table).where(condition).order_by(table.c.id.desc()).limit(limit)
        async with self._database.connect() as connection:
            rows = (await connection.execute(query)).mappings().all()
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
        agent_id=row["agent_id"], agent_name=row["agent_name"], answer=row["answer"])
