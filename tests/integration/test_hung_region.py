"""One Teams region that hangs (its service URL holds every call) stalls nobody else: turns
on a healthy service URL are answered and their replies delivered at once, calls into the
hung one are bounded (a bulkhead, then a circuit breaker), and no apology is sent into it."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

import pytest

from app import outbox_key
from cards import verbs
from domain.outbox import Kind, Notice
from settings import Settings
from tests.conftest import empty_database
from tests.integration.test_offers_over_http import cards_in, fta, load_roster
from tests.support.activities import BOT_ID, TENANT, card_action, message, person
from tests.support.connector import FakeConnector
from tests.support.driver import User, card_state, delivered
from tests.support.requests import COMPLETE

pytestmark = pytest.mark.alone  # it measures time: run with the machine to itself

HUNG, HEALTHY = "emea", "amer"
CARD = "application/vnd.microsoft.card.adaptive"
PAUSE = 2.0  # seconds a service URL is left alone once its circuit opens (the `quick` app)


def help_cards(connector: FakeConnector, number: int, region: str = HEALTHY) -> list[float]:
    """When the help card for user ``number`` reached ``region``."""
    return [s.at for s in connector.sent
            if s.region == region and s.conversation_id == f"a:personal-{number}" and s.cards]


def asks_help(connector: FakeConnector, region: str, number: int) -> dict[str, Any]:
    return message(connector.region_url(region), "help", user=person(number),
                   conversation=f"a:personal-{number}")


async def until(condition: Any, seconds: float = 5.0) -> None:
    """Wait for ``condition`` (checked every 10 ms); fail if it is not true in time."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        await asyncio.sleep(0.01)


async def posted(client: Any, body: dict[str, Any]) -> tuple[int, float]:
    """The status of one turn, and how long it took to be answered."""
    started = time.monotonic()
    response = await client.post("/api/messages", json=body)
    response.release()
    return response.status, time.monotonic() - started


@pytest.fixture
async def hung_turns(bot, connector):  # type: ignore[no-untyped-def]
    """30 help turns from the hung region, in flight until the test ends."""
    connector.hang_region(HUNG)
    turns = [asyncio.create_task(posted(bot, asks_help(connector, HUNG, 100 + n)))
             for n in range(30)]
    await until(lambda: connector.calls_to_hung >= 10)
    yield turns
    connector.release_regions()
    await asyncio.gather(*turns)


@pytest.fixture
async def quick(aiohttp_client, settings: Settings, database_url: str, clock):  # type: ignore[no-untyped-def]
    """The real app with short send time-outs: at most 3 calls in flight to one service URL,
    2 unanswered calls in a row open its circuit for PAUSE seconds (long enough that a turn
    on a loaded machine still falls inside it)."""
    from app import create_app

    await empty_database(database_url)
    return await aiohttp_client(create_app(replace(
        settings, outbox_send_timeout_seconds=0.3, service_url_max_calls=3,
        service_url_failures_to_open=2, service_url_pause_seconds=PAUSE), clock=clock))


async def test_a_healthy_region_is_answered_and_its_reply_delivered_within_a_second(
        bot, connector, hung_turns) -> None:
    started = time.monotonic()
    status, took = await posted(bot, asks_help(connector, HEALTHY, 1))
    assert (status, took < 1.0) == (201, True)
    [arrived] = help_cards(connector, 1)
    assert arrived - started < 1.0

    started = time.monotonic()
    pressed = await bot.post("/api/messages", json=card_action(
        connector.region_url(HEALTHY), verbs.SHOW_HELP, user=person(2),
        conversation="a:personal-2"))
    assert pressed.status == 200
    assert (await pressed.json())["type"] == CARD
    assert time.monotonic() - started < 1.0
    assert not any(turn.done() for turn in hung_turns)  # they hung all along


async def test_an_invoke_from_a_hung_region_is_answered_without_waiting_on_it(
        bot, connector) -> None:
    # A new seller's "Request an FTA" asks Teams' roster for their e-mail.
    connector.hang_region(HUNG)
    started = time.monotonic()
    pressed = await bot.post("/api/messages", json=card_action(
        connector.region_url(HUNG), verbs.OPEN_REQUEST, user=person(3),
        conversation="a:personal-3"))
    assert pressed.status == 200
    assert (await pressed.json())["type"] == CARD
    assert time.monotonic() - started < 2.0
    assert connector.calls_to_hung == 1


async def test_no_more_calls_than_its_bulkhead_allows_go_into_a_hung_region(
        quick, connector) -> None:
    connector.hang_region(HUNG)
    turns = [asyncio.create_task(posted(quick, asks_help(connector, HUNG, 100 + n)))
             for n in range(8)]
    await until(lambda: connector.calls_to_hung >= 3)
    await asyncio.sleep(0.2)
    assert connector.calls_to_hung == 3
    connector.release_regions()
    await asyncio.gather(*turns)


async def test_the_apology_for_a_failed_turn_is_not_sent_into_the_region_that_timed_out(
        quick, connector) -> None:
    connector.hang_region(HUNG)
    status, _ = await posted(quick, asks_help(connector, HUNG, 4))
    assert status == 201
    assert connector.calls_to_hung == 1  # the help card only: no "Sorry" after it


async def test_a_region_that_stopped_answering_is_left_alone_until_its_pause_ends(
        quick, connector) -> None:
    connector.hang_region(HUNG)
    for number in (5, 6):
        await posted(quick, asks_help(connector, HUNG, number))
    assert connector.calls_to_hung == 2  # unanswered twice in a row: the circuit opens

    opened = time.monotonic()
    status, _ = await posted(quick, asks_help(connector, HUNG, 7))
    assert time.monotonic() - opened < PAUSE, "the turn outlasted the pause: nothing was tested"
    assert (status, connector.calls_to_hung) == (201, 2)  # answered, and the region not called

    connector.release_regions()  # the region is back
    await asyncio.sleep(PAUSE)
    await posted(quick, asks_help(connector, HUNG, 8))
    assert help_cards(connector, 8, HUNG)


def hung_region_notice(connector: FakeConnector, number: int) -> Notice:
    """A card for user ``number`` whose chat is in the hung region, as the poster writes it."""
    reference = {"serviceUrl": connector.region_url(HUNG), "channelId": "msteams",
                 "bot": {"id": BOT_ID}, "user": person(number),
                 "conversation": {"id": f"a:personal-{number}", "tenantId": TENANT}}
    card = {"type": "AdaptiveCard", "version": "1.5",
            "body": [{"type": "TextBlock", "text": "Your request moved on"}]}
    return Notice(Kind.POST, f"a:personal-{number}", {
        "reference": reference, "activity": {"type": "message", "attachments": [
            {"contentType": CARD, "content": card}]}}, tenant_id=TENANT, audience="a seller")


async def test_an_outbox_notice_to_a_healthy_region_is_not_held_behind_a_hung_one(
        bot, connector, database_url) -> None:
    architect, seller = User(bot, connector, number=5), User(bot, connector, number=1)
    await architect.say("hi")  # the FTA's chat is on the healthy service URL
    await load_roster(database_url, fta(5))
    form = await seller.open_form("discovery_workshop")

    connector.hang_region(HUNG)
    for number in (201, 202, 203):  # cards into three chats of the hung region, sent first
        await bot.server.app[outbox_key].add(hung_region_notice(connector, number))
    await until(lambda: connector.calls_to_hung == 3)

    started = time.monotonic()
    submitted = await bot.post("/api/messages", json=card_action(
        connector.url, "submit_request", {**card_state(form), **COMPLETE["discovery_workshop"]},
        user=person(1), conversation="a:personal-1", replyToId="card-1"))
    assert submitted.status == 200
    await until(lambda: cards_in(connector, "a:personal-5"), seconds=2.0)
    assert time.monotonic() - started < 2.0
    assert connector.calls_to_hung == 3 and not help_cards(connector, 201, HUNG)  # still held
    connector.release_regions()
    await delivered(bot)
    assert {s.conversation_id for s in connector.sent if s.region == HUNG} == {
        "a:personal-201", "a:personal-202", "a:personal-203"}


async def test_notices_beyond_a_hung_regions_call_slots_wait_in_the_outbox_not_in_flight(
        aiohttp_client, settings: Settings, database_url: str, clock, connector) -> None:
    """They neither spend the tenant's send budget nor hold a delivery task while the calls
    ahead of them hang: they are put back and tried again later."""
    from app import create_app

    await empty_database(database_url)
    bot = await aiohttp_client(create_app(replace(settings, service_url_max_calls=2),
                                          clock=clock))
    connector.hang_region(HUNG)
    outbox = bot.server.app[outbox_key]
    for number in (211, 212):
        await outbox.add(hung_region_notice(connector, number))
    await until(lambda: connector.calls_to_hung == 2)
    await asyncio.sleep(1.1)  # the two calls have held every slot for over a second
    for number in (213, 214, 215):
        await outbox.add(hung_region_notice(connector, number))
    await asyncio.sleep(0.3)
    states = (await outbox.depth()).by_state
    assert (states.get("sending"), states.get("pending")) == (2, 3)
    assert connector.calls_to_hung == 2
    connector.release_regions()
    await delivered(bot)
    assert len({s.conversation_id for s in connector.sent if s.region == HUNG}) == 5
