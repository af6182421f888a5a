"""The async engine and session factory, built by the composition root, never at import."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    create_async_engine,
)

from storage.sqlite_inline import BUSY_TIMEOUT_SECONDS, SqliteConnection, inline_creator

SERIALIZED_LOCK = 0x46_54_41  # "FTA": one lock for every balancing decision
# What the repositories execute their statements on: on a SQLite file, SQLAlchemy's
# synchronous connection driven inline (see SqliteConnection); else its asyncio one.
Connection = AsyncConnection | SqliteConnection


@dataclass
class _Work:
    connection: Connection
    after_commit: list[Callable[[], None]]


# The unit of work the running task is inside, if any.
_unit_of_work: ContextVar[_Work | None] = ContextVar("unit_of_work", default=None)


@dataclass(frozen=True)
class Database:
    engine: AsyncEngine
    # A SQLite file's synchronous engine, for the two connections the bot's turns use.
    sqlite_file: Engine | None = None
    write_gate: asyncio.Lock = field(default_factory=asyncio.Lock, compare=False, repr=False)
    # SQLite's two connections, opened once (see _held): "read" and "write".
    _held: dict[str, Connection] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _autocommit(self) -> AsyncEngine:
        """The engine's connections without a transaction around their statements: each
        statement is its own (on SQLite no BEGIN is issued for them, see _begin_sqlite)."""
        return self.engine.execution_options(isolation_level="AUTOCOMMIT") \
            if self.dialect == "postgresql" else self.engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[None]:
        """One transaction for everything the repositories do inside it, from any of them:
        a state change and the notices it causes commit together or not at all."""
        async with self._work():
            yield

    @staticmethod
    def after_commit(callback: Callable[[], None]) -> None:
        """Run ``callback`` once the running unit of work commits (now, outside of one)."""
        work = _unit_of_work.get()
        if work is None:
            callback()
        elif callback not in work.after_commit:
            work.after_commit.append(callback)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[Connection]:
        """A write transaction: the running unit of work's, or one of its own."""
        async with self._work() as work:
            yield work.connection

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[Connection]:
        """A connection to read with: the running unit of work's, so it sees its own writes;
        else one whose statements run without a transaction around them. That costs nothing
        in consistency (PostgreSQL's READ COMMITTED takes a new snapshot per statement anyway,
        and inline SQLite lets no other task in between two statements) and saves a BEGIN and
        a ROLLBACK per read: two round trips on PostgreSQL."""
        joined = _unit_of_work.get()
        if joined is not None:
            yield joined.connection
            return
        if self.dialect == "sqlite":
            async with self._held_connection("read") as connection:
                yield connection
            return
        async with self._autocommit.connect() as connection:
            yield connection

    @asynccontextmanager
    async def statement(self) -> AsyncIterator[Connection]:
        """A connection for writes that are each one statement, atomic on their own (an
        insert-if-absent, a conditional update): no BEGIN and COMMIT around them, two round
        trips fewer on PostgreSQL. On SQLite they still queue for the write lock here."""
        if _unit_of_work.get() is not None:
            async with self.begin() as connection:
                yield connection
            return
        if self.dialect == "sqlite":  # no transaction open here: the write gate is ours
            async with self._sqlite_writer(), self._held_connection("read") as connection:
                yield connection
            return
        async with self._autocommit.connect() as connection:
            yield connection

    @asynccontextmanager
    async def serialized(self) -> AsyncIterator[Connection]:
        """A transaction no other serialized transaction overlaps, from any instance: an
        advisory lock on PostgreSQL; on SQLite every write transaction is serialized."""
        async with self._work() as work:
            if self.dialect == "postgresql":
                await work.connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                              {"key": SERIALIZED_LOCK})
            yield work.connection

    @asynccontextmanager
    async def _work(self) -> AsyncIterator[_Work]:
        joined = _unit_of_work.get()
        if joined is not None:  # inside a unit of work already: join it
            yield joined
            return
        async with self._sqlite_writer(), self._transaction_connection() as connection:
            work = _Work(connection, [])
            async with connection.begin():
                token = _unit_of_work.set(work)
                try:
                    yield work
                finally:
                    _unit_of_work.reset(token)
        for callback in work.after_commit:
            callback()

    def _transaction_connection(self) -> AbstractAsyncContextManager[Connection]:
        return (self._held_connection("write") if self.dialect == "sqlite"
                else self.engine.connect())

    @asynccontextmanager
    async def _held_connection(self, role: str) -> AsyncIterator[Connection]:
        """One of SQLite's two connections, kept open: taking one from the pool and giving
        it back cost more than most statements (125 us against 95 us, measured). Statements
        run inline (storage/sqlite_inline.py), so tasks never interleave inside one, and the
        write gate admits one transaction at a time: "write" carries the transactions
        (BEGIN IMMEDIATE), "read" everything else, each statement on its own, as autocommit
        SQLite runs it. A connection the database failed on is closed, and opened anew next."""
        connection = self._held.get(role)
        if connection is None:
            connection = await self._open(immediate=role == "write")
            self._held[role] = connection
        try:
            yield connection
        except DBAPIError:
            if self._held.get(role) is connection:
                del self._held[role]
                await connection.close()
            raise

    async def _open(self, immediate: bool) -> Connection:
        if self.sqlite_file is not None:
            return SqliteConnection(self.sqlite_file.connect().execution_options(
                sqlite_immediate=immediate))
        connection = await self.engine.connect()  # SQLite in memory: the asyncio engine's
        return await connection.execution_options(sqlite_immediate=True) if immediate \
            else connection

    @asynccontextmanager
    async def _sqlite_writer(self) -> AsyncIterator[None]:
        """SQLite has one writer at a time. Writers of this process queue here and take the
        write lock (BEGIN IMMEDIATE) in turn, rather than polling it through SQLite's busy
        handler, which sleeps up to 100 ms between tries. Other processes still wait in it."""
        if self.dialect != "sqlite":
            yield
            return
        async with self.write_gate:
            yield

    async def dispose(self) -> None:
        held = list(self._held.values())
        self._held.clear()
        for connection in held:
            await connection.close()
        if self.sqlite_file is not None:
            self.sqlite_file.dispose()
        await self.engine.dispose()


def open_database(url: str) -> Database:
    """Build the engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    # hide_parameters: a failed statement's message would otherwise carry its values (names,
    # customer text) into the logs. No pre-ping: it cost a round trip on every checkout, a
    # fifth of a PostgreSQL turn's time; a connection found dead instead invalidates the pool,
    # and a turn's first statement (its activity-log claim) tries once more on a new one.
    options: dict[str, Any] = {"hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        options = {"connect_args": {"timeout": 30}, "hide_parameters": True}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            options = {"async_creator": inline_creator(parsed.database), "hide_parameters": True}
    else:
        options["pool_size"] = 10
    engine = create_async_engine(url, **options)
    sqlite_file = None
    if "async_creator" in options:  # a SQLite file: the turns' connections are synchronous
        sqlite_file = create_engine(
            f"sqlite:///{parsed.database}", hide_parameters=True,
            connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
    if parsed.get_backend_name() == "sqlite":
        for sync_engine in filter(None, (engine.sync_engine, sqlite_file)):
            event.listen(sync_engine, "connect", _tune_sqlite)
            event.listen(sync_engine, "begin", _begin_sqlite)
    return Database(engine, sqlite_file)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own implicit BEGIN is switched off so _begin_sqlite can choose its kind.
    if dbapi_connection.isolation_level is not None:
        dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    """Write transactions (Database._work) take the write lock at once; anything else runs
    each statement on its own, as SQLite's autocommit mode does (no BEGIN at all)."""
    if connection.get_execution_options().get("sqlite_immediate"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
