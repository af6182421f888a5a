"""Values as long as Teams and Entra allow go through every turn on both databases; longer
ones, which only a forged activity carries, get a clear answer instead of a failed turn."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import database_key
from storage.tables import requests
from tests.integration.test_offers_over_http import cards_in, fta, load_roster, offer_data
from tests.support.activities import card_action, message, person
from tests.support.driver import User, card_state, texts_of
from tests.support.requests import COMPLETE

LONG_NAME = "Bowen-" + "M" * 250  # Entra allows display names of 256 characters
LONG_CONVERSATION = "a:1" + "x" * 449  # 452 characters, as seen on a real tenant
LONG_USER_ID = "29:1" + "y" * 296


async def test_a_seller_with_the_longest_display_name_files_a_request_an_fta_accepts(
        bot, connector, database_url) -> None:
    architect = User(bot, connector, number=5)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    seller = User(bot, connector, number=1, conversation=LONG_CONVERSATION,
                  extra={"user": {**person(1), "id": LONG_USER_ID, "name": LONG_NAME}})

    form = await seller.open_form("discovery_workshop")
    submitted = await seller.press("submit_request", {**card_state(form),
                                                      **COMPLETE["discovery_workshop"]})
    [offer] = cards_in(connector, "a:personal-5")
    work = (await architect.press("accept_offer", offer_data(offer)))["value"]

    assert "submitted" in texts_of(submitted["value"])
    assert LONG_NAME in texts_of(offer)
    assert "You accepted" in texts_of(work)
    assert any(s.conversation_id == LONG_CONVERSATION for s in connector.sent)


@pytest.mark.parametrize("where", ["conversation", "activity", "sender", "bot"])
async def test_an_id_longer_than_teams_sends_gets_a_clear_answer_not_a_failed_turn(
        bot, connector, where) -> None:
    too_long = "z" * 5000
    fields = {"conversation": {"conversation": too_long}, "activity": {"id": too_long},
              "sender": {"user": {**person(1), "aadObjectId": too_long}},
              "bot": {"recipient": {"id": too_long}}}[where]

    pressed = await bot.post("/api/messages", json=card_action(connector.url, "show_help",
                                                               **fields))
    said = await bot.post("/api/messages", json=message(connector.url, "help", **fields))

    answer = await pressed.json()
    assert pressed.status == 200 and answer["statusCode"] == 200
    assert answer["value"].startswith("This activity carries an id longer than Teams uses")
    assert said.status == 400 and "longer than" in (await said.json())["error"]
    assert connector.sent == []


async def test_a_display_name_longer_than_entra_allows_is_cut_not_refused(bot,
                                                                          connector) -> None:
    seller = User(bot, connector, number=1,
                  extra={"user": {**person(1), "name": "N" * 20_000}})

    form = await seller.open_form("discovery_workshop")
    answer = await seller.press("submit_request", {**card_state(form),
                                                   **COMPLETE["discovery_workshop"]})

    assert "submitted" in texts_of(answer["value"])
    async with bot.server.app[database_key].connect() as connection:
        names = (await connection.execute(select(requests.c.requester_name))).scalars().all()
    assert names == ["N" * 256]
