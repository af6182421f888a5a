"""The look-ahead in the app (LOOKAHEAD_MINUTES, on by default): the worker's leased timer
re-matches the waiting queue as one assignment problem and offers per the matching, and a
manager's hand assignment made while it computed is never undone. Over HTTP, on SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from domain.balancer import Policy
from domain.lookahead import rematch
from domain.requests import FtaRequest
from domain.roster import Architect
from matching import min_cost_assignment
from settings import Settings
from storage.assignments import SqlAssignmentDesk
from storage.database import open_database
from storage.requests import SqlRequestRepository
from storage.sample_data import ALEX
from tests.conftest import MANAGERS_CHANNEL
from tests.integration.test_offers_over_http import cards_in, fta, load_roster
from tests.support.driver import User, texts_of, tick
from tests.support.requests import COMPLETE

pytest.importorskip("scipy")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, lookahead_minutes=5)


def skilled(number: int, capacity: int, region: str = "NA", **skills: int) -> Architect:
    return replace(fta(number, capacity), skills=skills, regions=frozenset({region}))


async def queued(database_url: str, now: datetime, workloads: str) -> int:
    """A Discovery Workshop in the FTA queue straight from the database (as imports do), so
    nothing offered it at submission: it waits for the worker."""
    database = open_database(database_url)
    requests = SqlRequestRepository(database)
    request = await requests.add(FtaRequest(ALEX, now))
    request.choose_type("discovery_workshop")
    request.fill({**COMPLETE["discovery_workshop"], "workloads": workloads})
    request.submit(now, await requests.issue_number(now))
    await requests.save(request)
    await database.dispose()
    return request.id


async def two_waiting(bot, connector, clock, database_url) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """An Exchange request, then an Intune one. FTA 5 (room for one workshop) knows both;
    FTA 6 (room for one) only Exchange; FTA 7, elsewhere, Intune too, so it is rare, not
    unique. One at a time, the Exchange request goes to FTA 5, lighter even counting its
    Intune, and the Intune request then to FTA 6, who does not know Intune."""
    for number in (5, 6):
        await User(bot, connector, number=number).say("hi")
    await load_roster(database_url, skilled(5, 5, exchange=4, intune=5),
                      skilled(6, 3, exchange=4), skilled(7, 9, "EMEA", intune=4))
    exchange = await queued(database_url, clock.now, "exchange")
    clock.advance(timedelta(minutes=1))
    return exchange, await queued(database_url, clock.now, "intune")


def offered(connector, number: int) -> str:  # type: ignore[no-untyped-def]
    return " ".join(texts_of(c) for c in cards_in(connector, f"a:personal-{number}")
                    if "accept_offer" in str(c))


async def test_the_look_ahead_offers_the_waiting_requests_per_the_matching(
        bot, connector, clock, database_url) -> None:
    exchange, intune = await two_waiting(bot, connector, clock, database_url)

    await tick(bot)

    assert f"FTA-2026-{exchange:05d}" in offered(connector, 6)
    assert f"FTA-2026-{intune:05d}" in offered(connector, 5)
    assert f"FTA-2026-{exchange:05d}" not in offered(connector, 5)


async def test_the_look_ahead_runs_on_its_timer_not_at_every_tick(
        bot, connector, clock, database_url) -> None:
    await tick(bot)  # the first re-match: nothing waits yet
    exchange, intune = await two_waiting(bot, connector, clock, database_url)

    await tick(bot)
    before = offered(connector, 5) + offered(connector, 6)
    clock.advance(timedelta(minutes=5))
    await tick(bot)

    assert before == ""
    assert f"FTA-2026-{exchange:05d}" in offered(connector, 6)
    assert f"FTA-2026-{intune:05d}" in offered(connector, 5)


async def test_a_hand_assignment_made_while_the_look_ahead_computed_is_not_undone(
        bot, connector, clock, database_url) -> None:
    exchange, intune = await two_waiting(bot, connector, clock, database_url)
    manager = User(bot, connector, number=9, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                   kind="channel")
    database = open_database(database_url)
    desk = SqlAssignmentDesk(database)
    waiting, roster, loads = await desk.lookahead_state(clock.now)
    matches = rematch(waiting, roster, loads, clock.now, Policy("skilled"), min_cost_assignment)

    await manager.press("manager_assign", {"request_id": intune, "architect_id": "fta-6"})
    outcomes = [await desk.offer_matched(int(m.request_id), m.decision, clock.now)
                for m in matches]
    request = await SqlRequestRepository(database).get(intune)
    await database.dispose()

    assert [(int(m.request_id), m.decision.chosen) for m in matches] == [
        (exchange, "fta-6"), (intune, "fta-5")]
    assert [(o.offer, o.note) for o in outcomes] == [(None, "changed")] * 2  # FTA 6 is full
    assert request is not None and request.agent_id == "fta-6"
    assert offered(connector, 5) == offered(connector, 6) == ""
