"""The outbox: every notice a state change causes is written in the same transaction as the
change, then delivered by a dispatcher that retries what may be retried and gives up on the
rest into a dead-letter state the managers hear about."""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

# What Teams and Graph ask to be retried (TEAMS_NOTES: 429, 412, 502, 504; 503 and
# time-outs are transient too). Any other answer means "this will never work".
RETRIED_STATUSES = frozenset({408, 412, 429, 500, 502, 503, 504})
# One transaction around a state change and the notices it causes (Database.unit_of_work).
UnitOfWork = Callable[[], AbstractAsyncContextManager[None]]
NO_ANSWER = 0  # time-out or connection error: transient
DEAD_LETTER_NOTICE = "dead_letter_notice"  # a purpose: telling the managers of a dead item


class Kind(StrEnum):
    POST = "post"  # a new message (a card) in a chat or channel, or a reply in a thread
    UPDATE = "update"  # replace the card of an earlier post, found by (request, role)
    MAIL = "mail"  # an e-mail through Graph sendMail
    SYNC = "sync"  # an FTOP record POSTed to the organisation's own portal


class ItemState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # leased by a dispatcher; a lapsed lease means "try again"
    DELIVERED = "delivered"
    SKIPPED = "skipped"  # superseded by a later update, or nothing left to update
    DEAD = "dead"  # retries used up, or refused for good; the managers were told


@dataclass(frozen=True)
class Notice:
    """What to deliver, as written in the outbox. ``lane`` orders delivery: items of one lane
    (one conversation, or one mailbox) go out one at a time, in the order written."""

    kind: Kind
    lane: str
    payload: dict[str, Any]
    tenant_id: str = ""
    audience: str = ""  # who or where, as the managers should read it if it fails
    key: str = ""  # idempotency key; a second notice with the same key is not written
    purpose: dict[str, Any] = field(default_factory=dict)  # e.g. {"offer_id": 7}


@dataclass(frozen=True)
class OutboxItem:
    id: int
    notice: Notice
    attempts: int
    created_at: datetime


class Outbox(Protocol):
    async def add(self, notice: Notice) -> None:
        """Write the notice in the running unit of work (or a transaction of its own)."""
        ...

    async def pending_posts(self, request_id: int) -> dict[str, str]:
        """Cards about the request still waiting to go out: their role, and lane."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped; Retry-After is a floor, not a hint."""

    max_attempts: int = 8
    base_seconds: float = 1.0
    cap_seconds: float = 300.0

    def delay(self, attempts: int, status: int, retry_after: float | None,
              rng: random.Random | None = None) -> float | None:
        """Seconds to wait before the next try after ``attempts`` failed ones; None: give up."""
        if status != NO_ANSWER and status not in RETRIED_STATUSES:
            return None
        if attempts >= self.max_attempts:
            return None
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** (attempts - 1))
        jittered = (rng or random).uniform(ceiling / 2, ceiling)
        return max(jittered, retry_after or 0.0)


def parse_retry_after(header: str | None) -> float | None:
    """Retry-After in seconds (the delta form Teams and Graph send); None if absent or odd."""
    if not header:
        return None
    try:
        seconds = float(header)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


class DeliveryError(Exception):
    """An outbound call failed; ``status`` is the HTTP answer (0: none, a time-out or a broken
    connection) and ``retry_after`` what the service asked us to wait, in seconds."""

    def __init__(self, message: str, status: int = NO_ANSWER,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after
