"""The database out of reach for a few seconds (its connections cut through a relay, as a
network fault would): a card action is answered 200 with a message to try again, a message is
answered 503 so that Teams delivers it again, nothing is half written, and once the database is
back the same press goes through. Dispatching holds a send it could not record."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from bot.edge.http import RETRY_AFTER_SECONDS, UNAVAILABLE
from settings import Settings
from tests.conftest import POSTGRES_URL, empty_database
from tests.integration.test_outbox_crash import until
from tests.support.activities import card_action, message
from tests.support.driver import User, card_state, texts_of
from tests.support.relay import DatabaseLine, via
from tests.support.requests import COMPLETE

pytestmark = [pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set"),
              pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
              pytest.mark.alone]  # it times outages: run with the machine to itself


@pytest.fixture
async def line() -> AsyncIterator[DatabaseLine]:
    target = urlsplit(POSTGRES_URL)
    relay = DatabaseLine((target.hostname or "127.0.0.1", target.port or 5432))
    yield relay
    relay.close()


async def test_turns_during_a_database_outage_ask_to_try_again_and_lose_nothing(
        line: DatabaseLine, aiohttp_client, settings: Settings, clock, connector) -> None:
    from app import create_app

    await empty_database(POSTGRES_URL)
    app = create_app(replace(settings, database_url=via(POSTGRES_URL, line.port)), clock=clock)
    client = await aiohttp_client(app)
    seller = User(client, connector, number=7)
    form = await seller.open_form("discovery_workshop")
    data = {**card_state(form), **COMPLETE["discovery_workshop"]}
    where = seller._where()

    line.cut(60)
    press = card_action(connector.url, "submit_request", data, replyToId="card-7", **where)
    answer = await client.post("/api/messages", json=press)
    assert answer.status == 200 and await answer.json() == UNAVAILABLE
    typed = await client.post("/api/messages", json=message(connector.url, "help", **where))
    assert typed.status == 503 and typed.headers["Retry-After"] == RETRY_AFTER_SECONDS

    line.restore()
    again = await client.post("/api/messages", json=press)  # Teams' retry: the same activity
    assert again.status == 200
    confirmation = (await again.json())["value"]
    assert "FTA-" in texts_of(confirmation) and "submitted" in texts_of(confirmation).lower()
    # (the notice that the managers have it, as nobody is on the roster, may arrive too)
    [listed] = [c for s in await seller.say("my requests")
                if s.conversation_id == seller.conversation
                for c in s.cards if texts_of(c).startswith("My requests")]
    assert "In the FTA assignment queue" in texts_of(listed)
    metrics = await (await client.get("/metrics")).text()  # the two turns in the outage
    assert 'fta_turns_failed_total{type="invoke"} 1.0' in metrics
    assert 'fta_turns_failed_total{type="message"} 1.0' in metrics


async def test_a_send_whose_record_fails_is_recorded_once_the_database_is_back(
        line: DatabaseLine, aiohttp_client, settings: Settings, clock, connector) -> None:
    from app import create_app, outbox_key

    await empty_database(POSTGRES_URL)
    app = create_app(replace(settings, database_url=via(POSTGRES_URL, line.port),
                             outbox_lease_seconds=30), clock=clock)
    client = await aiohttp_client(app)
    seller = User(client, connector, number=8)
    form = await seller.open_form("land_ftc_benefit")
    connector.hang_next(0.5, settings.ftchelp_channel_id, then_take=True)  # a slow Teams
    data = {**card_state(form), **COMPLETE["land_ftc_benefit"]}
    press = card_action(connector.url, "submit_request", data, replyToId="card-8",
                        **seller._where())
    assert (await client.post("/api/messages", json=press)).status == 200
    await until(lambda: connector.held == 1)  # the app has sent the ticket; Teams holds it
    line.cut(1.0)  # and the database goes, for a second, before the answer comes
    await asyncio.sleep(1.5)
    for _ in range(50):  # the record is tried again until it is taken
        if not (await app[outbox_key].depth()).waiting:
            break
        await asyncio.sleep(0.1)
    tickets = [s for s in connector.sent if s.conversation_id == settings.ftchelp_channel_id
               and s.method == "POST"]
    assert len(tickets) == 1
    assert (await app[outbox_key].depth()).waiting == 0  # recorded after the outage, long
    # before its 30-second lease would have lapsed and sent it again


async def test_a_turn_after_the_database_dropped_its_connections_goes_through(
        line: DatabaseLine, aiohttp_client, settings: Settings, clock, connector) -> None:
    """A restart or failover drops the pooled connections while nobody is using them: the
    next turn's first statement finds one dead and claims again on a new connection."""
    from app import create_app

    await empty_database(POSTGRES_URL)
    app = create_app(replace(settings, database_url=via(POSTGRES_URL, line.port)), clock=clock)
    client = await aiohttp_client(app)
    seller = User(client, connector, number=9)
    form = await seller.open_form("discovery_workshop")  # the pool now holds connections
    line.cut(0.0)
    line.restore()
    answer = await seller.press("submit_request",
                                {**card_state(form), **COMPLETE["discovery_workshop"]})
    assert "submitted" in texts_of(answer["value"]).lower()
