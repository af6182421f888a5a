"""UtcDateTime's SQLite fast paths write and read exactly what SQLAlchemy's own would: stored
instants are compared as text in SQL, so one character's difference would misorder them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.dialects import sqlite

from storage.types import UtcDateTime

DIALECT = sqlite.dialect()
INSTANTS = [datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
            datetime(2026, 11, 24, 9, 30, 0, 1, tzinfo=UTC),
            datetime(2026, 3, 29, 1, 59, 59, 999_999, tzinfo=ZoneInfo("Europe/Berlin")),
            datetime(999, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-7)))]


@pytest.mark.parametrize("instant", INSTANTS)
def test_sqlite_text_is_sqlalchemys(instant: datetime) -> None:
    ours = UtcDateTime().bind_processor(DIALECT)
    theirs = sqlite.DATETIME().bind_processor(DIALECT)
    assert ours is not None and theirs is not None
    text = ours(instant)
    assert text == theirs(instant.astimezone(UTC).replace(tzinfo=None))
    read = UtcDateTime().result_processor(DIALECT, None)
    assert read is not None
    assert read(text) == instant and read(text).tzinfo is UTC


def test_naive_instants_are_refused() -> None:
    write = UtcDateTime().bind_processor(DIALECT)
    assert write is not None
    with pytest.raises(ValueError, match="naive"):
        write(datetime(2026, 11, 24, 9, 30))
    assert write(None) is None
