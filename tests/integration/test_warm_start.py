"""The app reads the roster into its decisions' cache when it starts, not on the first
decision: with years of architects who left still on the roster, reading it took 120 ms on
SQLite, on the event loop, so a process's first submission, and every turn in flight behind
it, paid for it (bench/history.py's submission p99 on a full database)."""

from __future__ import annotations

import re

from app import create_app
from tests.integration.test_offers_over_http import fta, load_roster, submit
from tests.integration.test_query_plans import statements_run
from tests.support.driver import User

WHOLE_ROSTER = re.compile(r"^SELECT architects\.id\b.*\bFROM architects\s*$", re.DOTALL)


async def test_the_first_submission_does_not_read_the_whole_roster(
        aiohttp_client, settings, database, database_url, connector, clock) -> None:
    await load_roster(database_url, fta(5), fta(6))
    bot = await aiohttp_client(create_app(settings, clock=clock))
    await User(bot, connector, number=5).say("hi")

    with statements_run() as seen:
        await submit(User(bot, connector, number=1))

    assert [s for s in seen if WHOLE_ROSTER.match(s.strip())] == []
    assert any(s.lstrip().startswith("INSERT INTO offers") for s in seen)  # it decided
