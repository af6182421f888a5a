"""Architects' loads: points held (open offers, and accepted engagements not yet ended), the
latest offer, and who already works with a customer.

Summing every live offer at each balancing decision grew with the offers (7 ms at 4,500 live
offers on PostgreSQL, under the lock every decision takes). So each architect's figures are
kept in a row of their own, changed in the transaction that changes their offers: an offer
made adds its points; an offer let go (declined, expired, withdrawn) or an engagement's end
makes the row due for counting again (`recount_at`), and the next decision counts that one
architect's offers. A decision reads one row per architect, whatever the number of offers.
`counted` is the sum itself: the figures the rows must always equal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.sql.dml import Insert

from domain.balancer import Load
from domain.offers import OfferState
from storage.database import Connection
from storage.tables import architect_loads as ledger
from storage.tables import offers
from storage.upsert import dialect_insert

AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)  # a recount_at before any decision's time
# Points an architect holds: open offers, and accepted engagements not yet ended.
HOLDING = or_(offers.c.state == OfferState.OFFERED,
              and_(offers.c.state == OfferState.ACCEPTED,
                   offers.c.engagement_ends_at > bindparam("now")))
# Who holds work for the customer (ix_offers_customer).
_CUSTOMER_HOLDERS = select(offers.c.architect_id).where(
    offers.c.customer == bindparam("customer"), HOLDING).distinct()
_HOLDERS_FOR_CUSTOMER = _CUSTOMER_HOLDERS.subquery()
# One row per architect; whether it is due for a recount is decided by the database, which
# spares converting a hundred timestamps a decision.
_LEDGER = (select(ledger.c.architect_id, ledger.c.points, ledger.c.latest_offer_at,
                  (ledger.c.recount_at <= bindparam("now")).label("due"),
                  _HOLDERS_FOR_CUSTOMER.c.architect_id.is_not(None).label("same"))
           .select_from(ledger.outerjoin(
               _HOLDERS_FOR_CUSTOMER,
               _HOLDERS_FOR_CUSTOMER.c.architect_id == ledger.c.architect_id)))
_ENDS = case((offers.c.state == OfferState.ACCEPTED, offers.c.engagement_ends_at))
_COUNT = (select(offers.c.architect_id, func.sum(offers.c.weight), func.max(offers.c.offered_at),
                 func.min(_ENDS))
          .where(HOLDING).group_by(offers.c.architect_id))
_COUNT_SOME = _COUNT.where(offers.c.architect_id.in_(bindparam("stale", expanding=True)))
_COUNTED = update(ledger).where(ledger.c.architect_id == bindparam("who")).values(
    points=bindparam("held"), latest_offer_at=bindparam("latest"),
    recount_at=bindparam("next_end"))


async def current(connection: Connection, now: datetime,
                  customer: str = "") -> dict[str, Load]:
    """Every architect's load at ``now`` from the kept rows, counting again the rows due for
    it (and storing what was counted). Inside the transaction that decides with them."""
    rows = (await connection.execute(_LEDGER, {"now": now, "customer": customer})).all()
    result, due = {}, []
    with_customer = frozenset({customer}) if customer else frozenset()
    for architect_id, points, latest, recount, same in rows:
        result[architect_id] = Load(points, latest, with_customer if same else frozenset())
        if recount:
            due.append(architect_id)
    if due:
        for architect_id, (points, latest) in (await _recount(connection, due, now)).items():
            result[architect_id] = Load(points, latest, result[architect_id].customers)
    return result


async def counted(connection: Connection, now: datetime,
                  customer: str = "") -> dict[str, Load]:
    """Every architect's load at ``now``, summed from the offers themselves (read-only)."""
    rows = (await connection.execute(_COUNT, {"now": now})).all()
    same: set[str] = set()
    if customer:
        same = set((await connection.execute(
            _CUSTOMER_HOLDERS, {"now": now, "customer": customer})).scalars())
    return {architect_id: Load(int(points), latest,
                               frozenset({customer}) if architect_id in same else frozenset())
            for architect_id, points, latest, _ in rows}


async def offered(connection: Connection, architect_id: str, weight: int,
                  offered_at: datetime, ends_at: datetime | None = None) -> None:
    """An offer to ``architect_id`` was made (accepted at once if ``ends_at`` is given)."""
    await _note(connection, [{"who": architect_id, "more": weight, "offered_at": offered_at,
                              "due": ends_at}])


async def accepted(connection: Connection, architect_id: str, ends_at: datetime) -> None:
    """The architect accepted an offer: its points are held until ``ends_at``, no longer."""
    await _note(connection, [{"who": architect_id, "more": 0, "offered_at": None,
                              "due": ends_at}])


async def let_go(connection: Connection, architect_ids: Iterable[str]) -> None:
    """Offers of these architects stopped holding points (declined, expired, withdrawn)."""
    await _note(connection, [{"who": architect_id, "more": 0, "offered_at": None,
                              "due": AT_ONCE} for architect_id in set(architect_ids)])


async def _note(connection: Connection, changes: list[dict[str, object]]) -> None:
    if changes:
        await connection.execute(_change(connection.dialect.name), changes)


@cache
def _change(dialect: str) -> Insert:
    """Add points, keep the latest offer time and the earliest time to count again (NULLs
    ignored), creating the architect's row if it has none yet."""
    statement = dialect_insert(dialect)(ledger).values(
        architect_id=bindparam("who"), points=bindparam("more"),
        latest_offer_at=bindparam("offered_at"), recount_at=bindparam("due"))
    new = statement.excluded
    return statement.on_conflict_do_update(index_elements=["architect_id"], set_={
        "points": ledger.c.points + new.points,
        "latest_offer_at": case((or_(ledger.c.latest_offer_at.is_(None),
                                     ledger.c.latest_offer_at < new.latest_offer_at),
                                 new.latest_offer_at), else_=ledger.c.latest_offer_at),
        "recount_at": case((or_(ledger.c.recount_at.is_(None),
                                ledger.c.recount_at > new.recount_at),
                            new.recount_at), else_=ledger.c.recount_at)})


async def _recount(connection: Connection, architect_ids: list[str],
                   now: datetime) -> dict[str, tuple[int, datetime | None]]:
    """Count these architects' offers again and keep the result: points, latest offer."""
    rows = (await connection.execute(_COUNT_SOME, {"now": now, "stale": architect_ids})).all()
    counts = {a: (int(points), latest, next_end) for a, points, latest, next_end in rows}
    fresh = {a: counts.get(a, (0, None, None)) for a in architect_ids}
    await connection.execute(_COUNTED, [
        {"who": a, "held": held, "latest": latest, "next_end": next_end}
        for a, (held, latest, next_end) in fresh.items()])
    return {a: (held, latest) for a, (held, latest, _) in fresh.items()}
