"""What operators watch: the figures /metrics reports, as the database has them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Figures:
    outbox_waiting: int  # notices not yet delivered
    outbox_oldest_seconds: float  # age of the oldest of them
    outbox_dead: int  # notices given up on (the managers were told)
    offers_pending: int  # offers waiting for an FTA's answer
    sla_breaches: int  # requests waiting for an FTA past their deadline


@dataclass(frozen=True)
class Handled:
    """An activity met before: how it ended, and the answer it got (an invoke's body)."""

    outcome: str
    response: dict[str, Any] | None


@dataclass(frozen=True)
class Entry:
    """One line of the audit log: who did what to which request, from which activity."""

    conversation_id: str
    activity_id: str
    actor: str
    action: str
    subject: int | None


class ActivityLog(Protocol):
    async def claim(self, entry: Entry, now: datetime) -> Handled | None:
        """Record that ``entry`` is being handled; what happened before if it was already."""
        ...

    async def finish(self, entry: Entry, outcome: str, response: dict[str, Any] | None,
                     now: datetime) -> None: ...

    async def release(self, entry: Entry) -> None:
        """Forget a claim whose turn failed, so Teams' retry can run it."""
        ...

    async def record(self, entry: Entry, outcome: str, now: datetime) -> None:
        """An audit line for a change no activity caused (the worker's time-outs, say)."""
        ...
