"""Admission over HTTP: with every slot taken by a slow turn, a card action that cannot start
in time is answered 200 ("busy, press again") and a message 503 with Retry-After, nothing is
changed, and the same press goes through once the slot is free."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from bot.edge.http import BUSY, RETRY_AFTER_SECONDS, admission_key
from settings import Settings
from tests.conftest import empty_database
from tests.support.activities import card_action, message
from tests.support.driver import User, card_state, texts_of

pytestmark = pytest.mark.alone  # a 0.2 s queue's patience: run with the machine to itself


async def test_turns_that_cannot_start_in_time_are_refused_and_lose_nothing(
        aiohttp_client, settings: Settings, database_url: str, clock, connector) -> None:
    from app import create_app

    await empty_database(database_url)
    client = await aiohttp_client(create_app(
        replace(settings, max_concurrent_turns=1, turn_queue_seconds=0.2), clock=clock))
    waiting = User(client, connector, number=2)
    press = card_action(connector.url, "open_request", {}, replyToId="card-2",
                        **waiting._where())
    # The one slot taken for longer than the queue's patience, as a turn busy with the
    # database would hold it.
    async with client.server.app[admission_key].turn():
        pressing = asyncio.create_task(client.post("/api/messages", json=press))
        await asyncio.sleep(0.05)
        assert "fta_turns_waiting 1.0" in await (await client.get("/metrics")).text()
        refused = await pressing
        assert refused.status == 200 and await refused.json() == BUSY
        typed = await client.post("/api/messages", json=message(connector.url, "help",
                                                                **waiting._where()))
        assert typed.status == 503 and typed.headers["Retry-After"] == RETRY_AFTER_SECONDS

    again = await client.post("/api/messages", json=press)  # the same press, now in time
    assert again.status == 200
    card = (await again.json())["value"]
    assert "Request a FastTrack Architect" in texts_of(card)
    assert card_state(card)["request_id"] == 1  # the refused press made no draft of its own
