"""/api/messages refuses bad requests with the right 4xx, never 500; /healthz says the process
is alive, /readyz whether the database is reachable and current, /metrics what Prometheus
scrapes."""

from __future__ import annotations

import pytest

from tests.support.activities import message
from tests.support.driver import User

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_malformed_json_is_a_400(bot) -> None:
    response = await bot.post("/api/messages", data=b"{not json",
                              headers={"Content-Type": "application/json"})
    assert response.status == 400


async def test_json_nested_deeper_than_python_reads_is_a_400(bot) -> None:
    response = await bot.post("/api/messages", data="[" * 5000 + "]" * 5000,
                              headers={"Content-Type": "application/json"})
    assert response.status == 400


async def test_a_wrong_content_type_is_a_415(bot) -> None:
    response = await bot.post("/api/messages", data=b"help",
                              headers={"Content-Type": "text/plain"})
    assert response.status == 415


async def test_a_body_over_256_kb_is_a_413(bot, connector) -> None:
    body = message(connector.url, "x" * (257 * 1024))
    response = await bot.post("/api/messages", json=body)
    assert response.status == 413
    assert connector.sent == []


async def test_a_body_over_256_kb_without_content_length_is_a_413(bot) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"type": "message", "text": "'
        for _ in range(300):
            yield b"x" * 1024
        yield b'"}'

    response = await bot.post("/api/messages", data=chunks(),
                              headers={"Content-Type": "application/json"})
    assert response.status == 413


@pytest.mark.parametrize("body", [[], "help", 42, {}, {"type": "message"},
                                  {"type": "message", "conversation": "oops"},
                                  {"type": 7, "conversation": {"id": 3}},
                                  {**message("https://x", "help"), "recipient": None}])
async def test_json_that_is_not_an_activity_is_a_400(bot, body) -> None:
    response = await bot.post("/api/messages", json=body)
    assert response.status == 400


async def test_get_on_messages_is_not_allowed(bot) -> None:
    response = await bot.get("/api/messages")
    assert response.status == 405


async def test_healthz_says_alive_and_readyz_reports_the_database(bot, database_url) -> None:
    alive = await bot.get("/healthz")
    ready = await bot.get("/readyz")

    assert alive.status == 200 and await alive.json() == {"status": "ok"}
    assert ready.status == 200
    body = await ready.json()
    assert body.pop("graph")["configured"] is False
    assert body == {
        "status": "ready",
        "database": {"dialect": database_url.split("+")[0], "reachable": True,
                     "migrations_current": True},
    }


async def test_readyz_says_what_the_ftas_do_by_hand_without_graph_and_stays_ready(bot) -> None:
    ready = await bot.get("/readyz")

    assert ready.status == 200 and (await ready.json())["graph"] == {
        "configured": False,
        "without_it": "the bot cannot book the internal call (FTAs book it themselves, then "
                      "press Call completed) and sends no assignment e-mail"}


async def test_metrics_expose_turn_latency_and_the_queues(bot, connector) -> None:
    await User(bot, connector, number=1).say("help")

    response = await bot.get("/metrics")

    text = await response.text()
    assert response.status == 200 and response.content_type.startswith("text/plain")
    assert 'fta_turn_seconds_count{type="message"} 1.0' in text
    assert "fta_turns_failed_total{" not in text  # counted only once a turn breaks
    for gauge in ("fta_outbox_waiting 0.0", "fta_outbox_oldest_age_seconds 0.0",
                  "fta_outbox_dead 0.0", "fta_offers_pending 0.0", "fta_sla_breaches 0.0",
                  "fta_turns_waiting 0.0"):
        assert gauge in text
