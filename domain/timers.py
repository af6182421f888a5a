"""Timers the process relies on (offer time-outs, SLA reminders): kept in the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

NO_REQUEST = 0  # the request id of a timer that belongs to none (the retention purge)


@dataclass(frozen=True)
class Timer:
    id: int
    kind: str
    request_id: int
    offer_id: int | None
    due_at: datetime


class Timers(Protocol):
    async def schedule(self, kind: str, request_id: int, due_at: datetime,
                       offer_id: int | None = None) -> None: ...

    async def schedule_all(self, request_id: int,
                           due: Sequence[tuple[str, datetime]]) -> None:
        """Several timers of one request, each (kind, due at), written at once."""
        ...

    async def once(self, kind: str, request_id: int, now: datetime) -> bool:
        """Record that ``kind`` happened for the request; False if it already had."""
        ...

    async def happened(self, kind: str, request_id: int) -> bool:
        """Whether ``once`` recorded ``kind`` for the request (and it was not forgotten)."""
        ...

    async def forget(self, kind: str, request_id: int) -> None:
        """Undo ``once``: the thing did not happen after all, so the next ``once`` is True."""
        ...

    async def cancel(self, request_id: int, kinds: Sequence[str], now: datetime) -> None:
        """The request's pending timers of these kinds will not run (marked done at ``now``):
        the deadline they counted down to moved, or what they chased was done."""
        ...

    async def schedule_missing_hold_ends(self, hold: timedelta) -> int:
        """Each request still waiting for an FTA whose deadline's breach has run without
        setting the late lane's hold end (it ran before releases that set it) gets it, due at
        its deadline plus ``hold``; how many did. Safe to run from every instance at once."""
        ...

    async def claim_due(self, now: datetime, lease: timedelta = ...,
                        limit: int = 20) -> list[Timer]: ...

    async def complete(self, timer_id: int, now: datetime) -> None: ...

    async def ensure(self, kind: str, due_at: datetime) -> None:
        """A pending timer of ``kind`` that belongs to no request exists: else one due at
        ``due_at`` is scheduled (once, however many instances ask at the same time)."""
        ...
