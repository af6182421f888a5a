"""Alembic upgrades run on the app's own async engine (no second engine, no event-loop juggling).

Migrations run once per release however many replicas start: on PostgreSQL the upgrade holds an
advisory lock for its transaction, so starts that race serialise and the later ones find the
database already at the head. In production the upgrade is a release step (`python app.py db
upgrade`, run by the infrastructure before the replicas start) and `serve --production` only
checks that it ran (``require_current``)."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.database import Database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
MIGRATION_LOCK = 0x4D_49_47_52  # "MIGR": an advisory lock apart from the balancing and rate ones
log = logging.getLogger(__name__)


class NotMigrated(RuntimeError):
    """The database lacks migrations this release needs; the message says what to run."""


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(database: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply every migration up to ``revision``; return the revisions before and after (equal
    when there was nothing to do). Concurrent upgrades on PostgreSQL wait for each other."""
    async with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Held until this transaction ends: alembic runs inside it, on this connection.
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                     {"key": MIGRATION_LOCK})
        before = await connection.run_sync(_current_revision)
        await connection.run_sync(
            lambda sync: command.upgrade(alembic_config(sync), revision))
        after = await connection.run_sync(_current_revision)
    if before != after:
        log.info("Database migrated from %s to %s.", before or "empty", after)
    return before, after


@lru_cache(maxsize=1)
def newest_revision() -> str | None:
    """The head of the migration scripts, read from disk once."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def is_current(database: Database) -> bool:
    """True when the database is at the newest migration."""
    async with database.engine.connect() as connection:
        current = await connection.run_sync(_current_revision)
    return current == newest_revision()


async def require_current(database: Database) -> None:
    """Raise NotMigrated unless the release step has brought the database to the newest
    migration: a production replica never migrates, nor runs on a schema it does not know."""
    async with database.engine.connect() as connection:
        current = await connection.run_sync(_current_revision)
    head = newest_revision()
    if current is not None and current != head and not _known(current):
        raise NotMigrated(
            f"the database is at migration {current}, which this release does not have (its "
            f"newest is {head}): a newer release migrated it. Run that release, not this one.")
    if current != head:
        raise NotMigrated(
            f"the database is at migration {current or 'none (it is empty)'}, this release "
            f"needs {head}. Run the release step `python app.py db upgrade` (with the same "
            f"DATABASE_URL) before `python app.py serve --production`.")


def _known(revision: str) -> bool:
    """Whether ``revision`` is one of this release's migration scripts."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
