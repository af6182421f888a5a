"""The desk's reports off the request path: figures tallied a chunk at a time are the figures
of all the rows at once, declines counted by the database are the declines one by one, and
what the desk keeps is answered at once while one refresh runs behind it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.desk_reader import DeskReader
from domain import reports
from domain.reports import ReportRow

NOW = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)


def _rows(count: int) -> list[ReportRow]:
    rows = []
    for n in range(count):
        submitted = NOW - timedelta(hours=7 * n + 1)
        rows.append(ReportRow(
            number=f"FTA-2026-{n:05d}", type_title="Discovery Workshop", segment="smc",
            region="NA", submitted_at=submitted, deadline=submitted + timedelta(days=2),
            extensions=({"from": submitted + timedelta(days=2), "to": NOW},) if n % 9 == 0
            else (), assigned_at=submitted + timedelta(hours=n % 60) if n % 4 else None,
            fta=f"FTA {n % 5}", declines=n % 3))
    return rows


def test_weeks_tallied_chunk_by_chunk_are_the_weeks_of_all_rows_at_once() -> None:
    rows, period = _rows(400), reports.last_weeks(NOW, "Europe/Paris")
    tally = reports.WeeksTally(period)
    for start in range(0, len(rows), 7):
        tally.add(rows[start:start + 7])

    assert tally.weeks(NOW) == reports.weekly(rows, period, NOW)
    assert len(tally.weeks(NOW)) == 12 and tally.weeks(NOW)[0]["requests"] > 0
    assert tally.extensions == sum(len(row.extensions) for row in rows) > 0


def test_declines_grouped_by_the_database_count_as_declines_one_by_one() -> None:
    one_by_one = [("declined", "Out of  capacity"), ("declined", "out of capacity"),
                  ("expired", ""), ("declined", ""), ("expired", "")] + [
        ("declined", f"reason {n}") for n in range(12) for _ in range(n % 3 + 1)]
    grouped: dict[tuple[str, str], int] = {}
    for decline in one_by_one:
        grouped[decline] = grouped.get(decline, 0) + 1

    counted = reports.declines_counted((s, r, n) for (s, r), n in grouped.items())

    assert counted == reports.declines_counted((s, r, 1) for s, r in one_by_one)
    assert {"reason": "Out of capacity", "count": 2} in counted  # as first typed, spaced
    assert counted[-1]["reason"] == "Other"


class SlowFigures:
    """A read that takes ``seconds`` and says how many times it ran."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.runs = seconds, 0

    async def __call__(self) -> int:
        self.runs += 1
        await asyncio.sleep(self.seconds)
        return self.runs


def _reader(kept_seconds: float) -> DeskReader:
    unused: Any = None
    return DeskReader(unused, unused, lambda: NOW, kept_seconds=kept_seconds)


async def test_a_stale_figure_is_answered_at_once_while_one_refresh_runs_behind() -> None:
    reader, read = _reader(kept_seconds=0.0), SlowFigures(0.6)
    first = await asyncio.gather(*(reader.kept("reports", read) for _ in range(5)))
    assert first == [1] * 5 and read.runs == 1  # nothing kept yet: all wait for one read

    started = asyncio.get_running_loop().time()
    stale = await asyncio.gather(*(reader.kept("reports", read) for _ in range(5)))
    waited = asyncio.get_running_loop().time() - started

    assert stale == [1] * 5 and waited < 0.3  # stale, answered without waiting for the read
    await asyncio.sleep(0.8)
    assert read.runs == 2  # one refresh for the five requests
    assert await reader.kept("reports", read) == 2
    await reader.close()


async def test_a_failed_refresh_keeps_the_last_figures_and_is_tried_again() -> None:
    reader, calls = _reader(kept_seconds=0.0), []

    async def flaky() -> str:
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("database away")
        return f"figures {len(calls)}"

    assert await reader.kept("reports", flaky) == "figures 1"
    assert await reader.kept("reports", flaky) == "figures 1"  # refresh 2 fails behind
    await asyncio.sleep(0.01)
    assert await reader.kept("reports", flaky) == "figures 1"  # refresh 3 starts
    await asyncio.sleep(0.01)
    assert await reader.kept("reports", flaky) == "figures 3"
    await reader.close()
