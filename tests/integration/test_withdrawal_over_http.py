"""A seller withdraws a submitted request over HTTP, before an FTA accepts it: the FTA's offer
card says so and their points are freed, the managers' cards close, the seller's card shows it
withdrawn; nobody else may withdraw it, and an assigned request cannot be withdrawn here."""

from __future__ import annotations

from domain.requests import State
from tests.conftest import MANAGERS_CHANNEL
from tests.integration.test_offers_over_http import (
    cards_in,
    fta,
    load_roster,
    offer_data,
    request_state,
    submit,
    updates_in,
)
from tests.support.driver import User, buttons, card_state, texts_of, tick
from tests.support.requests import COMPLETE


async def test_withdrawing_before_acceptance_ends_the_offer_and_frees_the_fta(
        bot, connector, database_url) -> None:
    architect, seller = User(bot, connector, number=5), User(bot, connector, number=1)
    await architect.say("hi")
    await load_roster(database_url, fta(5, capacity=3))  # room for one Discovery Workshop
    form = await seller.open_form("discovery_workshop")
    confirmation = (await seller.press("submit_request", {
        **card_state(form), **COMPLETE["discovery_workshop"]}))["value"]
    request_id = int(card_state(form)["request_id"])
    [offer] = cards_in(connector, "a:personal-5")

    answer = await seller.press("withdraw_request", buttons(confirmation)["Withdraw request"][
        "data"])
    accepted_late = await architect.press("accept_offer", offer_data(offer))
    next_id = await submit(seller)

    assert await request_state(database_url, request_id) is State.WITHDRAWN
    shown = texts_of(answer["value"])
    assert "Withdrawn by the seller" in shown and "You withdrew it" in shown
    assert "Withdraw request" not in buttons(answer["value"])
    [(_, offer_now)] = updates_in(connector, "a:personal-5")
    assert f"FTA-2026-{request_id:05d} was withdrawn" in texts_of(offer_now)
    assert "The seller withdrew the request" in texts_of(offer_now)
    assert accepted_late["value"] == "This offer was already expired."
    assert "New request for you" in texts_of(cards_in(connector, "a:personal-5")[-1])
    assert f"FTA-2026-{next_id:05d}" in texts_of(cards_in(connector, "a:personal-5")[-1])


async def test_withdrawing_a_request_with_the_managers_closes_their_card(
        bot, connector, database_url) -> None:
    seller = User(bot, connector, number=1)
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5, capacity=2))  # nobody can take a workshop
    request_id = await submit(seller)
    await tick(bot)
    [escalation] = cards_in(connector, MANAGERS_CHANNEL)

    await seller.press("withdraw_request", {"request_id": request_id})

    assert "No FTA could be assigned" in texts_of(escalation)
    [(_, closed)] = updates_in(connector, MANAGERS_CHANNEL)
    assert f"FTA-2026-{request_id:05d} was withdrawn" in texts_of(closed)


async def test_only_the_seller_may_withdraw_and_not_once_assigned(bot, connector,
                                                                  database_url) -> None:
    architect, seller = User(bot, connector, number=5), User(bot, connector, number=1)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    request_id = await submit(seller)
    [offer] = cards_in(connector, "a:personal-5")

    stranger = await User(bot, connector, number=2).press("withdraw_request",
                                                          {"request_id": request_id})
    await architect.press("accept_offer", offer_data(offer))
    [status] = await seller.say(f"status FTA-2026-{request_id:05d}")
    too_late = await seller.press("withdraw_request", {"request_id": request_id})

    assert "belongs to someone else's request" in stranger["value"]
    assert "Withdraw request" not in buttons(status.cards[0])
    assert too_late["value"] == (f"FTA-2026-{request_id:05d} can no longer be withdrawn here "
                                 "(status: Assigned to an FTA).")
    assert await request_state(database_url, request_id) is State.ASSIGNED
