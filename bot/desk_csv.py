"""`GET /api/reports/requests.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`: one row per FTA request
submitted in those days (the managers' calendar, both days included), streamed as it is read.
For Excel: UTF-8 with a byte-order mark, CRLF line ends (the csv module's), times as
`YYYY-MM-DD HH:MM:SS` in UTC. No free text: the customer's name and decline reasons stay out;
a cell that starts like a formula is quoted so that Excel shows it as text."""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, date, datetime, timedelta

from aiohttp import web

from bot.desk_auth import viewer_of
from bot.desk_reader import desk_reader_key, refused
from domain.forms import REGIONS, SEGMENTS
from domain.reports import ReportRow, local_midnight, monday_of

log = logging.getLogger(__name__)
COLUMNS = ("number", "type", "segment", "region", "submitted", "deadline", "assigned_at", "fta",
           "hours_to_assign", "met_sla", "declines")
MAX_DAYS = 3 * 366
FLUSH_ROWS = 200
MET: dict[bool | None, str] = {True: "yes", False: "no", None: ""}
FORMULA = ("=", "+", "-", "@", "\t", "\r")


async def requests_csv(request: web.Request) -> web.StreamResponse:
    viewer = await viewer_of(request)
    if not viewer.is_manager:
        return refused(403, "The requests report is for FTA managers: members of the FTA "
                            "managers' channel.")
    reader = request.app[desk_reader_key]
    now = reader.clock()
    try:
        first = _day(request.query.get("from"), monday_of(now, reader.managers_timezone)
                     - timedelta(weeks=11), "from")
        last = _day(request.query.get("to"), now.date(), "to")
    except ValueError as error:
        return refused(400, str(error))
    if last < first or (last - first).days > MAX_DAYS:
        return refused(400, f"to must be on or after from, at most {MAX_DAYS} days later")
    zone = reader.managers_timezone
    start, end = local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)
    response = web.StreamResponse(headers={
        "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="fta-requests-{first}-to-{last}.csv"'})
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # lineterminator "\r\n", as Excel writes
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    rows = 0
    try:
        async for row in reader.desk.reported(start, end):
            writer.writerow(_cells(row, now))
            rows += 1
            if rows % FLUSH_ROWS == 0:
                await response.write(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
    except Exception as error:  # headers are gone: end the body early, say so in the log
        log.warning("requests CSV cut short after %d rows: %s", rows, type(error).__name__)
        raise
    await response.write(buffer.getvalue().encode("utf-8"))
    await response.write_eof()
    return response


def _day(raw: str | None, default: date, name: str) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else _bad(name)
    except ValueError:
        return _bad(name)


def _bad(name: str) -> date:
    raise ValueError(f"{name} must be a date like 2026-11-30")


def _cells(row: ReportRow, now: datetime) -> list[str]:
    hours, met = row.hours_to_assign, row.met_sla(now)
    return [row.number, row.type_title, dict(SEGMENTS).get(row.segment, row.segment),
            dict(REGIONS).get(row.region, row.region), _time(row.submitted_at),
            _time(row.original_deadline), _time(row.assigned_at), _text(row.fta),
            "" if hours is None else f"{hours:.1f}", MET.get(met, ""), str(row.declines)]


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _text(value: str) -> str:
    """A name as Excel shows it, never as a formula it would run."""
    return f"'{value}" if value.startswith(FORMULA) else value
