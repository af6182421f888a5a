"""The outbox table: notices are added inside the state change's transaction, and claimed by
dispatchers with a lease, one lane head at a time (FOR UPDATE SKIP LOCKED on PostgreSQL, the
write lock on SQLite), so no item is sent by two instances and a lane keeps its order."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import RowMapping, Update, any_, bindparam, case, false, func, select, update

from domain.outbox import ItemState, Kind, Notice, OutboxItem
from storage.database import Database
from storage.tables import outbox, unfinished
from storage.upsert import insert_if_absent

LIVE = (ItemState.PENDING.value, ItemState.SENDING.value)  # what unfinished() selects

# A pending item whose time has come, or a leased one whose lease lapsed. A CASE and not an OR
# of two comparisons: no index serves it, so the planner starts from the lane heads (a few)
# rather than from every due item on an index of state (SQLite did, 12,000 at a backlog).
_IS_DUE = case(
    (outbox.c.state == ItemState.PENDING.value, outbox.c.not_before <= bindparam("now")),
    (outbox.c.state == ItemState.SENDING.value, outbox.c.lease_until < bindparam("now")),
    else_=false())


def _claim(dialect: str) -> Update:
    """Lease the oldest live item of each lane, if it is due now (or its lease lapsed).

    The lanes with live items are walked one index probe each (a recursive CTE: the next lane
    after this one, then its oldest live item), over an index of live items only: a claim
    costs the number of busy lanes, however many notices wait behind their heads, so a lane
    held back for Teams' rate limit is one row to pass, not its whole queue."""
    lanes_ = outbox.alias("lanes_")
    lanes = (select(func.min(lanes_.c.lane).label("lane")).where(unfinished(lanes_))
             .cte("live_lanes", recursive=True))
    after = outbox.alias("after_")
    lanes = lanes.union_all(
        select(select(func.min(after.c.lane))
               .where(unfinished(after), after.c.lane > lanes.c.lane)
               .scalar_subquery()).where(lanes.c.lane.is_not(None)))
    first = outbox.alias("first_")
    heads = select(select(func.min(first.c.id)).where(unfinished(first),
                                                      first.c.lane == lanes.c.lane)
                   .scalar_subquery().label("head")).where(lanes.c.lane.is_not(None))
    if dialect == "postgresql":
        # As an array, the heads are looked up by primary key: as a semi-join, PostgreSQL's
        # planner hashed them against a scan of the whole table.
        is_head = outbox.c.id == any_(func.array(heads.scalar_subquery()))
    else:
        is_head = outbox.c.id.in_(heads)
    due = select(outbox.c.id).where(is_head, _IS_DUE).order_by(outbox.c.id).limit(
        bindparam("limit"))
    if dialect == "postgresql":
        due = due.with_for_update(skip_locked=True, of=outbox)
    return (update(outbox).where(outbox.c.id.in_(due.scalar_subquery()))
            .values(state=ItemState.SENDING.value, lease_until=bindparam("until"),
                    leased_by=bindparam("worker"), attempts=outbox.c.attempts + 1)
            .returning(*outbox.c))


# Statements built once, values bound per call (see storage/requests.py).
_CLAIM = {dialect: _claim(dialect) for dialect in ("sqlite", "postgresql")}
# An item that is still live: once one dispatcher has finished it, a second whose lease lapsed
# while it worked on the same item can neither put it back nor finish it again (a put-back
# would make it pending and finished at once, out of every claim's reach for good).
_LIVE_ONE = update(outbox).where(outbox.c.id == bindparam("item"), unfinished(outbox))
_LATER_UPDATE = select(outbox.c.id).where(
    outbox.c.request_id == bindparam("request_id"), outbox.c.role == bindparam("role"),
    outbox.c.id > bindparam("item"), outbox.c.kind == Kind.UPDATE.value,
    outbox.c.state == ItemState.PENDING.value).limit(1)
_PENDING_POSTS = select(outbox.c.role, outbox.c.lane).where(
    outbox.c.request_id == bindparam("request_id"), outbox.c.kind == Kind.POST.value,
    unfinished(outbox))


@dataclass(frozen=True)
class Depth:
    """How much is waiting, for /metrics and for the tests."""

    waiting: int
    oldest: datetime | None
    by_state: dict[str, int]


class SqlOutbox:
    def __init__(self, database: Database, now: Callable[[], datetime]) -> None:
        self._database, self._now = database, now
        self._on_added: Callable[[], None] = lambda: None

    def listen(self, on_added: Callable[[], None]) -> None:
        """Call ``on_added`` after each commit that added notices (to wake a dispatcher)."""
        self._on_added = on_added

    async def add(self, notice: Notice) -> None:
        """Write the notice in the running unit of work; a known key is not written twice."""
        now = self._now()
        card = notice.payload.get("remember") if notice.kind is Kind.POST else (
            [notice.payload.get("request_id"), notice.payload.get("role")]
            if notice.kind is Kind.UPDATE else None)
        values = dict(
            key=notice.key or uuid.uuid4().hex, kind=notice.kind.value, lane=notice.lane,
            request_id=card[0] if card else None, role=str(card[1]) if card else "",
            tenant_id=notice.tenant_id, audience=notice.audience[:400],
            payload=notice.payload, purpose=notice.purpose, state=ItemState.PENDING.value,
            attempts=0, not_before=now, created_at=now, leased_by="", result="")
        async with self._database.begin() as connection:
            await connection.execute(
                insert_if_absent(self._database.dialect, outbox, ("key",)), values)
        self._database.after_commit(self._on_added)

    async def claim(self, worker: str, lease: timedelta, limit: int) -> list[OutboxItem]:
        """Lease up to ``limit`` items, each the oldest live item of its lane and due now (or
        leased by a dispatcher that died)."""
        now = self._now()
        claim = _CLAIM[self._database.dialect]
        values = {"now": now, "limit": limit, "until": now + lease, "worker": worker}
        transaction = (self._database.begin() if self._database.dialect == "postgresql"
                       else self._database.serialized())
        async with transaction as connection:
            rows = (await connection.execute(claim, values)).mappings().all()
        return sorted((_item(row) for row in rows), key=lambda item: item.id)

    async def delivered(self, item_id: int, result: str = "") -> None:
        await self._finish(item_id, ItemState.DELIVERED, result=result[:400])

    async def skipped(self, item_id: int) -> None:
        await self._finish(item_id, ItemState.SKIPPED)

    async def dead(self, item_id: int, status: int) -> None:
        await self._finish(item_id, ItemState.DEAD, last_status=status)

    async def retry_later(self, item: OutboxItem, status: int, delay_seconds: float) -> None:
        await self._put_back(item, delay_seconds, last_status=status)

    async def postpone(self, item: OutboxItem, delay_seconds: float) -> None:
        """Not now (Teams' rate limit for its lane or tenant): later, without it counting as
        a try."""
        await self._put_back(item, delay_seconds, attempts=item.attempts - 1)

    async def _put_back(self, item: OutboxItem, delay_seconds: float, **values: object) -> None:
        """Put the item back until ``delay_seconds`` from now. What is queued behind it in its
        lane waits with it: a claim takes a lane's oldest live item or nothing."""
        async with self._database.begin() as connection:
            await connection.execute(_LIVE_ONE, {
                "item": item.id, "state": ItemState.PENDING.value, "lease_until": None,
                "not_before": self._now() + timedelta(seconds=delay_seconds), **values})

    async def superseded(self, item: OutboxItem) -> bool:
        """Is a later card update for the same card waiting? Then this one need not go."""
        values = {"request_id": item.notice.payload.get("request_id"),
                  "role": str(item.notice.payload.get("role")), "item": item.id}
        async with self._database.connect() as connection:
            return (await connection.execute(_LATER_UPDATE, values)).first() is not None

    async def pending_posts(self, request_id: int) -> dict[str, str]:
        """Cards about ``request_id`` still waiting to be posted: role to lane."""
        async with self._database.connect() as connection:
            rows = (await connection.execute(_PENDING_POSTS, {"request_id": request_id})).all()
        return {role: lane for role, lane in rows}

    async def depth(self, finished: bool = True) -> Depth:
        """What waits; with ``finished`` False, by_state counts only the live items and the
        dead ones (/metrics: the delivered and skipped are the bulk of a full table, and
        counting them read a million index entries at every scrape)."""
        counted = select(outbox.c.state, func.count()).group_by(outbox.c.state)
        if not finished:
            counted = counted.where(outbox.c.state.in_((*LIVE, ItemState.DEAD.value)))
        async with self._database.connect() as connection:
            counts: dict[str, int] = dict((await connection.execute(counted)).all())
            oldest = (await connection.execute(select(func.min(outbox.c.created_at)).where(
                unfinished(outbox)))).scalar()
        by_state = {str(state): int(count) for state, count in counts.items()}
        waiting = sum(by_state.get(state, 0) for state in LIVE)
        return Depth(waiting, oldest, by_state)

    async def _finish(self, item_id: int, state: ItemState, **values: object) -> None:
        async with self._database.begin() as connection:
            await connection.execute(_LIVE_ONE, {
                "item": item_id, "state": state.value, "lease_until": None,
                "finished_at": self._now(), **values})


def _item(row: RowMapping) -> OutboxItem:
    get = row.__getitem__
    notice = Notice(Kind(get("kind")), get("lane"), get("payload"), get("tenant_id"),
                    get("audience"), get("key"), get("purpose"))
    return OutboxItem(get("id"), notice, get("attempts"), get("created_at"))
