"""The engine never undoes a manager's choice, with the look-ahead's re-match on: an offer a
manager made that times out goes back to the managers, and neither the queue's pass nor the
look-ahead offers the request to anyone else; a hand assignment stays as it was made."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.requests import State
from settings import Settings
from tests.conftest import MANAGERS_CHANNEL
from tests.integration.test_offers_over_http import (
    cards_in,
    fta,
    load_roster,
    request_state,
    submit,
    updates_in,
)
from tests.support.driver import User, texts_of, tick


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, lookahead_minutes=5)


@pytest.fixture
def manager(bot, connector) -> User:  # type: ignore[no-untyped-def]
    return User(bot, connector, number=9, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                kind="channel")


async def test_a_managers_offer_that_times_out_stays_with_them(bot, connector, manager, clock,
                                                               database_url) -> None:
    for number in (5, 6, 7):
        await User(bot, connector, number=number).say("hi")
    await load_roster(database_url, fta(5), fta(6), fta(7))
    request_id = await submit(User(bot, connector, number=1))
    await tick(bot)  # the look-ahead offers it (to Seller 5)
    await manager.press("manager_reoffer", {"request_id": request_id})  # to Seller 6

    clock.advance(timedelta(days=1))  # Seller 6 never answers
    await tick(bot)
    clock.advance(timedelta(minutes=10))  # and the look-ahead runs again
    await tick(bot)

    assert cards_in(connector, "a:personal-7") == []
    [(_, timed_out)] = updates_in(connector, "a:personal-6")
    assert "went back to the FTA managers" in texts_of(timed_out)
    assert any("is back with the FTA managers" in texts_of(card)
               for card in cards_in(connector, MANAGERS_CHANNEL))
    assert await request_state(database_url, request_id) is State.AWAITING_FTA


async def test_a_hand_assignment_is_not_rematched(bot, connector, manager, clock,
                                                  database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5, capacity=2), fta(6))
    request_id = await submit(User(bot, connector, number=1))
    offered = cards_in(connector, "a:personal-5") + cards_in(connector, "a:personal-6")
    await manager.press("manager_reoffer", {"request_id": request_id})
    await manager.press("manager_assign", {"request_id": request_id, "architect_id": "fta-5"})

    clock.advance(timedelta(days=2))
    await tick(bot)
    await tick(bot)

    assert await request_state(database_url, request_id) is State.ASSIGNED
    assert len(cards_in(connector, "a:personal-5")) == len(offered) + 1  # the work card only
