"""Three years of a large organisation's history, written straight into the tables in bulk
(COPY on PostgreSQL, one executemany a table on SQLite), not through turns: requests and their
offers, the audit log, delivered notices, card posts, timers, FTAs who came and went, and the
sellers' chats. Everything is finished, as three years of work is: no live offer, no pending
notice, no due timer, no draft (retention purges abandoned ones). Sellers
00000000-0000-0000-0000-000000010000 and up, whom the benchmark submits as, have a history of
their own; the 100 bench FTAs did a fifth of the past work."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.requests import COMPLETE

SELLERS, BENCH_FTAS, TENANT = 20_000, 100, "00000000-0000-0000-0000-000000000001"
FIRST_SELLER = 10_000  # the first seller the benchmark submits as (bench/history.py)
SERVICE = "https://smba.trafficmanager.net/amer/"
STATES = (("assigned", 70), ("cancelled", 10), ("resolved", 10), ("answered_by_faq", 10))
ACTIONS = ("open_request", "choose_request_type", "submit_request", "accept_offer", "message",
           "status", "help", "decline_offer", "schedule_call", "call_completed")


@dataclass(frozen=True)
class Sizes:
    requests: int = 300_000
    audit: int = 3_000_000
    notices: int = 1_000_000
    ftas: int = 5_000


def seller_aad(k: int) -> str:
    return f"00000000-0000-0000-0000-{k:012d}"


def architect_id(n: int) -> str:
    """The bench's own FTAs are fta-1 to fta-100 (bench/turns.py); those who left, hist-n."""
    return f"fta-{n}" if n <= BENCH_FTAS else f"hist-{n}"


class History:
    """The rows, table by table, as tuples in the tables' column order; ``now`` ends it."""

    def __init__(self, sizes: Sizes, now: datetime) -> None:
        self.sizes, self.now = sizes, now
        self.start = now - timedelta(days=3 * 365)
        self._random = random.Random(23)
        self._span = (now - timedelta(days=2) - self.start).total_seconds()

    def _moment(self, n: int, of: int) -> datetime:
        """The n-th of ``of`` events, spread evenly over the three years."""
        return self.start + timedelta(seconds=self._span * n / max(of, 1))

    def _fta(self) -> str:
        """A fifth of the work went to today's bench FTAs, the rest to the others."""
        pick = self._random
        return architect_id(pick.randint(1, BENCH_FTAS) if pick.random() < 0.2 else
                            pick.randint(BENCH_FTAS + 1, max(self.sizes.ftas, BENCH_FTAS + 1)))

    def architects(self) -> Iterator[tuple[Any, ...]]:
        for n in range(BENCH_FTAS + 1, self.sizes.ftas + 1):
            yield (architect_id(n), f"FTA {n}", f"hist{n}@contoso.com",
                   f"00000000-0000-0000-0002-{n:012d}", "", "", "[]", '["enterprise"]',
                   '["NA"]', '["en"]', "America/New_York", "US", None, 15, False, "[]")

    def requests(self) -> Iterator[tuple[Any, ...]]:
        states = [state for state, share in STATES for _ in range(share)]
        for n in range(1, self.sizes.requests + 1):
            k = self._random.randint(1, SELLERS)
            at = self._moment(n, self.sizes.requests)
            values = {**COMPLETE["discovery_workshop"], "customer": f"Customer {k}",
                      "tenant": f"customer{k}.onmicrosoft.com"}
            yield (n, seller_aad(k), f"Seller {k}", "America/New_York", "US",
                   f"seller{k}@contoso.com", "discovery_workshop", json.dumps(values), "{}",
                   states[n % len(states)], 5, at, at + timedelta(minutes=9),
                   at + timedelta(days=14), "", "", "")

    def offers(self) -> Iterator[tuple[Any, ...]]:
        """One accepted offer per assigned request, some declined ones before it."""
        states = [state for state, share in STATES for _ in range(share)]
        number = 0
        for n in range(1, self.sizes.requests + 1):
            if states[n % len(states)] != "assigned":
                continue
            at = self._moment(n, self.sizes.requests) + timedelta(minutes=10)
            customer = f"Customer {n % SELLERS}"
            if n % 3 == 0:
                number += 1
                yield (number, n, self._fta(), 3, "declined", customer, False, at,
                       at + timedelta(days=2), at + timedelta(hours=3), None, "", "{}")
                at += timedelta(hours=3)
            number += 1
            yield (number, n, self._fta(), 3, "accepted", customer, False, at,
                   at + timedelta(days=2), at + timedelta(hours=2), at + timedelta(days=1),
                   "", '{"outcome": "accepted"}')

    def timers(self) -> Iterator[tuple[Any, ...]]:
        for n in range(1, self.sizes.requests + 1):
            at = self._moment(n, self.sizes.requests)
            yield (n, "offer_expiry", n, None, at + timedelta(days=2), None, "",
                   at + timedelta(hours=2))

    def card_posts(self) -> Iterator[tuple[Any, ...]]:
        reference = json.dumps({"serviceUrl": SERVICE, "conversation": {"id": "a:hist"}})
        for n in range(1, self.sizes.requests + 1):
            yield (n, "seller", reference, f"hist-post-{n}")

    def activity_log(self) -> Iterator[tuple[Any, ...]]:
        audit, requests = self.sizes.audit, max(self.sizes.requests, 1)
        for n in range(audit):
            k = 1 + n * 7919 % SELLERS
            at = self._moment(n, audit)
            yield (f"a:hist-seller-{k}", f"hist-{n}", seller_aad(k), ACTIONS[n % len(ACTIONS)],
                   1 + n * requests // audit, "done", None, at, at + timedelta(milliseconds=40))

    def outbox(self) -> Iterator[tuple[Any, ...]]:
        notices, requests = self.sizes.notices, max(self.sizes.requests, 1)
        for n in range(1, notices + 1):
            at = self._moment(n, notices)
            request = 1 + n * requests // (notices + 1)
            lane = "19:account-team" if n % 4 == 0 else f"a:hist-seller-{1 + n % SELLERS}"
            kind = "update" if n % 3 == 0 else "post"
            yield (n, f"hist-{n}", kind, lane, request, "seller", TENANT, "", "{}", "{}",
                   "delivered", 1, at, None, "", None, f"activity-{n}", at,
                   at + timedelta(seconds=1))

    def conversation_references(self) -> Iterator[tuple[Any, ...]]:
        """The chats of sellers and FTAs of the past (the bench's own open theirs anew)."""
        for k in range(1, SELLERS + 1):
            if FIRST_SELLER <= k < FIRST_SELLER + 2_000:
                continue  # the bench's sellers: their first turn writes their reference
            conversation = f"a:hist-seller-{k}"
            reference = {"serviceUrl": SERVICE, "conversation": {"id": conversation}}
            yield (conversation, "personal", TENANT, SERVICE, seller_aad(k), f"29:hist-{k}",
                   "", json.dumps(reference), self._moment(k, SELLERS))


# Table name to its columns, in the order History yields them.
COLUMNS = {
    "architects": ("id", "name", "email", "aad_id", "teams_user_id", "manager", "skills",
                   "segments", "regions", "languages", "timezone", "holiday_country",
                   "holiday_subdivision", "capacity", "active", "out_of_office"),
    "requests": ("id", "requester_id", "requester_name", "requester_timezone",
                 "requester_country", "requester_email", "type_key", "values", "files",
                 "state", "version", "created_at", "submitted_at", "deadline", "agent_id",
                 "agent_name", "answer"),
    "offers": ("id", "request_id", "architect_id", "weight", "state", "customer", "override",
               "offered_at", "expires_at", "decided_at", "engagement_ends_at", "reason",
               "decision"),
    "timers": ("id", "kind", "request_id", "offer_id", "due_at", "lease_until", "leased_by",
               "done_at"),
    "card_posts": ("request_id", "role", "reference", "activity_id"),
    "activity_log": ("conversation_id", "activity_id", "actor", "action", "subject", "outcome",
                     "response", "started_at", "finished_at"),
    "outbox": ("id", "key", "kind", "lane", "request_id", "role", "tenant_id", "audience",
               "payload", "purpose", "state", "attempts", "not_before", "lease_until",
               "leased_by", "last_status", "result", "created_at", "finished_at"),
    "conversation_references": ("conversation_id", "kind", "tenant_id", "service_url",
                                "user_aad_id", "user_id", "team_id", "reference",
                                "updated_at"),
}
SERIAL = ("requests", "offers", "timers", "outbox")


def load(url: str, sizes: Sizes, now: datetime | None = None) -> dict[str, int]:
    """Write the history into the migrated database at ``url``: rows written per table."""
    history = History(sizes, now or datetime.now(UTC))
    if url.startswith("sqlite"):
        return _load_sqlite(Path(url.split("///", 1)[1]), history)
    return asyncio.run(_load_postgres(url.replace("postgresql+asyncpg", "postgresql"), history))


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # SQLAlchemy's stored text (see storage/types.py)
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return value


def _load_sqlite(path: Path, history: History) -> dict[str, int]:
    connection = sqlite3.connect(path)
    # Nobody else has the file yet: no journal while loading (the app turns WAL on again).
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    written = {}
    try:
        for table, columns in COLUMNS.items():
            marks = ", ".join("?" for _ in columns)
            names = ", ".join(f'"{c}"' for c in columns)
            cursor = connection.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                (tuple(_sqlite_value(v) for v in row) for row in getattr(history, table)()))
            written[table] = cursor.rowcount
            connection.commit()
    finally:
        connection.close()
    return written


async def _load_postgres(dsn: str, history: History) -> dict[str, int]:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    written = {}
    try:
        for table, columns in COLUMNS.items():
            rows, written[table] = getattr(history, table)(), 0
            while chunk := list(islice(rows, 100_000)):
                await connection.copy_records_to_table(table, records=chunk, columns=columns)
                written[table] += len(chunk)
        for table in SERIAL:
            await connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
        await connection.execute("VACUUM ANALYZE")  # as autovacuum would have, over 3 years
    finally:
        await connection.close()
    return written
