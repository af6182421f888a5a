"""Teams throttles (429 with Retry-After), refuses (403 when the app was removed) and fails
(5xx): a notice is retried within seconds, an unreachable FTA is skipped, and an action whose
state change was saved never fails because a notice could not be delivered."""

from __future__ import annotations

from domain.requests import State
from tests.conftest import ACCOUNT_TEAM_CHANNEL, MANAGERS_CHANNEL
from tests.integration.test_offers_over_http import (
    cards_in,
    fta,
    load_roster,
    offer_data,
    request_state,
    submit,
)
from tests.support.driver import User, card_state, texts_of
from tests.support.requests import COMPLETE


async def test_a_throttled_offer_is_retried_and_delivered(bot, connector, database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5))
    seller = User(bot, connector, number=1)
    form_ready = await seller.open_form("discovery_workshop")
    connector.fail_next(429, retry_after=0)

    await seller.press("submit_request", {**card_state(form_ready),
                                          **COMPLETE["discovery_workshop"]})

    [offer] = cards_in(connector, "a:personal-5")
    assert "New request for you" in texts_of(offer)


async def test_an_fta_who_removed_the_app_is_reported_and_skipped(bot, connector,
                                                                  database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await User(bot, connector, number=6).say("hi")
    await load_roster(database_url, fta(5, capacity=20), fta(6, capacity=10))
    seller = User(bot, connector, number=1)
    form = await seller.open_form("discovery_workshop")
    connector.fail_next(403, conversation="a:personal-5")  # the app was removed there
    await seller.press("submit_request", {**card_state(form), **COMPLETE["discovery_workshop"]})

    assert "Could not reach Seller 5" in texts_of(cards_in(connector, MANAGERS_CHANNEL)[0])
    assert "New request for you" in texts_of(cards_in(connector, "a:personal-6")[0])


async def test_accepting_succeeds_even_when_the_sellers_notice_cannot_be_delivered(
        bot, connector, database_url) -> None:
    architect = User(bot, connector, number=5)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    request_id = await submit(User(bot, connector, number=1))
    [offer] = cards_in(connector, "a:personal-5")
    for _ in range(3):
        connector.fail_next(503, conversation="a:personal-1")  # every try of the notice

    answer = await architect.press("accept_offer", offer_data(offer))

    assert "You accepted" in texts_of(answer["value"])
    assert await request_state(database_url, request_id) is State.ASSIGNED
    assert "Could not reach Seller 1" in texts_of(cards_in(connector, MANAGERS_CHANNEL)[-1])
    assert "FTA assigned" in texts_of(cards_in(connector, ACCOUNT_TEAM_CHANNEL)[0])
