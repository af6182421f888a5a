"""A seller withdraws a submitted request over HTTP. Before an FTA accepts it: the FTA's offer
card says so and their points are freed, the managers' cards close. After: the FTA's work card
and the account team's post say so, both are told, the FTOP tasks close as withdrawn and the
FTA's capacity is freed. The seller's card shows it withdrawn; nobody else may withdraw it.
(The internal call's cancellation through Graph: test_internal_call_over_http.py.)"""

from __future__ import annotations

from domain.ftop import FIRST_CONTACT, TaskState
from domain.requests import State
from tests.conftest import ACCOUNT_TEAM_CHANNEL, MANAGERS_CHANNEL
from tests.integration.test_assignment_work_over_http import ftop_record
from tests.integration.test_first_contact_over_http import AFTER_DUE
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


async def test_only_the_seller_may_withdraw_and_only_once(bot, connector,
                                                          database_url) -> None:
    seller = User(bot, connector, number=1)
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5))
    request_id = await submit(seller)

    stranger = await User(bot, connector, number=2).press("withdraw_request",
                                                          {"request_id": request_id})
    await seller.press("withdraw_request", {"request_id": request_id})
    again = await seller.press("withdraw_request", {"request_id": request_id})

    assert "belongs to someone else's request" in stranger["value"]
    assert again["value"] == (f"FTA-2026-{request_id:05d} can no longer be withdrawn here "
                              "(status: Withdrawn by the seller).")


async def test_withdrawing_after_acceptance_closes_the_assignment_and_tells_everyone(
        bot, connector, clock, database_url) -> None:
    architect, seller = User(bot, connector, number=5), User(bot, connector, number=1)
    await architect.say("hi")
    await load_roster(database_url, fta(5, capacity=3))  # room for one Discovery Workshop
    request_id = await submit(seller)
    [offer] = cards_in(connector, "a:personal-5")
    await architect.press("accept_offer", offer_data(offer))
    number = f"FTA-2026-{request_id:05d}"
    [status] = await seller.say(f"status {number}")
    fta_cards = len(cards_in(connector, "a:personal-5"))

    answer = await seller.press("withdraw_request", buttons(status.cards[0])[
        "Withdraw request"]["data"])
    next_id = await submit(seller)
    clock.advance(AFTER_DUE)
    await tick(bot)

    assert await request_state(database_url, request_id) is State.WITHDRAWN
    assert "Withdrawn by the seller" in texts_of(answer["value"])
    assert "Request\nWithdrawn by Seller 1" in texts_of(answer["value"])
    (_, work_now), _ = updates_in(connector, "a:personal-5")  # then the next offer times out
    notice, next_offer = cards_in(connector, "a:personal-5")[fta_cards:]
    for card in (work_now, notice):
        shown = texts_of(card)
        assert f"{number} was withdrawn by the seller" in shown
        assert "First Account Team contact made: closed, request withdrawn" in shown
        assert "your capacity is free again" in shown
    assert f"FTA-2026-{next_id:05d}" in texts_of(next_offer)  # the points were freed
    [(_, post_now)] = updates_in(connector, ACCOUNT_TEAM_CHANNEL)
    assert f"Withdrawn: {number}" in texts_of(post_now)
    [reply] = [s for s in connector.sent
               if s.conversation_id.startswith(f"{ACCOUNT_TEAM_CHANNEL};messageid=")]
    assert "Seller 5 no longer works on it" in texts_of(reply.cards[0])
    record = await ftop_record(database_url, request_id)
    assert [(t.task_id, t.state) for t in record.tasks] == [(FIRST_CONTACT,
                                                             TaskState.WITHDRAWN)]
    assert [(r.kind, r.outcome, r.by) for r in record.reviews] == [
        ("request", "withdrawn", "Seller 1")]
    assert not any("Overdue: task 3298" in texts_of(c)  # task 3298 is not chased
                   for c in cards_in(connector, MANAGERS_CHANNEL))
