"""A bot process killed (SIGKILL) while Teams holds its send: after a restart on the same
database the notice is delivered, and delivered once."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from tests.e2e import harness
from tests.support.connector import FakeConnector
from tests.support.driver import User, card_state
from tests.support.requests import COMPLETE

pytestmark = pytest.mark.alone  # a process killed mid-send: run with the machine to itself

LEASE_SECONDS = "2"


async def until(condition, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def tickets(connector: FakeConnector) -> list[object]:
    return [s for s in connector.sent
            if s.method == "POST" and s.conversation_id == harness.FTCHELP_CHANNEL]


async def test_a_notice_in_flight_when_the_process_dies_is_delivered_once_after_restart(
        connector, tmp_path: Path) -> None:
    port = harness.free_port()
    env = {"OUTBOX_LEASE_SECONDS": LEASE_SECONDS, "OUTBOX_SEND_TIMEOUT_SECONDS": "30"}
    bot = harness.start_bot(tmp_path, port, env)
    try:
        connector.hang_next(5.0, harness.FTCHELP_CHANNEL)  # Teams holds the ticket's post
        async with aiohttp.ClientSession(base_url=bot.url) as client:
            seller = User(client, connector, number=1)
            [sent] = await seller.say("request FTA")
            form = (await seller.press("choose_request_type", {
                **card_state(sent.cards[0]), "request_type": "land_ftc_benefit"}))["value"]
            await seller.press("submit_request", {**card_state(form),
                                                  **COMPLETE["land_ftc_benefit"]})
        await until(lambda: connector.held == 1)

        bot.kill()  # mid-delivery: the send is neither answered nor recorded
        assert tickets(connector) == []

        bot = harness.start_bot(tmp_path, port, env)  # same database file
        await until(lambda: len(tickets(connector)) >= 1)
        await asyncio.sleep(float(LEASE_SECONDS) + 1.0)  # time enough for a second send
        assert len(tickets(connector)) == 1
    finally:
        bot.stop()
