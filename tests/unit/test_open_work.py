"""How long open work has waited, in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.open_work import age

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("waited", "said"), [
    (timedelta(seconds=30), "just now"), (timedelta(minutes=1), "1 minute ago"),
    (timedelta(minutes=59), "59 minutes ago"), (timedelta(hours=1, minutes=59), "1 hour ago"),
    (timedelta(days=1), "1 day ago"), (timedelta(days=6, hours=23), "6 days ago"),
    (timedelta(minutes=-5), "just now")])
def test_age_is_said_in_the_largest_whole_unit(waited, said) -> None:
    assert age(NOW - waited, NOW) == said
