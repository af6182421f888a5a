"""The assignment deadline: end of the second business day after submission, local time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.calendar import assignment_deadline


@pytest.mark.parametrize(("submitted", "timezone", "country", "due"), [
    ("2026-11-23T15:00", "America/New_York", "US", "2026-11-25"),  # Monday: Wednesday
    ("2026-11-27T15:00", "America/New_York", "US", "2026-12-01"),  # Friday: Tuesday
    ("2026-11-28T15:00", "America/New_York", "US", "2026-12-01"),  # Saturday: Tuesday
    ("2026-11-25T15:00", "America/New_York", "US", "2026-11-30"),  # Thanksgiving skipped
    ("2026-12-23T10:00", "Europe/Berlin", "DE", "2026-12-28"),     # 24th? 25/26 holidays
    ("2026-11-24T03:00", "America/Los_Angeles", "US", "2026-11-25"),  # still Monday there
])
def test_the_deadline_skips_weekends_and_holidays(submitted, timezone, country, due) -> None:
    at = datetime.fromisoformat(submitted).replace(tzinfo=UTC)
    deadline = assignment_deadline(at, timezone, country)
    assert deadline.date().isoformat() == due
    assert (deadline.hour, deadline.minute, deadline.second) == (23, 59, 59)
    assert str(deadline.tzinfo) == timezone


def test_an_unknown_country_counts_weekends_only() -> None:
    friday = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert assignment_deadline(friday, "UTC", "ZZ").date().isoformat() == "2026-12-01"
