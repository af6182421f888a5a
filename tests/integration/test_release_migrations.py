"""Migrations run once per release however many replicas start: concurrent starts on
PostgreSQL serialise on an advisory lock (the later ones find nothing to do), and
`serve --production` never migrates: it refuses a database the release step has not
brought to the newest migration."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from settings import ROOT, Settings
from storage import migrate
from storage.database import open_database
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.e2e import harness

REPLICAS = 3
CREDENTIALS = {"MicrosoftAppId": "00000000-0000-0000-0000-0000000000b0",
               "MicrosoftAppPassword": "secret", "MicrosoftAppType": "SingleTenant",
               "MicrosoftAppTenantId": "00000000-0000-0000-0000-00000000000t"}


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
async def test_replicas_starting_at_once_on_postgresql_migrate_once_and_all_come_up(
        caplog: pytest.LogCaptureFixture) -> None:
    from app import create_app

    await reset_postgres(POSTGRES_URL)
    settings = Settings(database_url=POSTGRES_URL, worker_interval_seconds=3600)
    servers = [TestServer(create_app(settings)) for _ in range(REPLICAS)]
    caplog.set_level(logging.INFO, logger="storage.migrate")
    try:
        # Each start-up opens its own engine and migrates in its own transaction, as
        # replicas do; all of them reach alembic before any has finished.
        await asyncio.gather(*(server.start_server() for server in servers))
        async with ClientSession() as http:
            for server in servers:
                async with http.get(server.make_url("/readyz")) as response:
                    assert response.status == 200, await response.text()
    finally:
        await asyncio.gather(*(server.close() for server in servers))
    migrated = [r.getMessage() for r in caplog.records if r.name == "storage.migrate"]
    assert migrated == [f"Database migrated from empty to {migrate.newest_revision()}."]


async def test_a_second_upgrade_finds_nothing_to_do(tmp_path: Path) -> None:
    url = POSTGRES_URL or f"sqlite+aiosqlite:///{tmp_path / 'twice.db'}"
    if POSTGRES_URL:
        await reset_postgres(url)
    database = open_database(url)
    try:
        head = migrate.newest_revision()
        assert await migrate.upgrade(database) == (None, head)
        assert await migrate.upgrade(database) == (head, head)
    finally:
        await database.dispose()


async def test_an_older_release_refuses_a_database_a_newer_one_migrated(tmp_path: Path) -> None:
    from sqlalchemy import text

    database = open_database(f"sqlite+aiosqlite:///{tmp_path / 'newer.db'}")
    try:
        await migrate.upgrade(database)
        async with database.engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(migrate.NotMigrated, match=r"at migration 9999, which this release "
                           r"does not have .* a newer release migrated it"):
            await migrate.require_current(database)
    finally:
        await database.dispose()


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=90, env=env)


def test_production_refuses_an_unmigrated_database_until_the_release_step_runs(
        tmp_path: Path) -> None:
    port = harness.free_port()
    env = {**os.environ, **CREDENTIALS, "PORT": str(port), "LOG_FORMAT": "text",
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'release.db'}"}
    refused = run("serve", "--production", env=env)
    assert refused.returncode == 3, refused.stderr
    assert refused.stderr.strip().splitlines()[-1] == (
        "Database not migrated: the database is at migration none (it is empty), this "
        f"release needs {migrate.newest_revision()}. Run the release step `python app.py db "
        "upgrade` (with the same DATABASE_URL) before `python app.py serve --production`.")

    assert run("db", "upgrade", env=env).returncode == 0
    bot = harness.Process("bot", [sys.executable, "app.py", "serve", "--production"], env,
                          tmp_path / "bot.log")
    try:
        bot.wait_for(f"http://127.0.0.1:{port}/healthz")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as ready:
            assert ready.status == 200
    finally:
        bot.stop()
    assert "Database migrated" not in (tmp_path / "bot.log").read_text()
