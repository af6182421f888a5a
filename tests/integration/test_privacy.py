"""Data privacy: closed requests lose their personal and customer data after the retention
period, and the logs of a whole run carry ids, never names, e-mails or customer text."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import database_key
from storage.tables import bot_state, ftop_assignments, requests, timers
from tests.integration.test_offers_over_http import offer_data, offered_to_fta_5
from tests.support.driver import User, card_state, tick
from tests.support.requests import COMPLETE

PRIVATE = ("Contoso", "contoso.onmicrosoft.com", "ae@contoso.com", "csam@contoso.com",
           "Seller 1", "user-1@contoso.com", "Seller 5", "Are 140 E3", "SOW.docx")


async def assign_one(bot, connector, database_url) -> int:  # type: ignore[no-untyped-def]
    architect, offer = await offered_to_fta_5(bot, connector, database_url)
    await architect.press("accept_offer", offer_data(offer))
    return int(offer_data(offer)["request_id"])


async def test_closed_requests_are_purged_after_the_retention_period(bot, connector, clock,
                                                                     database_url) -> None:
    request_id = await assign_one(bot, connector, database_url)
    waiting = User(bot, connector, number=2)
    form = await waiting.open_form("ecif_review")
    await waiting.press("submit_request", {**card_state(form), **COMPLETE["ecif_review"]})

    await tick(bot)  # within retention: nothing is purged
    database = bot.server.app[database_key]
    async with database.connect() as connection:
        states = (await connection.execute(select(bot_state.c.key))).all()
    assert len(states) == 2  # the sellers' form defaults (their account team contacts)
    clock.advance(timedelta(days=366))
    await tick(bot)

    async with database.connect() as connection:
        assert (await connection.execute(select(bot_state.c.key))).all() == []
        rows = {r.id: r for r in (await connection.execute(select(requests))).all()}
        record = (await connection.execute(select(ftop_assignments.c.document).where(
            ftop_assignments.c.request_id == request_id))).scalar_one()
    purged, kept = rows[request_id], rows[int(card_state(form)["request_id"])]
    assert purged.requester_name == "(purged)" and purged.requester_email == ""
    assert purged.values == {"segment": "enterprise", "region": "NA", "country": "US",
                             "workloads": "exchange,teams", "seats": "5000"}
    assert record["customer"] == "(purged)" and record["fta"]["name"] == "(purged)"
    assert kept.values["customer"] == "Contoso Ltd"  # still waiting for an FTA: not closed


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_logs_of_a_whole_run_hold_no_names_or_customer_data(
        bot, connector, database_url, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    await assign_one(bot, connector, database_url)
    seller = User(bot, connector, number=1)
    form = await seller.open_form("sales_support")
    await seller.press("submit_request", {**card_state(form), **COMPLETE["sales_support"],
                                          "topic": "other"})
    await seller.press("submit_request", {"request_id": 999, "version": 1})  # not theirs
    connector.fail_next(403, conversation="a:personal-1")
    await User(bot, connector, number=5).press("record_review", {
        "request_id": 1, "outcome": "proposed", "detail": "Contoso workshop on 3 December"})

    lines = [f"{r.getMessage()} {r.__dict__}" for r in caplog.records]
    assert sum("refused" in line or "dead after" in line for line in lines) == 2
    assert len(lines) > 20  # the run did log: the app's lines and every HTTP exchange
    leaks = [(word, line[:200]) for line in lines for word in PRIVATE if word in line]
    assert leaks == []


async def test_the_purge_is_one_leased_timer_run_hourly_by_whoever_claims_it(bot,
                                                                              clock) -> None:
    async def purges() -> list[tuple[bool, object]]:
        query = select(timers.c.done_at.is_not(None), timers.c.due_at).where(
            timers.c.kind == "retention_purge").order_by(timers.c.id)
        async with bot.server.app[database_key].connect() as connection:
            return [tuple(row) for row in (await connection.execute(query)).all()]

    await tick(bot)
    await tick(bot)  # within the hour: the next purge is already pending, none is added
    assert [done for done, _ in await purges()] == [True, False]
    clock.advance(timedelta(hours=1))
    await tick(bot)
    assert [done for done, _ in await purges()] == [True, True, False]
