"""The managers' desk over HTTP: `GET /api/queue` (what the tab shows, paged and filtered on
the server, each viewer their part) and `GET /api/reports/requests.csv` (streamed). Every
route says who is looking first (bot/desk_auth.viewer_of: 401 without a valid token), then
what they may see (domain/desk.check_access: 403 with why). The desk's actions join them here
(`add_desk_routes`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.desk_auth import Viewer, viewer_of
from bot.desk_csv import requests_csv
from bot.desk_reader import DeskReader, desk_reader_key, desk_roles, refused
from domain import desk as rules
from domain import reports
from domain.desk import DeskError, Forbidden, QueueQuery, Section
from domain.forms import IMPACT, TOPICS
from domain.sla import ticket_due, ticket_priority
from storage.desk import CHUNK

log = logging.getLogger(__name__)


def add_desk_routes(app: web.Application) -> None:
    """The desk's routes; app.py calls this from create_app (the action routes go here too)."""
    app.router.add_get("/api/queue", queue)
    app.router.add_get("/api/reports/requests.csv", requests_csv)


async def queue(request: web.Request) -> web.Response:
    """One section of the desk for the viewer, as JSON."""
    viewer = await viewer_of(request)
    reader = request.app[desk_reader_key]
    try:
        query = rules.parse_query({key: request.query.getall(key) for key in request.query})
    except DeskError as error:
        return refused(400, str(error))
    try:
        roles = await desk_roles(reader, viewer)
        rules.check_access(query, roles)
        now = reader.clock()
        total, rows, filters, extra = await SECTIONS[query.section](reader, query, roles,
                                                                    viewer, now)
    except Forbidden as error:
        return refused(403, str(error))
    except Exception as error:  # the database away: say so, with no detail of it
        log.warning("desk queue unavailable: %s", type(error).__name__)
        return refused(503, "The desk's records cannot be read right now; try again shortly.")
    return web.json_response({
        "viewer": {"name": viewer.name, "roles": roles.names(), "demo": viewer.demo},
        "section": query.section.value, "total": total, "page": query.page,
        "page_size": query.page_size, "generated_at": rules.stamp(now), "rows": rows,
        "filters": filters, **extra})


# The total, the page's rows, the filters' choices, and what else the section answers.
Answer = tuple[int, list[dict[str, Any]], dict[str, Any], dict[str, Any]]


async def _requests(reader: DeskReader, query: QueueQuery, roles: rules.Roles,
                    viewer: Viewer, now: datetime) -> Answer:
    scope: dict[str, str] = {}
    if not roles.manager:  # their own requests, and their offers and assignments
        scope = {"requester": viewer.id, "architect": roles.architect_id}
    total, found = await reader.desk.open_requests(query, now, **scope)
    if roles.manager:
        ftas = await reader.kept("ftas", reader.desk.fta_names)
    else:
        ftas = [{"id": roles.architect_id, "name": viewer.name}] if roles.architect_id else []
    return total, [rules.request_json(item, roles, now) for item in found], {
        "states": rules.state_options(), "segments": rules.segment_options(),
        "regions": rules.region_options(), "ftas": ftas}, {}


async def _tickets(reader: DeskReader, query: QueueQuery, roles: rules.Roles,
                   viewer: Viewer, now: datetime) -> Answer:
    total, found = await reader.desk.tickets(query)
    agents = await reader.roles.ftchelp_agents()
    rows = []
    for row in found:
        submitted = row["submitted_at"]
        due = ticket_due(submitted, reader.ftchelp_sla_business_days,
                         row["requester_timezone"], row["requester_country"])
        impact = row["impact"] or ""
        rows.append({
            "id": row["id"], "number": row["number"],
            "topic": dict(TOPICS).get(row["topic"] or "", row["topic"] or ""),
            "impact": impact, "impact_label": dict(IMPACT).get(impact, impact),
            "priority": ticket_priority(impact), "submitted_at": rules.stamp(submitted),
            "age_hours": round((now - submitted).total_seconds() / 3600, 1),
            "agent": {"id": row["agent_id"], "name": row["agent_name"]}
            if row["agent_id"] else None,
            "sla_due": rules.stamp(due), "overdue": now > due,
            "actions": ["transfer"] if roles.manager or roles.ftchelp else []})
    return total, rows, {"agents": [{"id": i, "name": n} for i, n in sorted(
        agents.items(), key=lambda item: item[1])]}, {}


async def _architects(reader: DeskReader, query: QueueQuery, roles: rules.Roles,
                      viewer: Viewer, now: datetime) -> Answer:
    today = now.astimezone(ZoneInfo(reader.managers_timezone)).date()
    total, rows = await reader.desk.architects(query, now, today)
    return total, rows, {}, {}


async def _reports(reader: DeskReader, query: QueueQuery, roles: rules.Roles,
                   viewer: Viewer, now: datetime) -> Answer:
    weeks, declines, extensions = await reader.kept("reports", lambda: _twelve_weeks(reader))
    return len(weeks), weeks, {}, {"declines_by_reason": declines, "extensions": extensions}


async def _twelve_weeks(reader: DeskReader) -> tuple[list[dict[str, Any]],
                                                    list[dict[str, Any]], int]:
    """The reports' figures as of now, read a statement's worth of requests at a time and
    sorted into weeks as they come, letting the event loop go between chunks (on SQLite a
    quarter's 25,000 requests read at once held it for half a second)."""
    period = reports.last_weeks(reader.clock(), reader.managers_timezone)
    tally = reports.WeeksTally(period)
    chunk: list[reports.ReportRow] = []
    async for row in reader.desk.reported(period.start, period.end):
        chunk.append(row)
        if len(chunk) == CHUNK:
            tally.add(chunk)
            chunk = []
            await asyncio.sleep(0)
    tally.add(chunk)
    declines = await reader.desk.decline_counts(period.start, period.end)
    return tally.weeks(reader.clock()), reports.declines_counted(declines), tally.extensions


Read = Callable[[DeskReader, QueueQuery, rules.Roles, Viewer, datetime], Awaitable[Answer]]
SECTIONS: dict[Section, Read] = {Section.REQUESTS: _requests, Section.TICKETS: _tickets,
                                 Section.ARCHITECTS: _architects, Section.REPORTS: _reports}
