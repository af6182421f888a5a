"""Data privacy: closed requests lose their personal and customer data after the retention
period, and the logs of a whole run carry ids, never names, e-mails or customer text."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, Text, cast, select, update

from app import database_key
from storage.tables import bot_state, ftop_assignments, offers, requests, timers
from tests.conftest import FIXED_NOW, FTCHELP_CHANNEL, MANAGERS_CHANNEL
from tests.integration.test_offers_over_http import (
    cards_in,
    fta,
    load_roster,
    offer_data,
    offered_to_fta_5,
)
from tests.support.activities import person
from tests.support.driver import User, card_state, tick
from tests.support.requests import COMPLETE

PRIVATE = ("Contoso", "contoso.onmicrosoft.com", "ae@contoso.com", "csam@contoso.com",
           "Seller 1", "user-1@contoso.com", "Seller 5", "Are 140 E3", "SOW.docx")


async def assign_one(bot, connector, database_url) -> int:  # type: ignore[no-untyped-def]
    architect, offer = await offered_to_fta_5(bot, connector, database_url)
    await architect.press("accept_offer", offer_data(offer))
    return int(offer_data(offer)["request_id"])


async def test_requests_untouched_for_the_retention_period_are_purged_in_any_state(
        bot, connector, clock, database_url) -> None:
    request_id = await assign_one(bot, connector, database_url)
    clock.advance(timedelta(days=200))
    waiting = User(bot, connector, number=2)
    form = await waiting.open_form("ecif_review")
    await waiting.press("submit_request", {**card_state(form), **COMPLETE["ecif_review"]})

    await tick(bot)  # within retention: nothing is purged
    database = bot.server.app[database_key]
    async with database.connect() as connection:
        states = (await connection.execute(select(bot_state.c.key))).all()
    assert len(states) == 2  # the sellers' form defaults (their account team contacts)
    clock.advance(timedelta(days=200))
    await tick(bot)

    async with database.connect() as connection:
        assert len((await connection.execute(select(bot_state.c.key))).all()) == 1
        rows = {r.id: r for r in (await connection.execute(select(requests))).all()}
        record = (await connection.execute(select(ftop_assignments.c.document).where(
            ftop_assignments.c.request_id == request_id))).scalar_one()
    purged, kept = rows[request_id], rows[int(card_state(form)["request_id"])]
    assert purged.requester_name == "(purged)" and purged.requester_email == ""
    assert purged.values == {"segment": "enterprise", "region": "NA", "country": "US",
                             "workloads": "exchange,teams", "seats": "5000"}
    assert record["customer"] == "(purged)" and record["fta"]["name"] == "(purged)"
    assert kept.values["customer"] == "Contoso Ltd"  # submitted 200 days ago: kept
    clock.advance(timedelta(days=200))
    await tick(bot)  # still waiting for an FTA, and untouched for 400 days: purged too
    async with database.connect() as connection:
        kept = (await connection.execute(select(requests).where(
            requests.c.id == kept.id))).one()
    assert kept.requester_name == "(purged)" and "customer" not in kept.values


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


MARKER = "zqx"  # in every name, e-mail, link and free text the run below types
MARKED = {"customer": "Contoso ZQX Ltd", "tenant": "zqx.onmicrosoft.com",
          "atu_contact": "ae.zqx@contoso.com", "csu_contact": "csam.zqx@contoso.com",
          "notes": "Board meets ZQX Friday",
          "sow": "https://contoso.sharepoint.com/sites/zqx/SOW.docx",
          "staffing": "https://contoso.sharepoint.com/sites/zqx/Staffing.xlsx", "cost": ""}


def marked_user(bot, connector, number: int, **where) -> User:  # type: ignore[no-untyped-def]
    """A person whose display name carries the marker."""
    return User(bot, connector, number=number, **where,
                extra={"user": {**person(number), "name": f"Person {number} ZQX"}})


async def fill_every_table(bot, connector, database_url) -> None:  # type: ignore[no-untyped-def]
    """A request declined, accepted and reviewed; an FAQ answer never confirmed; a ticket
    taken and never resolved; an abandoned draft; a file sent. Every text carries MARKER."""
    first, second = marked_user(bot, connector, 5), marked_user(bot, connector, 6)
    await first.say("hi")
    await second.say("hi")
    await load_roster(database_url, fta(5, capacity=20), fta(6, capacity=10))
    seller, other = marked_user(bot, connector, 1), marked_user(bot, connector, 2)
    await seller.open_form("discovery_workshop")
    [form] = await seller.send(seller.activity(text="cost", attachments=[{
        "contentType": "application/vnd.microsoft.teams.file.download.info",
        "name": "Cost ZQX.xlsx", "contentUrl": "https://contoso-my.sharepoint.com/zqx/C.xlsx"}]))
    await seller.press("submit_request", {**card_state(form.cards[0]),
                                          **COMPLETE["discovery_workshop"], **MARKED})
    [offer] = cards_in(connector, "a:personal-5")
    await first.press("decline_offer", {**offer_data(offer), "decline_reason": "On ZQX leave"})
    [offer] = cards_in(connector, "a:personal-6")
    manager = marked_user(bot, connector, 9, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                          kind="channel")
    later = (FIXED_NOW + timedelta(days=10)).date().isoformat()
    await manager.press("manager_extend", {**offer_data(offer), "deadline": later,
                                           "extend_reason": "ZQX asked for more time"})
    await second.press("accept_offer", offer_data(offer))
    await manager.press("manager_reassign", {**offer_data(offer), "reassign_to": "fta-5",
                                             "reassign_reason": "ZQX moved teams"})
    await manager.press("manager_reassign", {**offer_data(offer), "reassign_to": "fta-6",
                                             "reassign_reason": "ZQX back again"})
    await second.press("record_review", {**offer_data(offer), "outcome": "proposed",
                                         "detail": "Workshop ZQX on 3 December"})
    faq = await seller.open_form("sales_support")
    await seller.press("submit_request", {**card_state(faq), **COMPLETE["sales_support"],
                                          **MARKED, "question": "Are ZQX seats eligible?"})
    ticket = await other.open_form("land_ftc_benefit")
    await other.press("submit_request", {**card_state(ticket), **COMPLETE["land_ftc_benefit"],
                                         **MARKED, "csp": MARKED["sow"]})
    [posted] = [c for s in connector.sent if s.conversation_id == FTCHELP_CHANNEL
                and s.method == "POST" for c in s.cards]
    agent = marked_user(bot, connector, 7, conversation=f"{FTCHELP_CHANNEL};messageid=7",
                        kind="channel")
    await agent.press("ticket_assign_to_me", card_state(posted))
    draft = await other.open_form("ecif_review")
    await other.press("submit_request", {**card_state(draft), "customer": "Draft ZQX Ltd"})


async def marked_cells(database) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(table, column, value) of every cell holding MARKER, in every table the database has
    (read from the database itself, so a table added later is scanned too), cast to text."""
    def scan(sync_connection) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
        schema = MetaData()
        schema.reflect(sync_connection)
        found = []
        for table in schema.sorted_tables:
            columns = [cast(column, Text) for column in table.columns]
            for row in sync_connection.execute(select(*columns)):
                found += [(table.name, column.name, str(cell)[:120])
                          for column, cell in zip(table.columns, row, strict=True)
                          if cell is not None and MARKER in str(cell).lower()]
        return found

    async with database.engine.connect() as connection:
        return await connection.run_sync(scan)


async def test_after_the_retention_period_no_table_holds_a_name_or_anything_typed(
        bot, connector, clock, database_url) -> None:
    await fill_every_table(bot, connector, database_url)
    database = bot.server.app[database_key]
    filled = {table for table, _, _ in await marked_cells(database)}
    clock.advance(timedelta(days=30))
    await tick(bot)  # the reminders and escalations of a month, all sent long ago
    clock.advance(timedelta(days=366))

    await tick(bot)

    # Conversation references and card posts hold ids only: no display name is kept there.
    assert filled >= {"requests", "offers", "activity_log", "outbox", "ftop_assignments",
                      "bot_state"}
    assert sorted({(table, column) for table, column, _ in await marked_cells(database)}) == []


async def test_an_engagement_still_running_keeps_its_details_however_long_untouched(
        bot, connector, clock, database_url) -> None:
    request_id = await assign_one(bot, connector, database_url)
    database = bot.server.app[database_key]
    async with database.begin() as connection:  # an engagement of more than a year
        await connection.execute(update(offers).where(offers.c.request_id == request_id)
                                 .values(engagement_ends_at=clock() + timedelta(days=500)))
    clock.advance(timedelta(days=400))
    await tick(bot)

    async with database.connect() as connection:
        row = (await connection.execute(select(requests).where(
            requests.c.id == request_id))).one()
    assert row.requester_name == "Seller 1" and row.values["customer"] == "Contoso Ltd"
