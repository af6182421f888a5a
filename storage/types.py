"""Column types shared by every table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An instant, stored as UTC on every database: SQLite keeps no offset, so a local time
    stored as such would compare wrongly against one from another zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else _utc(value)

    def bind_processor(self, dialect: Any) -> Callable[[Any], Any] | None:
        """On SQLite, the instant written as SQLAlchemy's stored text in one step."""
        if dialect.name == "sqlite":
            return _text_from_utc
        return super().bind_processor(dialect)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else _as_utc(value)

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[Any], Any] | None:
        """On SQLite, the stored text read in one step rather than parsed by the dialect and
        then made aware: a balancing decision reads a hundred of these, mostly the same
        hundred as the decision before, so the texts' instants are kept (they never change)."""
        if dialect.name == "sqlite":
            return _utc_from_text
        return super().result_processor(dialect, coltype)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def _text_from_utc(value: datetime | None) -> str | None:
    # SQLAlchemy's stored format on SQLite, '2026-11-24 09:30:00.000000' (microseconds always
    # written: the stored texts are compared as text), in UTC.
    if value is None:
        return None
    return _utc(value).replace(tzinfo=None).isoformat(" ", "microseconds")


def _utc_from_text(value: str | None) -> datetime | None:
    return None if value is None else _parsed(value)


@lru_cache(maxsize=4096)
def _parsed(value: str) -> datetime:
    return _as_utc(datetime.fromisoformat(value))


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value.tzinfo is UTC else value.astimezone(UTC)
