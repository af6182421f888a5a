"""Declines and escalations through the real adapter over HTTP: the declining FTA reads what
really happened, the managers read why and who declined, their cards follow the request, a
stale Assign changes nothing, and the seller hears when the managers have their request."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.requests import FtaRequest
from storage.database import open_database
from storage.requests import SqlRequestRepository
from storage.sample_data import ALEX
from tests.conftest import MANAGERS_CHANNEL
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

NOBODY_ELSE = "sent to the FTA managers because nobody else was eligible"


@pytest.fixture
def manager(bot, connector) -> User:  # type: ignore[no-untyped-def]
    return User(bot, connector, number=9, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                kind="channel")


async def why(manager: User, request_id: int) -> str:
    [answer] = await manager.say(f"why FTA-2026-{request_id:05d}")
    return texts_of(answer.cards[0])


def posted_id(connector, card: dict) -> str:  # type: ignore[no-untyped-def]
    """The activity id Teams gave the message that carried ``card``."""
    sent = next(s for s in connector.sent if s.method == "POST" and card in s.cards)
    return str(connector.ids_given[connector.sent.index(sent)])


async def escalated(bot, connector, database_url, seller_chats: bool = True,  # type: ignore[no-untyped-def]
                    fta_chats: bool = True) -> tuple[int, dict]:
    """Seller 1's Discovery Workshop (3 points), which FTA 5 (2 points) cannot take."""
    if fta_chats:
        await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5, capacity=2))
    request_id = await submit(User(bot, connector, number=1))
    [escalation] = cards_in(connector, MANAGERS_CHANNEL)
    return request_id, escalation


async def test_a_decline_with_someone_else_eligible_says_it_was_offered_to_the_next_fta(
        bot, connector, database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await User(bot, connector, number=6).say("hi")
    await load_roster(database_url, fta(5), fta(6))
    await submit(User(bot, connector, number=1))
    [offer] = cards_in(connector, "a:personal-5")

    answer = await User(bot, connector, number=5).press(
        "decline_offer", {**offer_data(offer), "decline_reason": "On leave that week"})

    assert "It was offered to the next FTA." in texts_of(answer["value"])
    assert NOBODY_ELSE not in texts_of(answer["value"])


async def test_a_decline_with_nobody_else_eligible_says_it_went_to_the_managers(
        bot, connector, manager, database_url) -> None:
    architect = User(bot, connector, number=5)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    request_id = await submit(User(bot, connector, number=1))
    [offer] = cards_in(connector, "a:personal-5")
    assert "Reason, if you decline (required to decline)" in texts_of(offer)

    answer = await architect.press("decline_offer", {**offer_data(offer),
                                                     "decline_reason": "On leave that week"})

    assert NOBODY_ELSE in texts_of(answer["value"])
    assert "offered to the next FTA" not in texts_of(answer["value"])
    [escalation] = cards_in(connector, MANAGERS_CHANNEL)
    assert "Seller 5\ndeclined: On leave that week" in texts_of(escalation)
    assert "1 declined this request or let it time out (Seller 5)" in texts_of(escalation)
    told = await why(manager, request_id)
    assert "with the FTA managers" in told
    assert "Seller 5: declined: On leave that week" in told


async def test_why_names_who_was_not_eligible_with_counts_that_agree(
        bot, connector, manager, database_url) -> None:
    elsewhere = [replace(fta(n), regions=frozenset({"EMEA"})) for n in (10, 11, 12, 13)]
    await load_roster(database_url, fta(5, capacity=2), *elsewhere)
    request_id = await submit(User(bot, connector, number=1))

    told = await why(manager, request_id)

    assert "FTA-2026-00001: with the FTA managers" in told
    assert ("4 do not cover the request's segment and region (Seller 10, Seller 11, "
            "Seller 12 and 1 more)") in told
    assert "1 has no capacity left (Seller 5)" in told


async def test_why_tells_a_request_waiting_for_its_first_offer(bot, connector, manager, clock,
                                                              database_url) -> None:
    await load_roster(database_url, fta(5))
    database = open_database(database_url)  # queued without a turn, as the demo's samples
    requests = SqlRequestRepository(database)
    request = await requests.add(FtaRequest(ALEX, clock()))
    request.choose_type("discovery_workshop")
    request.fill(COMPLETE["discovery_workshop"])
    request.submit(clock(), await requests.issue_number(clock()))
    await requests.save(request)
    await database.dispose()

    told = await why(manager, request.id)

    assert f"{request.number}: waiting for an FTA" in told
    assert "Now: Seller 5 is eligible; the next pass of the queue offers it." in told


async def test_why_follows_declines_and_time_outs_to_the_acceptance(
        bot, connector, manager, clock, database_url) -> None:
    for number in (5, 6, 7):
        await User(bot, connector, number=number).say("hi")
    await load_roster(database_url, fta(5), fta(6), fta(7))
    request_id = await submit(User(bot, connector, number=1))
    [first] = cards_in(connector, "a:personal-5")
    await User(bot, connector, number=5).press("decline_offer", {**offer_data(first),
                                                                 "decline_reason": "Busy"})
    clock.advance(timedelta(days=1))  # Seller 6 lets their offer time out
    await tick(bot)
    [third] = cards_in(connector, "a:personal-7")
    await User(bot, connector, number=7).press("accept_offer", offer_data(third))

    told = await why(manager, request_id)

    assert "FTA-2026-00001: assigned to Seller 7" in told
    assert "1. Offered to Seller 5" in told and "Seller 5: declined: Busy" in told
    assert "2. Offered to Seller 6" in told and "Seller 6: did not answer in time" in told
    assert "3. Offered to Seller 7" in told and "Seller 7: accepted" in told
    assert "2 declined this request or let it time out (Seller 5, Seller 6)" in told
    [(_, timed_out)] = updates_in(connector, "a:personal-6")
    assert "It was offered to the next FTA." in texts_of(timed_out)


async def test_why_tells_a_hand_assignment_and_who_made_it(bot, connector, manager,
                                                           database_url) -> None:
    request_id, _ = await escalated(bot, connector, database_url)

    await manager.press("manager_assign", {"request_id": request_id, "architect_id": "fta-5"})
    told = await why(manager, request_id)

    assert "FTA-2026-00001: assigned to Seller 5" in told
    assert "1. Assigned by hand to Seller 5" in told
    assert "Assigned by hand by Seller 9, over capacity (flagged)" in told


async def test_the_managers_cards_follow_a_request_offered_meanwhile_and_a_stale_assign_waits(
        bot, connector, manager, clock, database_url) -> None:
    request_id, escalation = await escalated(bot, connector, database_url)
    clock.advance(timedelta(days=1, hours=13))  # 24 h before the deadline: SLA at risk
    await tick(bot)
    [_, at_risk] = cards_in(connector, MANAGERS_CHANNEL)
    assert "SLA at risk" in texts_of(at_risk)

    await manager.press("roster_update", {"architect_id": "fta-5", "capacity": 9})
    await tick(bot)  # the queue's next pass offers it to Seller 5
    stale = await manager.press("manager_assign", {"request_id": request_id,
                                                   "architect_id": "fta-5"})

    updated = dict(updates_in(connector, MANAGERS_CHANNEL))
    for card in (escalation, at_risk):
        assert "FTA-2026-00001 was offered to Seller 5" in texts_of(
            updated[posted_id(connector, card)])
    assert "Nothing changed on FTA-2026-00001" in texts_of(stale["value"])
    assert "offered to Seller 5 right now" in texts_of(stale["value"])
    assert len(cards_in(connector, "a:personal-5")) == 1  # the offer; no work card


async def test_a_stale_assign_on_an_assigned_request_changes_nothing(
        bot, connector, manager, database_url) -> None:
    await User(bot, connector, number=6).say("hi")
    request_id, escalation = await escalated(bot, connector, database_url)
    await load_roster(database_url, fta(5, capacity=2), fta(6, capacity=2))

    await manager.press("manager_assign", {"request_id": request_id, "architect_id": "fta-5"})
    other = User(bot, connector, number=8, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                 kind="channel")
    stale = await other.press("manager_assign", {"request_id": request_id,
                                                 "architect_id": "fta-6"})

    assert "already assigned to Seller 5" in texts_of(stale["value"])
    assert cards_in(connector, "a:personal-6") == []
    updated = dict(updates_in(connector, MANAGERS_CHANNEL))
    assert "FTA-2026-00001 assigned to Seller 5" in texts_of(
        updated[posted_id(connector, escalation)])


async def test_loads_on_the_escalation_card_are_read_afresh_when_a_manager_acts(
        bot, connector, manager, database_url) -> None:
    request_id, escalation = await escalated(bot, connector, database_url)
    assert "Seller 5 (0/2 points)" in texts_of(escalation)
    seller = User(bot, connector, number=1)
    form = await seller.open_form("migration_exception")  # 1 point: Seller 5 can take it
    await seller.press("submit_request", {**card_state(form), **COMPLETE["migration_exception"]})

    unpicked = await manager.press("manager_assign", {"request_id": request_id})
    assigned = await manager.press("manager_assign", {"request_id": request_id,
                                                      "architect_id": "fta-5"})

    assert "Seller 5 (1/2 points)" in texts_of(unpicked["value"])
    assert "Pick an architect first." in texts_of(unpicked["value"])
    assert "Seller 5 now holds 4/2 points." in texts_of(assigned["value"])


async def test_a_hand_assignment_to_an_fta_the_bot_cannot_reach_is_told_at_once(
        bot, connector, manager, database_url) -> None:
    await manager.say("hi")  # the bot can address the managers' channel
    request_id, _ = await escalated(bot, connector, database_url, fta_chats=False)

    answer = await manager.press("manager_assign", {"request_id": request_id,
                                                    "architect_id": "fta-5"})

    assert "Seller 5 cannot be reached in Teams" in texts_of(answer["value"])
    report = cards_in(connector, MANAGERS_CHANNEL)[-1]
    assert "Could not reach Seller 5 for FTA-2026-00001" in texts_of(report)
    assert "not told that FTA-2026-00001 is assigned to them" in texts_of(report)


async def test_the_seller_hears_when_the_managers_have_their_request(
        bot, connector, database_url) -> None:
    seller = User(bot, connector, number=1)
    request_id, _ = await escalated(bot, connector, database_url)

    notice = cards_in(connector, "a:personal-1")[-1]
    [status] = await seller.say(f"status FTA-2026-{request_id:05d}")
    [(activity_id, card)] = updates_in(connector, "a:personal-1")

    assert "FTA-2026-00001 is with the FTA managers" in texts_of(notice)
    assert "The FTA managers have it" in texts_of(status.cards[0])
    assert activity_id == "card-1" and "The FTA managers have it" in texts_of(card)
