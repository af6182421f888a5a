"""Sliding-window rate limits: Teams allows a bot 7 sends per second, 8 per 2 seconds, 60 per
30 seconds and 1,800 per hour in one conversation, and about 30-50 requests per second per
tenant, whichever instance sends. So a send reserves its place in a ledger every instance
shares (SendLedger) before it goes; SlidingWindows is one process's own view, which may only
ever hold back more, never less.

Replies sent within a turn (the answer to a message, a card a command shows) take no place:
the person who wrote is waiting for them, at human pace one or two a turn, and a Teams 429 on
one is tried once more (bot/edge/adapter.py), which costs less than every turn writing to the
ledger or waiting for a window. The outbox's notices, which come in bursts, are what the
ledger keeps apart."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

Window = tuple[int, float]  # (at most this many sends, per this many seconds)
TEAMS_PER_CONVERSATION: tuple[Window, ...] = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
# A place is reserved a moment before the send reaches Teams, and not every send takes the
# same moment (the network, a busy event loop, the clocks of instances on other hosts): every
# window is kept this much longer than Teams' own, so that sends a window apart when reserved
# are still a window apart when they arrive.
MARGIN_SECONDS = 0.25


def with_margin(windows: Iterable[Window], margin: float = MARGIN_SECONDS) -> tuple[Window, ...]:
    return tuple((limit, seconds + margin) for limit, seconds in windows)


@dataclass(frozen=True)
class Limits:
    """The windows one key (a conversation, a tenant) must keep within."""

    key: str
    windows: tuple[Window, ...]


class SendLedger(Protocol):
    async def reserve(self, limits: Sequence[Limits]) -> dict[str, float]:
        """Take one place in every key's windows, all or none: nothing when they all had
        room; else, for each key that had none, the seconds until it has."""
        ...

    async def prune(self) -> None:
        """Forget the sends that no window reaches back to any more."""
        ...


def seconds_until_room(windows: Iterable[Window], ages: Iterable[float | None]) -> float:
    """Seconds until every window has room, given for each how long ago its limit-th newest
    send went (None: fewer sends than its limit inside it)."""
    return max((seconds - age for (_, seconds), age in zip(windows, ages, strict=True)
                if age is not None), default=0.0)


class SlidingWindows:
    def __init__(self, windows: Iterable[Window]) -> None:
        self._windows = tuple(sorted(windows, key=lambda w: w[1]))
        self._longest = max((seconds for _, seconds in self._windows), default=0.0)
        self._sent: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float) -> float:
        """Seconds until one more send for ``key`` stays within every window."""
        sent = self._sent.get(key)
        if not sent:
            return 0.0
        while sent and sent[0] <= now - self._longest:
            sent.popleft()
        longest_wait = 0.0
        for limit, seconds in self._windows:
            inside = [t for t in sent if t > now - seconds] if len(sent) >= limit else []
            if len(inside) >= limit:
                # The send that must age out of the window first is the limit-th newest.
                longest_wait = max(longest_wait, inside[-limit] + seconds - now)
        return longest_wait

    def room(self, now: float) -> int:
        """How many more sends the busiest key may make now within every window (the whole
        allowance when nothing was sent lately)."""
        room = min((limit for limit, _ in self._windows), default=0)
        for sent in self._sent.values():
            for limit, seconds in self._windows:
                room = min(room, limit - sum(1 for t in sent if t > now - seconds))
        return max(room, 0)

    def wait_for_room(self, now: float) -> float:
        """Seconds until every key may send once more."""
        return max((self.wait(key, now) for key in list(self._sent)), default=0.0)

    def record(self, key: str, now: float) -> None:
        self._sent.setdefault(key, deque()).append(now)
        if len(self._sent) > 10_000:  # forget idle conversations, keep memory flat
            for stale in [k for k, v in self._sent.items()
                          if not v or v[-1] <= now - self._longest]:
                del self._sent[stale]
