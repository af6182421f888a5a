"""Sliding-window rate limits: Teams allows a bot 7 sends per second, 8 per 2 seconds, 60 per
30 seconds and 1,800 per hour in one conversation, and about 30-50 requests per second per
tenant. The limiter answers how long to wait; the caller sleeps and then records the send."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

Window = tuple[int, float]  # (at most this many sends, per this many seconds)
TEAMS_PER_CONVERSATION: tuple[Window, ...] = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))


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
