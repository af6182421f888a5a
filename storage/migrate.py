"""Alembic upgrades run on the app's own async engine (no second engine, no event-loop juggling)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.database import Database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    """Apply every migration up to ``revision``."""
    async with database.engine.begin() as connection:
        await connection.run_sync(
            lambda sync: command.upgrade(alembic_config(sync), revision))


@lru_cache(maxsize=1)
def newest_revision() -> str | None:
    """The head of the migration scripts, read from disk once."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def is_current(database: Database) -> bool:
    """True when the database is at the newest migration."""
    head = newest_revision()
    async with database.engine.connect() as connection:
        current = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision())
    return current == head
