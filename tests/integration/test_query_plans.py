"""The statements a submission and an accept run (the turns and the outbox sending what they
queued) find their rows through indexes, on SQLite and PostgreSQL: none reads a table that
grows with the years (requests, offers, the audit log, delivered notices...) from end to end,
so a turn costs the same on the first day and after three years (bench/history.py measures
it). Each statement is taken as the app ran it, with its values, and EXPLAINed."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
from sqlalchemy import Engine, event

from tests.integration.test_offers_over_http import cards_in, fta, load_roster, offer_data, submit
from tests.support.driver import User

# Tables that grow with the organisation's history; a scan of any of them is not flat.
GROWING = {"requests", "offers", "timers", "card_posts", "outbox", "activity_log",
           "conversation_references", "bot_state", "ftop_assignments", "architects"}
Statement = tuple[str, tuple[Any, ...]]
# Not a turn's: the outbox's depth by state, for /metrics and for the tests' driver, which asks
# it between turns. It counts every notice ever sent, and /metrics with it (a scrape, not a turn).
NOT_A_TURNS = ("SELECT outbox.state, count(*)",)


@contextmanager
def statements_run() -> Iterator[dict[str, Statement]]:
    """Every statement any engine runs meanwhile, once each, with the values of its first run."""
    seen: dict[str, Statement] = {}

    def record(connection: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        values = parameters[0] if executemany and parameters else parameters
        seen.setdefault(statement, (statement, tuple(values or ())))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def explained(statement: str) -> bool:
    return re.match(r"\s*(SELECT|UPDATE|DELETE|WITH|INSERT INTO \S+ .*SELECT)", statement,
                    re.IGNORECASE | re.DOTALL) is not None


def sqlite_scans(path: str, statements: list[Statement]) -> list[str]:
    """SQLite's "SCAN table" (no index) for the growing tables, with the statement."""
    connection = sqlite3.connect(path)
    try:
        found = []
        for statement, values in statements:
            for *_, detail in connection.execute(f"EXPLAIN QUERY PLAN {statement}", values):
                scan = re.match(r"SCAN (\w+)(?: AS \w+)?$", detail)
                if scan and scan[1] in GROWING:
                    found.append(f"{detail}: {statement}")
        return found
    finally:
        connection.close()


async def postgres_scans(url: str, statements: list[Statement]) -> list[str]:
    """Whole scans of the growing tables, with sequential scans made the planner's last
    resort: one that remains means no index can serve the statement at all."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute("SET enable_seqscan = off")
        partial = set(await connection.fetchval(  # indexes of live rows only (outbox, offers)
            "SELECT array_agg(indexrelid::regclass::text) FROM pg_index "
            "WHERE indpred IS NOT NULL") or [])
        found = []
        for statement, values in statements:
            plan = json.loads(await connection.fetchval(
                f"EXPLAIN (FORMAT JSON) {statement}", *values))
            found += [f"{scan} on {table}: {statement}"
                      for scan, table in _whole_scans(plan[0]["Plan"], partial)
                      if table in GROWING]
        return found
    finally:
        await connection.close()


def _whole_scans(node: dict[str, Any], partial: set[str],
                 parent: str = "") -> Iterator[tuple[str, str]]:
    """Scans that read a whole table: sequential, or an index walked from end to end (no
    condition on its columns; with sequential scans off, the planner picks that instead),
    unless the index holds live rows only, or a Limit stops the walk at its first entries (and
    no filter makes it walk on past rows that do not match)."""
    kind = node.get("Node Type", "")
    walked = (kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node
              and node.get("Index Name") not in partial
              and (parent != "Limit" or "Filter" in node))
    if kind == "Seq Scan" or walked:
        yield kind, node["Relation Name"]
    for child in node.get("Plans", []):
        yield from _whole_scans(child, partial, kind)


async def test_a_submission_and_an_accept_read_growing_tables_only_through_indexes(
        bot, connector, database_url) -> None:  # type: ignore[no-untyped-def]
    architect = User(bot, connector, number=5)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    await submit(User(bot, connector, number=2))  # the roster read into the app's cache, once

    with statements_run() as seen:
        await submit(User(bot, connector, number=1))
        offer = cards_in(connector, "a:personal-5")[-1]
        await architect.press("accept_offer", offer_data(offer))

    statements = [s for s in seen.values()
                  if explained(s[0]) and not s[0].startswith(NOT_A_TURNS)]
    assert len(statements) > 10  # the turns' statements were seen, not just a few
    if database_url.startswith("sqlite"):
        scans = sqlite_scans(database_url.split("///", 1)[1], statements)
    else:
        scans = await postgres_scans(database_url, statements)
    assert scans == []


async def test_the_desks_reads_find_open_requests_and_report_weeks_through_indexes(
        bot, connector, database_url) -> None:  # type: ignore[no-untyped-def]
    """A tab polls /api/queue every 5 s: open requests are found by state and by running
    engagement, the reports' and the CSV's by submission, never by walking the years of
    closed requests and offers. (The architects section pages the roster itself by name.)"""
    from tests.integration.test_desk_queue import desk_of_four

    await desk_of_four(bot, connector, database_url)
    with statements_run() as seen:
        for query in ("", "?state=waiting", "?state=offered,accepted&segment=smc",
                      "?fta=fta-5&region=NA&page=2", "?section=tickets",
                      "?section=reports"):
            assert (await bot.get(f"/api/queue{query}")).status == 200
        assert (await bot.get("/api/reports/requests.csv")).status == 200

    statements = [s for s in seen.values() if explained(s[0]) and "architects.active" not in s[0]]
    assert len(statements) >= 5
    if database_url.startswith("sqlite"):
        scans = sqlite_scans(database_url.split("///", 1)[1], statements)
    else:
        scans = await postgres_scans(database_url, statements)
    assert [scan for scan in scans if "architects" not in scan.split(":")[0]] == []


async def test_the_workers_tick_and_a_metrics_scrape_read_growing_tables_through_indexes(
        bot, connector, database_url) -> None:  # type: ignore[no-untyped-def]
    """Both run on their own schedule whatever the turns do (every 30 s, every scrape) and, on
    SQLite, on the event loop the turns share: a whole read of three years of requests or
    notices there holds every turn in flight for as long as it takes."""
    from app import worker_key

    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5))
    await submit(User(bot, connector, number=1))
    # The first tick runs the hourly retention purge, a batch job (bench/history.py's history
    # is within the retention period): the second is what every 30 s runs.
    await bot.server.app[worker_key].tick()

    with statements_run() as seen:
        await bot.server.app[worker_key].tick()
        scraped = await bot.get("/metrics")
        assert scraped.status == 200 and "fta_outbox_waiting" in await scraped.text()

    statements = [s for s in seen.values() if explained(s[0])]
    assert any("requests.deadline" in s[0] for s in statements)  # the queue and the late count
    if database_url.startswith("sqlite"):
        scans = sqlite_scans(database_url.split("///", 1)[1], statements)
    else:
        scans = await postgres_scans(database_url, statements)
    assert scans == []


async def test_a_page_of_waiting_requests_is_read_in_the_desks_order_from_its_index(
        bot, connector, database_url) -> None:  # type: ignore[no-untyped-def]
    """A tab asking for waiting (or offered) requests alone walks (state, deadline) in the
    desk's order and stops at the page's end: no union with the running engagements, and on
    SQLite no sort of all of them first."""
    from tests.integration.test_desk_queue import desk_of_four

    await desk_of_four(bot, connector, database_url)
    with statements_run() as seen:
        assert (await bot.get("/api/queue?state=waiting&page_size=2")).status == 200

    [page] = [s for s in seen.values() if "LIMIT" in s[0] and "ORDER BY requests.deadline"
              in s[0]]
    assert "UNION" not in page[0]
    if database_url.startswith("sqlite"):
        plan = sqlite_plan(database_url.split("///", 1)[1], page)
        assert plan[0] == "SEARCH requests USING INDEX ix_requests_state_deadline (state=?)"
        assert not any("TEMP B-TREE" in step for step in plan)
    else:
        assert await postgres_scans(database_url, [page]) == []


def sqlite_plan(path: str, statement: Statement) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [detail for *_, detail in connection.execute(
            f"EXPLAIN QUERY PLAN {statement[0]}", statement[1])]
    finally:
        connection.close()
