"""The roster in SQL; an import replaces it whole, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, delete, insert, select, update

from domain.roster import Absence, Architect, RosterIndex
from storage.database import Connection, Database
from storage.tables import architects as table
from storage.tables import roster_version

# Built once, values bound per call (see storage/requests.py): an acting FTA is looked up on
# every offer answered.
_BY_ID = select(table).where(table.c.id == bindparam("key")).limit(1)
_BY_AAD_ID = select(table).where(table.c.aad_id == bindparam("key")).limit(1)


class SqlRoster:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def all(self) -> list[Architect]:
        async with self._database.connect() as connection:
            rows = (await connection.execute(select(table).order_by(table.c.id))).mappings()
            return [architect_from(row) for row in rows]

    async def get(self, architect_id: str) -> Architect | None:
        return await self._one(_BY_ID, architect_id)

    async def by_aad_id(self, aad_id: str) -> Architect | None:
        return await self._one(_BY_AAD_ID, aad_id)

    async def _one(self, query: Select[Any], key: str) -> Architect | None:
        async with self._database.connect() as connection:
            row = (await connection.execute(query, {"key": key})).mappings().first()
        return architect_from(row) if row else None

    async def replace_all(self, architects: Iterable[Architect]) -> int:
        rows = [row_of(a) for a in architects]
        async with self._database.begin() as connection:
            await connection.execute(delete(table))
            if rows:
                await connection.execute(insert(table), rows)
            await _changed(connection)
        return len(rows)

    async def save(self, architect: Architect) -> None:
        async with self._database.begin() as connection:
            await connection.execute(update(table).where(table.c.id == architect.id)
                                     .values(row_of(architect)))
            await _changed(connection)


# The roster's version, as a column of another read (see storage/assignments.py).
VERSION_COLUMN = select(roster_version.c.version).scalar_subquery().label("roster_version")


class RosterCache:
    """The roster's (segment, region) index, rebuilt only when the roster's version moved."""

    def __init__(self) -> None:
        self._version, self._index = -1, RosterIndex([])

    async def index(self, connection: Connection, version: int | None) -> RosterIndex:
        """The index as of the roster's ``version`` (VERSION_COLUMN, read by the caller with
        its other reads; None before any import)."""
        version = version or 0
        if version != self._version:
            rows = (await connection.execute(select(table))).mappings()
            self._index, self._version = RosterIndex([architect_from(r) for r in rows]), version
        return self._index


async def _changed(connection: Connection) -> None:
    await connection.execute(update(roster_version).values(version=roster_version.c.version + 1))


def row_of(architect: Architect) -> dict[str, Any]:
    return {"id": architect.id, "name": architect.name, "email": architect.email,
            "aad_id": architect.aad_id, "teams_user_id": architect.teams_user_id,
            "manager": architect.manager, "skills": dict(architect.skills),
            "segments": sorted(architect.segments), "regions": sorted(architect.regions),
            "languages": sorted(architect.languages), "timezone": architect.timezone,
            "holiday_country": architect.holiday_country,
            "holiday_subdivision": architect.holiday_subdivision,
            "capacity": architect.capacity, "active": architect.active,
            "out_of_office": [[a.start.isoformat(), a.end.isoformat()]
                              for a in architect.out_of_office]}


def architect_from(row: Any) -> Architect:
    return Architect(
        id=row["id"], name=row["name"], capacity=row["capacity"], email=row["email"],
        aad_id=row["aad_id"], teams_user_id=row["teams_user_id"], manager=row["manager"],
        skills=dict(row["skills"]), segments=frozenset(row["segments"]),
        regions=frozenset(row["regions"]), languages=frozenset(row["languages"]),
        timezone=row["timezone"], holiday_country=row["holiday_country"],
        holiday_subdivision=row["holiday_subdivision"], active=bool(row["active"]),
        out_of_office=tuple(Absence(date.fromisoformat(a), date.fromisoformat(b))
                            for a, b in row["out_of_office"]))
