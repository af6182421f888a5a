"""Monday's digest over HTTP with the real worker: at 09:00 in the managers' time zone (not
before) the managers' channel gets last week's figures, once, however often the worker ticks;
the next one is due a week later."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from settings import Settings
from tests.conftest import MANAGERS_CHANNEL
from tests.integration.test_desk_queue import desk_of_four
from tests.integration.test_offers_over_http import cards_in
from tests.support.driver import User, texts_of, tick

# FIXED_NOW is Tuesday 24 Nov 2026; the digest of that week is due Monday 30 Nov, 09:00 Paris.
DUE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, managers_timezone="Europe/Paris", weekly_digest=True)


def digests(connector) -> list[dict]:  # type: ignore[no-untyped-def]
    return [card for card in cards_in(connector, MANAGERS_CHANNEL)
            if "Last week at the FTA desk" in texts_of(card)]


async def test_the_digest_goes_to_the_managers_monday_at_nine_once(bot, connector, clock,
                                                                   database_url) -> None:
    await User(bot, connector, number=3, conversation=MANAGERS_CHANNEL, kind="channel",
               ).say("hi")
    await desk_of_four(bot, connector, database_url)

    clock.now = datetime(2026, 11, 30, 7, 59, tzinfo=UTC)
    await tick(bot)
    assert digests(connector) == []  # 08:59 in Paris: not yet

    clock.now = DUE
    await tick(bot)
    await tick(bot)

    [digest] = digests(connector)
    text = texts_of(digest)
    assert "week of 23 Nov 2026" in text
    assert "Requests\n4" in text
    # The accepted one met its deadline; the three still waiting passed theirs (Thursday).
    assert "25% (1 of 4 decided)" in text
    assert "SLA breaches\n3" in text
    assert "Seller 5\n1 assigned" in text

    clock.now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # a week later: the next one
    await tick(bot)
    assert len(digests(connector)) == 2
