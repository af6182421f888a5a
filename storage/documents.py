"""Documents with e-tags on SQLAlchemy: a conditional UPDATE on the e-tag is the optimistic
lock, so it holds across instances on PostgreSQL as well as on SQLite."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from domain.documents import ANY, Document, EtagConflict
from storage.database import Database
from storage.tables import bot_state
from storage.upsert import upsert

_READ = select(bot_state.c.key, bot_state.c.content, bot_state.c.e_tag).where(
    bot_state.c.key.in_(bindparam("keys", expanding=True)))
_REPLACE = update(bot_state).where(bot_state.c.key == bindparam("document"),
                                   bot_state.c.e_tag == bindparam("read_e_tag"))


class SqlDocuments:
    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self._database, self._clock = database, clock

    async def read(self, keys: Sequence[str]) -> dict[str, Document]:
        if not keys:
            return {}
        async with self._database.connect() as connection:
            rows = (await connection.execute(_READ, {"keys": list(keys)})).all()
        return {row.key: Document(dict(row.content), row.e_tag) for row in rows}

    async def write(self, key: str, content: dict[str, Any], e_tag: str | None) -> str:
        """No e-tag or ANY: whatever is there is replaced (botbuilder's last writer wins);
        else only the version read is replaced."""
        if e_tag == "":  # what botbuilder's own storages refuse too
            raise EtagConflict("an empty e-tag")
        new = uuid.uuid4().hex
        row = {"key": key, "content": content, "e_tag": new, "updated_at": self._clock()}
        async with self._database.begin() as connection:
            if e_tag is None or e_tag == ANY:
                await connection.execute(*upsert(self._database.dialect, bot_state, row,
                                                 ["key"]))
                return new
            written = await connection.execute(_REPLACE, {
                "document": key, "read_e_tag": e_tag, "content": content, "e_tag": new,
                "updated_at": row["updated_at"]})
            if written.rowcount != 1:
                raise EtagConflict(f"{key} changed since it was read")
        return new

    async def delete(self, keys: Sequence[str]) -> None:
        if keys:
            async with self._database.begin() as connection:
                await connection.execute(delete(bot_state).where(
                    bot_state.c.key.in_(list(keys))))
