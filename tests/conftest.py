"""Fixtures shared by the suites: databases (SQLite always, PostgreSQL when configured),
the fake Teams connector, and the real app served over HTTP."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from settings import Settings
from storage import migrate
from storage.database import Database, open_database
from tests.support.connector import FakeConnector

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
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
    database = open_database(url)
    async with database.engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await database.dispose()


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    if database_url.startswith("postgresql"):
        await reset_postgres(database_url)
    opened = open_database(database_url)
    await migrate.upgrade(opened)
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

    if database_url.startswith("postgresql"):
        await reset_postgres(database_url)
    return await aiohttp_client(create_app(settings, clock=clock))
