"""The migrations build the schema that storage/tables.py declares: a table, column or index
added to one and not the other (an index the queries rely on, say) fails here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import String, insert, inspect, select

from storage import migrate
from storage.database import Database, open_database
from storage.tables import metadata, outbox
from tests.conftest import reset_postgres


async def test_migrated_schema_is_the_declared_one(database: Database) -> None:
    def differences(sync_connection: Any) -> list[Any]:
        context = MigrationContext.configure(sync_connection, opts={"compare_type": False})
        return [difference for difference in compare_metadata(context, metadata)
                if not _alembic_own(difference)]

    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_every_text_column_has_the_declared_length(database: Database) -> None:
    """The comparison above leaves types out; lengths matter where they are enforced: a
    column left at VARCHAR(400) refused a 452-character conversation id on PostgreSQL."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite does not enforce a declared length")

    def lengths(sync_connection: Any) -> dict[str, int | None]:
        inspector = inspect(sync_connection)
        return {f"{table}.{column['name']}": getattr(column["type"], "length", None)
                for table in metadata.tables
                for column in inspector.get_columns(table)
                if isinstance(column["type"], String)}

    async with database.engine.connect() as connection:
        migrated = await connection.run_sync(lengths)
    declared = {f"{table.name}.{column.name}": column.type.length
                for table in metadata.tables.values() for column in table.columns
                if isinstance(column.type, String)}
    assert migrated == declared


def _alembic_own(difference: Any) -> bool:
    """Alembic's version table is the migrations' own, not one of the app's."""
    return (isinstance(difference, tuple) and difference[0] == "remove_table"
            and difference[1].name == "alembic_version")


async def test_outbox_rows_from_before_0016_agree_with_the_live_index(database_url: str) -> None:
    """0016 makes ``finished_at`` stand for the states: a row that disagreed (pending with a
    finish time, a race of two dispatchers could leave one) is set right, not lost."""
    if database_url.startswith("postgresql"):
        await reset_postgres(database_url)
    database = open_database(database_url)
    try:
        await migrate.upgrade(database, "0015")
        at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        async with database.begin() as connection:
            await connection.execute(insert(outbox), [
                dict(key=key, kind="mail", lane="mail:a", role="", tenant_id="", audience="",
                     payload={}, purpose={}, state=state, attempts=1, not_before=at,
                     created_at=at, leased_by="", result="", finished_at=finished)
                for key, state, finished in (("stuck", "pending", at), ("sent", "delivered", None),
                                             ("fine", "pending", None))])
        await migrate.upgrade(database)
        async with database.connect() as connection:
            rows = (await connection.execute(
                select(outbox.c.key, outbox.c.finished_at).order_by(outbox.c.id))).all()
        assert [(key, finished) for key, finished in rows] == [
            ("stuck", None), ("sent", at), ("fine", None)]
    finally:
        await database.dispose()
