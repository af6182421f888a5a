"""INSERT ... ON CONFLICT for the two dialects we run on: update, or leave the row as it is.

The statement is built once per (table, columns, keys) and the values travel as parameters,
so SQLAlchemy compiles it once instead of coercing every value into the statement per call."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert


def upsert(dialect: str, table: Table, values: dict[str, Any],
           keys: list[str]) -> tuple[Insert, dict[str, Any]]:
    """The statement and its parameters: ``connection.execute(*upsert(...))``."""
    return _statement(dialect, table, tuple(values), tuple(keys)), values


def dialect_insert(dialect: str) -> Callable[[Table], postgresql.Insert | sqlite.Insert]:
    """The INSERT that knows ON CONFLICT on ``dialect`` (PostgreSQL's, else SQLite's)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@cache
def _statement(dialect: str, table: Table, columns: tuple[str, ...],
               keys: tuple[str, ...]) -> Insert:
    statement = dialect_insert(dialect)(table)
    changed = {name: statement.excluded[name] for name in columns if name not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=changed)


@cache
def insert_if_absent(dialect: str, table: Table, keys: tuple[str, ...]) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, values as parameters; rowcount 0 means it existed."""
    return dialect_insert(dialect)(table).on_conflict_do_nothing(index_elements=list(keys))
