"""The same activity delivered twice (Teams retries when a turn is slow) runs once, and the
second delivery gets the first answer; every activity is a line of the audit log, refused
actions included."""

from __future__ import annotations

from sqlalchemy import func, select

from app import database_key
from storage.activity_log import SqlActivityLog
from storage.tables import requests
from tests.integration.test_offers_over_http import (
    cards_in,
    fta,
    load_roster,
    offer_data,
    offered_to_fta_5,
)
from tests.support.activities import card_action, message
from tests.support.driver import User, card_state
from tests.support.requests import COMPLETE


async def test_a_submission_delivered_twice_is_submitted_once(bot, connector,
                                                              database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5))
    seller = User(bot, connector, number=1)
    form = await seller.open_form("discovery_workshop")
    body = card_action(connector.url, "submit_request",
                       {**card_state(form), **COMPLETE["discovery_workshop"]},
                       replyToId="card-1", **seller._where())

    await seller.send(body)
    answers = [await (await bot.post("/api/messages", json=body)).json() for _ in range(2)]
    await seller.send(message(connector.url, "hi", **seller._where()))

    assert all(a == answers[0] for a in answers) and "FTA-2026-00001" in str(answers[0])
    assert len(cards_in(connector, "a:personal-5")) == 1  # one offer, not two
    async with bot.server.app[database_key].connect() as connection:
        submitted = (await connection.execute(select(func.count()).where(
            requests.c.state != "draft"))).scalar()
    assert submitted == 1


async def test_a_message_delivered_twice_is_answered_once(bot, connector) -> None:
    seller = User(bot, connector, number=1)
    body = message(connector.url, "help", **seller._where())

    replies = [await seller.send(body) for _ in range(2)]

    assert len(replies[0]) == 1 and replies[1] == []


async def test_the_audit_log_says_who_did_what_and_keeps_refusals(bot, connector,
                                                                  database_url) -> None:
    architect, offer = await offered_to_fta_5(bot, connector, database_url)
    outsider = User(bot, connector, number=7)
    await outsider.press("accept_offer", offer_data(offer))
    await architect.press("accept_offer", offer_data(offer))

    trail = await SqlActivityLog(bot.server.app[database_key]).for_request(1)

    lines = [(t["actor"][-2:], t["action"], t["outcome"]) for t in trail]
    assert ("01", "submit_request", "done") in lines
    assert ("07", "accept_offer", "refused") in lines
    assert ("05", "accept_offer", "done") in lines
    assert all(t["activity_id"] for t in trail)
