"""Cards that show a request's state change in place, for everyone who sees them: the
seller's card when an FTA accepts or FTCHelp takes it, an offer's card when it times out; a
manager cannot assign a request by hand over a live offer."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import FTCHELP_CHANNEL, MANAGERS_CHANNEL
from tests.integration.test_ftchelp_over_http import tickets
from tests.integration.test_offers_over_http import (
    cards_in,
    fta,
    load_roster,
    offer_data,
    submit,
    updates_in,
)
from tests.support.driver import User, card_state, texts_of, tick
from tests.support.requests import COMPLETE


async def test_the_sellers_card_shows_the_fta_once_one_accepts(bot, connector,
                                                               database_url) -> None:
    architect = User(bot, connector, number=5)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    await submit(User(bot, connector, number=1))
    [offer] = cards_in(connector, "a:personal-5")

    await architect.press("accept_offer", offer_data(offer))

    [(activity_id, card)] = updates_in(connector, "a:personal-1")
    assert activity_id == "card-1"  # the message the seller submitted from
    assert "Assigned to an FTA" in texts_of(card) and "Seller 5" in texts_of(card)


async def test_an_offer_that_times_out_says_so_on_the_ftas_card(bot, connector, clock,
                                                                database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5))
    await submit(User(bot, connector, number=1))
    offer_posts = [s for s in connector.sent if s.conversation_id == "a:personal-5" and s.cards]

    clock.advance(timedelta(days=1))
    await tick(bot)

    [(activity_id, card)] = updates_in(connector, "a:personal-5")
    assert activity_id == connector.ids_given[connector.sent.index(offer_posts[0])]
    assert "timed out" in texts_of(card)


async def test_a_hand_assignment_over_a_live_offer_is_refused_and_the_offer_card_stays(
        bot, connector, database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await User(bot, connector, number=6).say("hi")
    await load_roster(database_url, fta(5), fta(6, capacity=3))
    request_id = await submit(User(bot, connector, number=1))
    manager = User(bot, connector, number=9, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                   kind="channel")

    answer = await manager.press("manager_assign", {"request_id": request_id,
                                                    "architect_id": "fta-6"})

    assert "Nothing changed" in texts_of(answer["value"])
    assert "offered to Seller 5 right now" in texts_of(answer["value"])
    assert updates_in(connector, "a:personal-5") == []
    assert cards_in(connector, "a:personal-6") == []


async def test_the_sellers_card_shows_ftchelp_taking_the_ticket(bot, connector) -> None:
    seller = User(bot, connector, number=1)
    form = await seller.open_form("land_ftc_benefit")
    await seller.press("submit_request", {**card_state(form), **COMPLETE["land_ftc_benefit"]})
    [ticket] = tickets(connector)
    agent = User(bot, connector, number=7, conversation=f"{FTCHELP_CHANNEL};messageid=3",
                 kind="channel")

    await agent.press("ticket_assign_to_me", card_state(ticket))

    [(activity_id, card)] = updates_in(connector, "a:personal-1")
    assert activity_id == "card-1"
    assert "With FTCHelp (being answered)" in texts_of(card) and "Seller 7" in texts_of(card)
