"""Fixtures shared by the suites: databases (SQLite always, PostgreSQL when configured),
the fake Teams connector, and the real app served over HTTP."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, insert, make_url, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from settings import Settings
from storage import migrate
from storage.database import Database, open_database
from tests.support.connector import FakeConnector


def _own_database(url: str) -> str:
    """``url``, or under pytest-xdist a database of this worker's own beside it (test_gw0,
    test_gw1, ...; made the first time), so that workers never empty each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    shared = make_url(url)
    own = shared.set(database=f"{shared.database}_{worker}")

    async def create_if_missing() -> None:
        engine = create_async_engine(shared, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                found = await connection.scalar(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"),
                    {"name": own.database})
                if not found:
                    await connection.execute(text(f'CREATE DATABASE "{own.database}"'))
        finally:
            await engine.dispose()

    try:
        asyncio.run(create_if_missing())
    except (OSError, SQLAlchemyError) as error:
        raise pytest.UsageError(f"TEST_DATABASE_URL is set, but this worker's database "
                                f"{own.database} could not be made there: {error}") from error
    return own.render_as_string(hide_password=False)


POSTGRES_URL = _own_database(os.environ.get("TEST_DATABASE_URL", ""))
FTCHELP_CHANNEL = "19:ftchelp@thread.tacv2"
MANAGERS_CHANNEL = "19:fta-managers@thread.tacv2"
ACCOUNT_TEAM_CHANNEL = "19:atu-enterprise-na@thread.tacv2"
FIXED_NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")),
]


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    return POSTGRES_URL


async def reset_postgres(url: str) -> None:
    """Leave the PostgreSQL database at ``url`` empty: no tables, no migrations."""
    database = open_database(url)
    async with database.engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await database.dispose()


async def empty_database(url: str) -> None:
    """Leave the database at ``url`` at the newest migration, holding only the rows the
    migrations themselves put in, as a fresh install has it. Migrating costs a PostgreSQL test
    0.4 s, so it is done once: a migrated PostgreSQL database is emptied table by table
    (0.04 s), and a new SQLite file is a copy of one migrated at the start of the run."""
    if url.startswith("sqlite"):
        _copy_migrated_sqlite(Path(make_url(url).database or ""))
        return
    database = open_database(url)
    try:
        async with database.engine.begin() as connection:
            if _migrated.tables and await connection.run_sync(_at_newest_migration):
                await connection.run_sync(_migrated.restore)
                return
    finally:
        await database.dispose()
    await reset_postgres(url)
    database = open_database(url)
    try:
        await migrate.upgrade(database)
        async with database.engine.connect() as connection:
            await connection.run_sync(_migrated.remember)
    finally:
        await database.dispose()


class _MigratedContent:
    """Every table of a freshly migrated PostgreSQL database, and the rows the migrations put
    in, read once a run."""

    def __init__(self) -> None:
        self.tables: list[str] = []
        self.seeds: list[tuple[Table, list[dict[str, Any]]]] = []

    def remember(self, connection: Connection) -> None:
        metadata = MetaData()
        metadata.reflect(connection)
        self.tables = [name for name in metadata.tables if name != "alembic_version"]
        self.seeds = [(table, [dict(row) for row in connection.execute(select(table)).mappings()])
                      for name, table in metadata.tables.items() if name in self.tables]
        self.seeds = [(table, rows) for table, rows in self.seeds if rows]

    def restore(self, connection: Connection) -> None:
        names = ", ".join(f'"{name}"' for name in self.tables)
        # a connection some test left in a transaction would hold the worker here for ever
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        for table, rows in self.seeds:
            connection.execute(insert(table), rows)


_migrated = _MigratedContent()


def _at_newest_migration(connection: Connection) -> bool:
    current = MigrationContext.configure(connection).get_current_revision()
    return current == migrate.newest_revision()


def _copy_migrated_sqlite(path: Path) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_migrated_sqlite_file(), path)


@cache
def _migrated_sqlite_file() -> Path:
    """A SQLite file at the newest migration, made once a run (in a thread of its own: the
    caller may be inside the test's event loop)."""
    folder = tempfile.mkdtemp(prefix="migrated-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / "migrated.db"

    async def migrated() -> None:
        database = open_database(f"sqlite+aiosqlite:///{path}")
        try:
            await migrate.upgrade(database)
        finally:
            await database.dispose()

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, migrated()).result()
    return path


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    await empty_database(database_url)
    opened = open_database(database_url)
    yield opened
    await opened.dispose()


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.close()


class MovableClock:
    """The app's clock in tests: starts at FIXED_NOW and moves only when told."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    # The worker is ticked by the tests themselves, never by its own loop; it serves the
    # waiting queue at every tick (tests/integration/test_lookahead_over_http.py turns the
    # look-ahead's re-match, the default, on). The weekly digest is off but where tested
    # (tests/integration/test_weekly_digest.py): tests that move the clock past a Monday
    # count the managers' channel's cards.
    return Settings(database_url=database_url, default_timezone="Europe/Paris",
                    lookahead_minutes=0, weekly_digest=False,
                    ftchelp_channel_id=FTCHELP_CHANNEL, managers_channel_id=MANAGERS_CHANNEL,
                    account_team_channels=(("enterprise/NA", ACCOUNT_TEAM_CHANNEL),),
                    worker_interval_seconds=3600, outbox_max_attempts=3,
                    outbox_backoff_seconds=0.01)


@pytest.fixture
async def bot(aiohttp_client, settings: Settings, database_url: str,  # type: ignore[no-untyped-def]
              clock: MovableClock):
    """The real app (adapter, handler, storage) served on loopback, clock fixed."""
    from app import create_app

    await empty_database(database_url)
    return await aiohttp_client(create_app(settings, clock=clock))
