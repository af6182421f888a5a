"""The managers' desk, read side, in SQL: a page of open FTA requests, of FTCHelp tickets, of
architects with their load, and the rows the reports and the CSV are made of.

A page is two statements (the rows, then their count) plus one for the page's declines, each
found by index: open requests are those waiting (ix_requests_state_deadline) and those whose
accepted engagement has not ended (ix_offers_state_ends), never a walk over years of closed
ones. Customer names and decline reasons are what people typed: returned as data, never
logged."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
    union_all,
)

from domain.desk import Decline, OpenRequest, QueueQuery, Standing
from domain.offers import WITHDRAWN_BY_SELLER, OfferState
from domain.reports import ReportRow
from domain.request_types import TYPES, Queue, request_type
from domain.requests import State
from domain.roster import Absence
from storage.database import Database
from storage.tables import architects, offers, requests

FTA_TYPES = [t.key for t in TYPES if t.queue is Queue.FTA]
TICKET_STATES = [State.FTCHELP_OPEN.value, State.FTCHELP_ASSIGNED.value]
# Deadline extensions, [{from, to, reason, by, at}] (storage/requests.py writes them).
EXTENSIONS: ColumnElement[Any] = requests.c.extensions
CHUNK = 500  # CSV rows read per statement

live = offers.alias("live")
holder = architects.alias("holder")
json_customer = requests.c["values"]["customer"].as_string()
json_segment = requests.c["values"]["segment"].as_string()
json_region = requests.c["values"]["region"].as_string()
_WITH_LIVE_OFFER = requests.outerjoin(
    live, and_(live.c.request_id == requests.c.id,
               live.c.state.in_([OfferState.OFFERED.value, OfferState.ACCEPTED.value]))
).outerjoin(holder, holder.c.id == live.c.architect_id)
# Open requests: those waiting for an FTA (perhaps offered to one), by (state, deadline), and
# those whose accepted engagement still runs, by (state, engagement end). A query for waiting
# or offered ones alone reads the first part only, walking that index in the desk's order.
_OPEN_IDS = union_all(
    select(requests.c.id).where(requests.c.state == State.AWAITING_FTA.value),
    select(offers.c.request_id).where(offers.c.state == OfferState.ACCEPTED.value,
                                      offers.c.engagement_ends_at > bindparam("now")))
_OPEN_ROWS = select(requests.c.id, requests.c.number, requests.c.type_key,
                    json_customer.label("customer"), json_segment.label("segment"),
                    json_region.label("region"), requests.c.submitted_at, requests.c.deadline,
                    EXTENSIONS.label("extensions"), live.c.state.label("offer_state"),
                    live.c.architect_id, holder.c.name.label("architect_name"),
                    live.c.offered_at, live.c.decided_at).select_from(_WITH_LIVE_OFFER)
_WAITING = _OPEN_ROWS.where(requests.c.state == State.AWAITING_FTA.value)
_OPEN = _OPEN_ROWS.where(requests.c.id.in_(_OPEN_IDS),
                         or_(requests.c.state == State.AWAITING_FTA.value,
                             live.c.state == OfferState.ACCEPTED.value))
_DECLINED = or_(offers.c.state == OfferState.DECLINED.value,
                and_(offers.c.state == OfferState.EXPIRED.value,
                     offers.c.reason != WITHDRAWN_BY_SELLER))
_DECLINES = (select(offers.c.request_id, architects.c.name, offers.c.architect_id,
                    offers.c.state, offers.c.reason, offers.c.decided_at)
             .select_from(offers.outerjoin(architects, architects.c.id == offers.c.architect_id))
             .where(offers.c.request_id.in_(bindparam("ids", expanding=True)), _DECLINED)
             .order_by(offers.c.request_id, offers.c.id))
_TICKETS = (select(requests.c.id, requests.c.number, requests.c["values"]["topic"].as_string()
                   .label("topic"), requests.c["values"]["impact"].as_string().label("impact"),
                   requests.c.submitted_at, requests.c.agent_id, requests.c.agent_name,
                   requests.c.requester_timezone, requests.c.requester_country)
            .where(requests.c.state.in_(TICKET_STATES)))
_ARCHITECTS = select(architects.c.id, architects.c.name, architects.c.capacity,
                     architects.c.active, architects.c.out_of_office)
_HOLDING = or_(offers.c.state == OfferState.OFFERED.value,
               and_(offers.c.state == OfferState.ACCEPTED.value,
                    offers.c.engagement_ends_at > bindparam("now")))
_LOADS = (select(offers.c.architect_id, func.sum(offers.c.weight))
          .where(offers.c.architect_id.in_(bindparam("ids", expanding=True)), _HOLDING)
          .group_by(offers.c.architect_id))
_FTA_NAMES = select(architects.c.id, architects.c.name).where(architects.c.active) \
    .order_by(architects.c.name, architects.c.id)
_ARCHITECT_OF = select(architects.c.id).where(architects.c.aad_id == bindparam("aad_id"),
                                              architects.c.aad_id != "").limit(1)
# The reports' and the CSV's rows: FTA requests submitted in a window, by submission.
_ASSIGNED_AT = (select(func.min(offers.c.decided_at))
                .where(offers.c.request_id == requests.c.id,
                       offers.c.state == OfferState.ACCEPTED.value)
                .scalar_subquery())
_DECLINE_COUNT = (select(func.count()).select_from(offers)
                  .where(offers.c.request_id == requests.c.id, _DECLINED).scalar_subquery())
_REPORTED = (select(requests.c.id, requests.c.number, requests.c.type_key,
                    json_segment.label("segment"), json_region.label("region"),
                    requests.c.submitted_at, requests.c.deadline, EXTENSIONS.label("extensions"),
                    _ASSIGNED_AT.label("assigned_at"), holder.c.name.label("fta"),
                    _DECLINE_COUNT.label("declines"))
             .select_from(requests.outerjoin(
                 live, and_(live.c.request_id == requests.c.id,
                            live.c.state == OfferState.ACCEPTED.value))
                 .outerjoin(holder, holder.c.id == live.c.architect_id))
             .where(requests.c.submitted_at >= bindparam("start"),
                    requests.c.submitted_at < bindparam("end"),
                    requests.c.type_key.in_(FTA_TYPES))
             .order_by(requests.c.submitted_at, requests.c.id))
# The next chunk, spelled so the index on submitted_at bounds it (a row value comparison
# is not one SQLite's planner uses).
_REPORTED_AFTER = _REPORTED.where(
    requests.c.submitted_at >= bindparam("after_at"),
    or_(requests.c.submitted_at > bindparam("after_at"), requests.c.id > bindparam("after_id")))
_DECLINES_IN_WINDOW = (offers.join(requests, requests.c.id == offers.c.request_id),
                       and_(requests.c.submitted_at >= bindparam("start"),
                            requests.c.submitted_at < bindparam("end"),
                            requests.c.type_key.in_(FTA_TYPES), _DECLINED))
_DECLINE_COUNTS = (select(offers.c.state, offers.c.reason, func.count())
                   .select_from(_DECLINES_IN_WINDOW[0]).where(_DECLINES_IN_WINDOW[1])
                   .group_by(offers.c.state, offers.c.reason))


class SqlDesk:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def architect_of(self, aad_id: str) -> str:
        """The roster id of the architect with this AAD object id; "" if none."""
        async with self._database.connect() as connection:
            found = (await connection.execute(_ARCHITECT_OF, {"aad_id": aad_id})).scalar()
        return str(found or "")

    async def open_requests(self, query: QueueQuery, now: datetime, *, requester: str = "",
                            architect: str = "") -> tuple[int, list[OpenRequest]]:
        """The total and one page of open requests, earliest deadline first; only the
        requester's own (and those offered to or taken by the architect) when given."""
        waiting_only = bool(query.states) and Standing.ACCEPTED not in query.states
        found = _filtered(_WAITING if waiting_only else _OPEN, query, requester, architect)
        values = {"now": now}
        async with self._database.connect() as connection:
            total = (await connection.execute(
                select(func.count()).select_from(found.subquery()), values)).scalar_one()
            rows = (await connection.execute(
                found.order_by(requests.c.deadline, requests.c.id)
                .limit(query.page_size).offset(query.offset), values)).mappings().all()
            declines = await _declines_of(connection, [row["id"] for row in rows])
        return int(total), [_open_request(row, declines.get(row["id"], ())) for row in rows]

    async def tickets(self, query: QueueQuery) -> tuple[int, list[Any]]:
        async with self._database.connect() as connection:
            total = (await connection.execute(
                select(func.count()).select_from(_TICKETS.subquery()))).scalar_one()
            rows = (await connection.execute(
                _TICKETS.order_by(requests.c.submitted_at, requests.c.id)
                .limit(query.page_size).offset(query.offset))).mappings().all()
        return int(total), list(rows)

    async def architects(self, query: QueueQuery, now: datetime,
                         today: date) -> tuple[int, list[dict[str, Any]]]:
        """A page of the roster by name, each with the points held now and the absences
        not yet over."""
        async with self._database.connect() as connection:
            total = (await connection.execute(
                select(func.count()).select_from(architects))).scalar_one()
            rows = (await connection.execute(
                _ARCHITECTS.order_by(architects.c.active.desc(), architects.c.name,
                                     architects.c.id)
                .limit(query.page_size).offset(query.offset))).mappings().all()
            held = dict((await connection.execute(
                _LOADS, {"ids": [r["id"] for r in rows], "now": now})).all()) if rows else {}
        return int(total), [
            {"id": r["id"], "name": r["name"], "load": int(held.get(r["id"]) or 0),
             "capacity": r["capacity"], "active": bool(r["active"]),
             "out_of_office": [{"start": a.start.isoformat(), "end": a.end.isoformat()}
                               for a in _absences(r["out_of_office"]) if a.end >= today]}
            for r in rows]

    async def fta_names(self) -> list[dict[str, str]]:
        async with self._database.connect() as connection:
            return [{"id": a, "name": n} for a, n in await connection.execute(_FTA_NAMES)]

    async def reported(self, start: datetime, end: datetime) -> AsyncIterator[ReportRow]:
        """FTA requests submitted from ``start`` (included) to ``end``, by submission, read
        CHUNK rows a statement: a year's CSV never holds a connection while it is sent."""
        values: dict[str, Any] = {"start": start, "end": end}
        statement = _REPORTED.limit(CHUNK)
        while True:
            async with self._database.connect() as connection:
                rows = (await connection.execute(statement, values)).mappings().all()
            for row in rows:
                yield _report_row(row)
            if len(rows) < CHUNK:
                return
            statement = _REPORTED_AFTER.limit(CHUNK)
            values = {**values, "after_at": rows[-1]["submitted_at"],
                      "after_id": rows[-1]["id"]}

    async def decline_counts(self, start: datetime,
                             end: datetime) -> list[tuple[str, str, int]]:
        """(offer state, reason, how many) of the declines of the FTA requests submitted
        then: a few rows for the desk's reports, however many declines there were."""
        async with self._database.connect() as connection:
            return [(s, r or "", int(n)) for s, r, n in await connection.execute(
                _DECLINE_COUNTS, {"start": start, "end": end})]


def _filtered(statement: Select[Any], query: QueueQuery, requester: str,
              architect: str) -> Select[Any]:
    if requester and architect:  # an FTA who also sells: both parts
        statement = statement.where(or_(requests.c.requester_id == requester,
                                        live.c.architect_id == architect))
    elif requester:
        statement = statement.where(requests.c.requester_id == requester)
    elif architect:
        statement = statement.where(live.c.architect_id == architect)
    if query.fta:
        statement = statement.where(live.c.architect_id == query.fta)
    if query.segment:
        statement = statement.where(json_segment == query.segment)
    if query.region:
        statement = statement.where(json_region == query.region)
    if query.states and len(query.states) < len(Standing):
        chosen: list[ColumnElement[bool]] = []
        if Standing.WAITING in query.states:
            chosen.append(live.c.state.is_(None))
        chosen += [live.c.state == s.value for s in query.states if s is not Standing.WAITING]
        statement = statement.where(or_(*chosen))
    return statement


async def _declines_of(connection: Any, ids: Sequence[int]) -> dict[int, list[Decline]]:
    found: dict[int, list[Decline]] = {}
    if not ids:
        return found
    for row in (await connection.execute(_DECLINES, {"ids": list(ids)})).mappings():
        reason = row["reason"] if row["state"] == OfferState.DECLINED.value \
            else "No answer in time"
        found.setdefault(row["request_id"], []).append(
            Decline(row["name"] or row["architect_id"], reason, row["decided_at"]))
    return found


def _open_request(row: Any, declines: Sequence[Decline]) -> OpenRequest:
    state = row["offer_state"]
    standing = Standing.WAITING if state is None else (
        Standing.OFFERED if state == OfferState.OFFERED.value else Standing.ACCEPTED)
    kind = request_type(row["type_key"])
    return OpenRequest(
        id=row["id"], number=row["number"] or "", type_title=kind.title if kind else "",
        customer=row["customer"] or "", segment=row["segment"] or "",
        region=row["region"] or "", submitted_at=row["submitted_at"],
        deadline=row["deadline"], standing=standing, fta_id=row["architect_id"] or "",
        fta_name=row["architect_name"] or row["architect_id"] or "",
        since=row["decided_at"] if standing is Standing.ACCEPTED else row["offered_at"],
        extensions=tuple(row["extensions"] or ()), declines=tuple(declines))


def _report_row(row: Any) -> ReportRow:
    kind = request_type(row["type_key"])
    return ReportRow(number=row["number"] or "", type_title=kind.title if kind else "",
                     segment=row["segment"] or "", region=row["region"] or "",
                     submitted_at=row["submitted_at"], deadline=row["deadline"],
                     extensions=tuple(row["extensions"] or ()), assigned_at=row["assigned_at"],
                     fta=row["fta"] or "", declines=int(row["declines"] or 0))


def _absences(raw: Any) -> list[Absence]:
    return [Absence(date.fromisoformat(start), date.fromisoformat(end))
            for start, end in raw or ()]
