"""SQLite in the event loop's own thread: the turns' two connections are SQLAlchemy's
synchronous ones, driven inline (`SqliteConnection`); the asyncio engine (migrations, health
checks, tests) gets an inline connection behind the interface its aiosqlite dialect drives
(its documented `async_creator` hook).

aiosqlite runs every statement on a thread of its own and hands the answer back through the
event loop: about 0.4 ms a statement when measured here, and far more under load, because the
answer waits for the loop's next turn. A request turn makes twenty statements, and SQLite has
one writer at a time, so that hand-off set the write throughput of the whole bot. A statement
on SQLite itself takes microseconds (WAL, synchronous=NORMAL: no fsync on commit), so it runs
inline. Two costs stay on the loop and are bounded: another *process* holding the write lock
(busy_timeout, a few seconds at worst; the bot's own writers queue in Database), and the WAL
checkpoint every 1,000 pages. Several instances belong on PostgreSQL, not on one SQLite file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVarTuple, overload

from sqlalchemy import Connection, CursorResult, Dialect, Executable

if TYPE_CHECKING:
    from sqlalchemy.sql.selectable import TypedReturnsRows

_Ts = TypeVarTuple("_Ts")

BUSY_TIMEOUT_SECONDS = 5.0


class SqliteConnection:
    """A SQLAlchemy `Connection` (the synchronous pysqlite dialect) driven from the event
    loop, with the part of `AsyncConnection` the repositories use. Statements run inline
    either way; what this drops is SQLAlchemy's asyncio adaptation around each one (greenlet
    switches, adapter cursors): 18 us of the 29 us a select by primary key took, measured."""

    def __init__(self, connection: Connection) -> None:
        self.sync_connection = connection

    @property
    def dialect(self) -> Dialect:
        return self.sync_connection.dialect

    @overload
    async def execute(self, statement: TypedReturnsRows[*_Ts],
                      parameters: Any = None) -> CursorResult[*_Ts]: ...

    @overload
    async def execute(self, statement: Executable,
                      parameters: Any = None) -> CursorResult[*tuple[Any, ...]]: ...

    async def execute(self, statement: Executable,
                      parameters: Any = None) -> CursorResult[*tuple[Any, ...]]:
        return self.sync_connection.execute(statement, parameters)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[None]:
        with self.sync_connection.begin():
            yield

    async def close(self) -> None:
        self.sync_connection.close()


class _Cursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> _Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> _Cursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> _Cursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """What SQLAlchemy's aiosqlite adapter uses of an aiosqlite.Connection, done inline."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # None once closed

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> _Cursor:
        return _Cursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> _Cursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        self._conn.close()
        self._connection = None


def inline_creator(path: str) -> Callable[[], Awaitable[InlineConnection]]:
    """An `async_creator` for create_async_engine: a connection in autocommit mode (BEGIN is
    issued by Database's listener), usable from whichever thread runs the loop."""

    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS,
                                                isolation_level=None, check_same_thread=False))

    return connect
