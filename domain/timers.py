"""Timers the process relies on (offer time-outs, SLA reminders): kept in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


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

    async def once(self, kind: str, request_id: int, now: datetime) -> bool:
        """Record that ``kind`` happened for the request; False if it already had."""
        ...

    async def claim_due(self, now: datetime, lease: timedelta = ...,
                        limit: int = 20) -> list[Timer]: ...

    async def complete(self, timer_id: int, now: datetime) -> None: ...
