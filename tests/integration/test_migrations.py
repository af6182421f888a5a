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
from storage.requests import SqlRequestRepository
from storage.tables import metadata, outbox, requests
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


async def test_requests_submitted_before_0019_keep_their_submission_as_the_first(
        database_url: str) -> None:
    """0019 adds the first submission, kept when a sent-back request is submitted again: a
    request submitted before it was submitted once, so that submission is its first."""
    if database_url.startswith("postgresql"):
        await reset_postgres(database_url)
    database = open_database(database_url)
    try:
        await migrate.upgrade(database, "0016")
        at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        async with database.begin() as connection:
            await connection.execute(insert(requests), [
                dict(requester_id="s", requester_name="S", requester_timezone="UTC",
                     requester_country="US", requester_email="", type_key="ecif_review",
                     values={}, files={}, state=state, version=1, created_at=at,
                     submitted_at=submitted, deadline=None, agent_id="", agent_name="",
                     answer="")
                for state, submitted in (("awaiting_fta", at), ("draft", None))])
        await migrate.upgrade(database)
        async with database.connect() as connection:
            rows = (await connection.execute(select(
                requests.c.first_submitted_at, requests.c.sent_back).order_by(requests.c.id))
            ).all()
        assert [tuple(row) for row in rows] == [(at, None), (None, None)]
    finally:
        await database.dispose()


async def test_numbers_issued_before_0020_keep_working_and_new_ones_follow_them(
        database_url: str) -> None:
    """0020 stores each submitted request's number as it was (FTA-<year>-<id>); drafts get
    none until submitted; the counter starts above every number already issued."""
    if database_url.startswith("postgresql"):
        await reset_postgres(database_url)
    database = open_database(database_url)
    try:
        await migrate.upgrade(database, "0019")
        at = datetime(2025, 12, 30, 9, 0, tzinfo=UTC)
        async with database.begin() as connection:
            await connection.execute(insert(requests), [
                dict(requester_id="s", requester_name="S", requester_timezone="UTC",
                     requester_country="US", requester_email="", type_key="ecif_review",
                     values={}, files={}, state=state, version=1, created_at=at,
                     submitted_at=submitted, deadline=None, agent_id="", agent_name="",
                     answer="")
                for state, submitted in (("assigned", at), ("cancelled", None),
                                         ("awaiting_fta", at), ("draft", None))])
        await migrate.upgrade(database)
        repository = SqlRequestRepository(database)
        kept = await repository.by_number("FTA-2025-00003")
        next_number = await repository.issue_number(at.replace(year=2026))

        assert kept is not None and kept.id == 3
        assert (await repository.get(1)).number == "FTA-2025-00001"  # type: ignore[union-attr]
        assert (await repository.get(4)).number == ""  # type: ignore[union-attr]
        assert next_number == "FTA-2026-00004"
    finally:
        await database.dispose()
