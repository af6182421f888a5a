"""The desk's queue and CSV over HTTP in the demo (no MicrosoftAppId: no token, the
Playground's user as a manager): the sample requests listed, filters and paging done by the
server, bad parameters a 400, the CSV Excel opens; and the role rule on cards: a member of the
managers' channel's team is a manager from any chat."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

from app import database_key
from bot.edge.http import clock_key
from bot.roster_desk import MANAGERS_ONLY
from storage import sample_data
from storage.requests import SqlRequestRepository
from tests.conftest import MANAGERS_CHANNEL
from tests.integration.test_offers_over_http import (
    cards_in,
    offer_data,
    offered_to_fta_5,
    queue_without_a_turn,
)
from tests.support.driver import User, texts_of
from tests.support.requests import COMPLETE

TEAM = "19:team@thread.tacv2"  # the team tests/support/activities puts channels in


async def queue(bot: Any, query: str = "") -> dict[str, Any]:
    response = await bot.get(f"/api/queue{query}")
    assert response.status == 200, await response.text()
    answer: dict[str, Any] = await response.json()
    return answer


async def test_the_demo_lists_the_sample_requests_without_a_token(bot, clock) -> None:
    await sample_data.load(bot.server.app[database_key], clock.now)

    answer = await queue(bot)

    assert answer["viewer"] == {"name": "Alex Wilber", "demo": True,
                                "roles": ["manager", "ftchelp", "fta", "seller"]}
    [row] = answer["rows"]
    assert (row["number"], row["customer"], row["type"]) == (
        "FTA-2026-00001", "Fabrikam Inc", "Discovery Workshop")
    assert (row["segment"], row["region"], row["state"]) == ("Enterprise", "North America",
                                                             "waiting")
    assert row["seconds_left"] > 0 and not row["overdue"]
    [ticket] = (await queue(bot, "?section=tickets"))["rows"]
    assert (ticket["number"], ticket["priority"], ticket["agent"]) == ("FTA-2026-00002", "high",
                                                                      None)


async def desk_of_four(bot: Any, connector: Any, database_url: str) -> None:
    """One request accepted by FTA 5, one waiting (Contoso, enterprise/NA), one waiting in
    SMC/EMEA and one more waiting with Alex's defaults."""
    architect, offer = await offered_to_fta_5(bot, connector, database_url)
    await architect.press("accept_offer", offer_data(offer))
    await queue_without_a_turn(database_url, _now(bot))
    database = bot.server.app[database_key]
    requests = SqlRequestRepository(database)
    smc = await requests.get((await queue_without_a_turn(database_url, _now(bot))).id)
    assert smc is not None
    smc.values = {**COMPLETE["discovery_workshop"], "segment": "smc", "region": "EMEA",
                  "customer": "<b>Tailspin</b>"}
    await requests.save(smc)
    await queue_without_a_turn(database_url, _now(bot) + timedelta(hours=1))


def _now(bot: Any) -> datetime:
    return bot.server.app[clock_key]()


async def test_filters_and_paging_are_done_by_the_server(bot, connector, database_url) -> None:
    await desk_of_four(bot, connector, database_url)

    assert (await queue(bot))["total"] == 4
    accepted = await queue(bot, "?state=accepted")
    [row] = accepted["rows"]
    assert row["fta"] == {"id": "fta-5", "name": "Seller 5"}
    assert row["state_label"] == "Accepted by Seller 5" and row["actions"] == ["reassign",
                                                                               "extend"]
    assert (await queue(bot, "?state=waiting"))["total"] == 3
    assert (await queue(bot, "?state=waiting,accepted"))["total"] == 4
    assert (await queue(bot, "?state=waiting&state=offered"))["total"] == 3
    assert (await queue(bot, "?fta=fta-5"))["total"] == 1
    [smc] = (await queue(bot, "?segment=smc&region=EMEA"))["rows"]
    assert smc["customer"] == "<b>Tailspin</b>"  # data, as typed: the page escapes it
    assert (await queue(bot, "?region=APAC"))["rows"] == []

    first = await queue(bot, "?page_size=3")
    second = await queue(bot, "?page_size=3&page=2")
    assert (len(first["rows"]), len(second["rows"]), second["total"]) == (3, 1, 4)
    numbers = [r["number"] for r in first["rows"] + second["rows"]]
    assert len(set(numbers)) == 4
    deadlines = [r["deadline"] for r in first["rows"] + second["rows"]]
    assert deadlines == sorted(deadlines)  # earliest deadline first
    assert first["filters"]["ftas"] == [{"id": "fta-5", "name": "Seller 5"}]
    assert [s["value"] for s in first["filters"]["states"]] == ["waiting", "offered",
                                                                "accepted"]


async def test_bad_parameters_are_a_400_with_the_reason(bot) -> None:
    for query in ("?section=everything", "?state=lost", "?page=0", "?page=abc",
                  "?page_size=101", "?segment=galactic", "?region=Mars", "?page=1&page=2",
                  "?fta=" + "x" * 65):
        response = await bot.get(f"/api/queue{query}")
        assert response.status == 400, query
        assert (await response.json())["error"], query
    for query in ("?from=30/11/2026", "?from=2026-11-30&to=2026-11-01", "?to=tomorrow"):
        response = await bot.get(f"/api/reports/requests.csv{query}")
        assert response.status == 400, query


async def test_the_csv_has_one_row_per_request_and_opens_in_excel(bot, connector,
                                                                  database_url) -> None:
    await desk_of_four(bot, connector, database_url)

    response = await bot.get("/api/reports/requests.csv?from=2026-11-01&to=2026-11-30")

    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = (await response.read()).decode("utf-8")
    assert body.startswith("\ufeff") and "\r\n" in body and "\n" not in body.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"), newline="")))
    assert list(rows[0]) == ["number", "type", "segment", "region", "submitted", "deadline",
                             "assigned_at", "fta", "hours_to_assign", "met_sla", "declines"]
    assert len(rows) == 4
    accepted = next(r for r in rows if r["fta"])
    assert (accepted["fta"], accepted["met_sla"], accepted["declines"]) == ("Seller 5", "yes",
                                                                           "0")
    assert accepted["assigned_at"] and float(accepted["hours_to_assign"]) >= 0
    assert {r["met_sla"] for r in rows if not r["fta"]} == {""}  # still open, in time
    assert "Tailspin" not in body and "Contoso" not in body  # no free text
    empty = await bot.get("/api/reports/requests.csv?from=2025-01-01&to=2025-01-31")
    assert (await empty.read()).decode("utf-8").count("\r\n") == 1  # the header alone


async def test_a_member_of_the_managers_team_manages_from_a_personal_chat(bot,
                                                                        connector) -> None:
    await User(bot, connector, number=3, conversation=MANAGERS_CHANNEL, kind="channel",
               ).say("hi")  # the bot learns the channel and its team
    connector.rosters[TEAM] = [{"id": "29:user-7", "name": "Seller 7",
                                "aadObjectId": "00000000-0000-0000-0000-000000000007"}]

    [roster] = await User(bot, connector, number=7).say("roster")
    [refused] = await User(bot, connector, number=8).say("roster")

    assert roster.cards and "capacity" in texts_of(roster.cards[0]).lower()
    assert refused.text == MANAGERS_ONLY
    assert connector.roster_reads == [TEAM]  # read once, kept for the next turn
    assert cards_in(connector, MANAGERS_CHANNEL) == []


async def test_the_csv_is_read_in_chunks_without_losing_or_repeating_a_row(
        bot, connector, database_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import storage.desk

    await desk_of_four(bot, connector, database_url)
    whole = (await (await bot.get("/api/reports/requests.csv")).read()).decode("utf-8")
    monkeypatch.setattr(storage.desk, "CHUNK", 1)
    chunked = (await (await bot.get("/api/reports/requests.csv")).read()).decode("utf-8")
    assert chunked == whole and whole.count("\r\n") == 5
