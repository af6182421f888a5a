"""The migrations build the schema that storage/tables.py declares: a table, column or index
added to one and not the other (an index the queries rely on, say) fails here."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.database import Database
from storage.tables import metadata


async def test_migrated_schema_is_the_declared_one(database: Database) -> None:
    def differences(sync_connection: Any) -> list[Any]:
        context = MigrationContext.configure(sync_connection, opts={"compare_type": False})
        return [difference for difference in compare_metadata(context, metadata)
                if not _alembic_own(difference)]

    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


def _alembic_own(difference: Any) -> bool:
    """Alembic's version table is the migrations' own, not one of the app's."""
    return (isinstance(difference, tuple) and difference[0] == "remove_table"
            and difference[1].name == "alembic_version")
