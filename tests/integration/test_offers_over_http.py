"""Offers through the real adapter over HTTP: the chosen FTA accepts or declines from a card,
time-outs and unreachable FTAs move the offer on, and managers get what nobody can take."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.requests import FtaRequest, State
from domain.roster import Architect
from storage.database import open_database
from storage.requests import SqlRequestRepository
from storage.roster import SqlRoster
from storage.sample_data import ALEX
from tests.conftest import MANAGERS_CHANNEL
from tests.support.activities import person
from tests.support.driver import User, card_state, texts_of, tick
from tests.support.requests import COMPLETE

MESSAGE = "application/vnd.microsoft.activity.message"


def fta(number: int, capacity: int = 9) -> Architect:
    return Architect(f"fta-{number}", f"Seller {number}", capacity,
                     aad_id=person(number)["aadObjectId"], segments=frozenset({"enterprise"}),
                     regions=frozenset({"NA"}), timezone="America/New_York")


async def load_roster(database_url: str, *architects: Architect) -> None:
    database = open_database(database_url)
    await SqlRoster(database).replace_all(architects)
    await database.dispose()


async def request_state(database_url: str, request_id: int) -> State:
    database = open_database(database_url)
    request = await SqlRequestRepository(database).get(request_id)
    await database.dispose()
    assert request is not None
    return request.state


def cards_in(connector, conversation: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """Cards newly posted in a conversation (not updates of earlier ones)."""
    return [c for s in connector.sent if s.conversation_id == conversation and s.method == "POST"
            for c in s.cards]


def updates_in(connector, conversation: str) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    """(activity id, new card) for every card updated in place in a conversation."""
    return [(s.activity_id, c) for s in connector.sent
            if s.conversation_id == conversation and s.method == "PUT" for c in s.cards]


def offer_data(card: dict) -> dict:
    return next(a["data"] for a in card["actions"] if a.get("verb") == "accept_offer")


@pytest.fixture
def seller(bot, connector) -> User:  # type: ignore[no-untyped-def]
    return User(bot, connector, number=1)


async def queue_without_a_turn(database_url: str, now: datetime) -> FtaRequest:
    """A Discovery Workshop put in the FTA queue straight in the database, as the demo's
    sample data and imports do: no turn, so no conversation the bot could answer in."""
    database = open_database(database_url)
    requests = SqlRequestRepository(database)
    request = await requests.add(FtaRequest(ALEX, now))
    request.choose_type("discovery_workshop")
    request.fill(COMPLETE["discovery_workshop"])
    request.submit(now, await requests.issue_number(now))
    await requests.save(request)
    await database.dispose()
    return request


async def submit(seller: User) -> int:
    form = await seller.open_form("discovery_workshop")
    await seller.press("submit_request", {**card_state(form), **COMPLETE["discovery_workshop"]})
    return int(card_state(form)["request_id"])


async def offered_to_fta_5(bot, connector, database_url) -> tuple[User, dict]:  # type: ignore[no-untyped-def]
    """Seller 1's Discovery Workshop, offered to FTA 5 (who has a chat with the bot)."""
    architect = User(bot, connector, number=5)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    await submit(User(bot, connector, number=1))
    [offer] = cards_in(connector, "a:personal-5")
    return architect, offer


async def test_the_chosen_fta_gets_an_offer_and_accepting_assigns(bot, connector, seller,
                                                                  database_url) -> None:
    architect = User(bot, connector, number=5)
    await architect.say("hi")  # the FTA has a personal chat with the bot
    await load_roster(database_url, fta(5))

    request_id = await submit(seller)

    [offer] = cards_in(connector, "a:personal-5")
    assert "New request for you" in texts_of(offer) and "Contoso Ltd" in texts_of(offer)
    assert "Why you: relative load 0.33" in texts_of(offer)
    answer = await architect.press("accept_offer", offer_data(offer))
    assert "You accepted. The seller and the account team have been told." in texts_of(
        answer["value"])
    assert await request_state(database_url, request_id) is State.ASSIGNED
    told = cards_in(connector, "a:personal-1")[-1]
    assert "FTA-2026-00001 is assigned to Seller 5" in texts_of(told)
    assert "FastTrack Architect\nSeller 5" in texts_of(told)
    assert "schedules and runs the Discovery Workshop" in texts_of(told)


async def test_only_the_offered_fta_can_answer(bot, connector, seller, database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5), fta(6, capacity=1))
    await submit(seller)
    [offer] = cards_in(connector, "a:personal-5")

    answer = await User(bot, connector, number=6).press("accept_offer", offer_data(offer))
    garbled = await seller.press("accept_offer", {"offer_id": "1"})

    assert answer["type"] == MESSAGE and "someone else" in answer["value"]
    assert garbled["type"] == MESSAGE and "someone else" in garbled["value"]


async def test_a_decline_needs_a_reason_then_moves_to_the_next_fta(bot, connector, seller,
                                                                   database_url) -> None:
    first, second = User(bot, connector, number=5), User(bot, connector, number=6)
    await first.say("hi")
    await second.say("hi")
    await load_roster(database_url, fta(5, capacity=20), fta(6, capacity=10))
    await submit(seller)
    [offer] = cards_in(connector, "a:personal-5")

    no_reason = await first.press("decline_offer", offer_data(offer))
    declined = await first.press("decline_offer", {**offer_data(offer),
                                                   "decline_reason": "On leave that week"})

    assert "Say why you decline" in texts_of(no_reason["value"])
    assert "You declined" in texts_of(declined["value"])
    [moved] = cards_in(connector, "a:personal-6")
    assert "New request for you" in texts_of(moved)


async def test_an_unanswered_offer_times_out_and_moves_on(bot, connector, seller, clock,
                                                          database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await User(bot, connector, number=6).say("hi")
    await load_roster(database_url, fta(5, capacity=20), fta(6, capacity=10))
    await submit(seller)

    clock.advance(timedelta(hours=3))
    await tick(bot)
    assert cards_in(connector, "a:personal-6") == []
    clock.advance(timedelta(days=1))  # past 4 business hours in New York
    await tick(bot)

    assert "New request for you" in texts_of(cards_in(connector, "a:personal-6")[0])


async def test_an_fta_the_bot_cannot_reach_is_reported_and_skipped(bot, connector, seller,
                                                                   database_url) -> None:
    await User(bot, connector, number=6).say("hi")
    await load_roster(database_url, fta(5, capacity=20), fta(6, capacity=10))  # 5 never chatted

    await submit(seller)

    [report] = cards_in(connector, MANAGERS_CHANNEL)
    assert "Could not reach Seller 5" in texts_of(report)
    assert "New request for you" in texts_of(cards_in(connector, "a:personal-6")[0])


async def test_nobody_eligible_escalates_once_and_a_manager_assigns_by_hand(
        bot, connector, seller, database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5, capacity=2))  # a Discovery Workshop weighs 3
    request_id = await submit(seller)
    await tick(bot)  # the queue is retried, not re-escalated

    [escalation] = cards_in(connector, MANAGERS_CHANNEL)
    assert "No FTA could be assigned" in texts_of(escalation)
    assert "no capacity left" in texts_of(escalation)
    outsider = await seller.press("manager_assign", {"request_id": request_id,
                                                     "architect_id": "fta-5"})
    manager = User(bot, connector, number=9, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                   kind="channel")
    answer = await manager.press("manager_assign", {"request_id": request_id,
                                                    "architect_id": "fta-5"})

    assert outsider["type"] == MESSAGE and "Only FTA managers" in outsider["value"]
    assert "assigned to Seller 5 (over capacity, flagged)" in texts_of(answer["value"])
    assert await request_state(database_url, request_id) is State.ASSIGNED
    assert "A manager assigned this request to you" in texts_of(
        cards_in(connector, "a:personal-5")[-1])


async def test_an_escalation_the_managers_channel_could_not_take_is_tried_again(
        bot, connector, clock, database_url) -> None:
    """A request that reached the queue without a turn (imported, or the demo's sample data)
    while the bot knows no conversation yet: it cannot address the managers' channel, so the
    escalation waits for the worker's next pass after someone has written to the bot."""
    await load_roster(database_url)  # nobody: the request needs a manager
    await queue_without_a_turn(database_url, clock())

    await tick(bot)
    assert cards_in(connector, MANAGERS_CHANNEL) == []
    await User(bot, connector, number=5).say("hi")  # a tenant and service URL to post with
    await tick(bot)
    await tick(bot)

    [escalation] = cards_in(connector, MANAGERS_CHANNEL)
    assert "No FTA could be assigned" in texts_of(escalation)


async def test_managers_are_reminded_before_the_deadline_and_alerted_at_breach(
        bot, connector, seller, clock, database_url) -> None:
    await load_roster(database_url)  # nobody: the request waits
    await submit(seller)  # Tuesday 10:00 UTC; deadline Thursday 23:59 Paris

    clock.advance(timedelta(days=1, hours=13))  # Wednesday 23:00 UTC: 24 h before
    await tick(bot)
    clock.advance(timedelta(days=1))
    await tick(bot)

    titles = [texts_of(c).split("\n")[0] for c in cards_in(connector, MANAGERS_CHANNEL)]
    assert titles[0].startswith("No FTA could be assigned")
    assert any(t.startswith("SLA at risk") for t in titles)
    assert titles[-1].startswith("SLA breached")
