"""Which waiting request is served first when capacity frees: the one simulator and app order.

Freed capacity used to go to the oldest waiting request, which under pressure had already
missed its deadline, so every fresh request queued behind it and missed its own. Now:

1. overdue: requests past their deadline by more than the ageing allowance, longest overdue
   first. They go ahead of everything, which is what bounds the wait: a request is never
   passed over by a fresher one once it is ``ageing`` past its deadline;
2. on time: requests that can still meet their deadline, earliest deadline first;
3. late: past their deadline by less than the allowance, earliest deadline first.

The bound: a request waits at most ``ageing`` past its deadline before it is first in line
(behind only those overdue longer), so once an eligible FTA has room it is served then."""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")
DEFAULT_AGEING = timedelta(hours=72)  # three days past the deadline at most, then first


@dataclass(frozen=True)
class Lanes:
    """How a queue stands at one instant: the counts of each lane, for people and plots."""

    overdue: int
    on_time: int
    late: int

    @property
    def waiting(self) -> int:
        return self.overdue + self.on_time + self.late


def lane_of(deadline: datetime, now: datetime, ageing: timedelta = DEFAULT_AGEING) -> str:
    """"overdue", "on_time" or "late" (see the module's docstring)."""
    if deadline > now:
        return "on_time"
    return "overdue" if deadline <= now - ageing else "late"


def serve_order(by_deadline: Sequence[tuple[datetime, Hashable, T]], now: datetime,
                ageing: timedelta = DEFAULT_AGEING) -> Iterator[T]:
    """The items of ``by_deadline`` (sorted by deadline, then a tie-breaker) in the order they
    are served at ``now``. Sorted by deadline, the three lanes are contiguous: overdue first,
    then late, then on time; only their order changes."""
    overdue_end = bisect.bisect_right(by_deadline, now - ageing, key=lambda e: e[0])
    late_end = bisect.bisect_right(by_deadline, now, key=lambda e: e[0])
    for start, end in ((0, overdue_end), (late_end, len(by_deadline)),
                       (overdue_end, late_end)):
        for index in range(start, end):
            yield by_deadline[index][2]


def order_waiting(items: Sequence[tuple[datetime, Hashable, T]], now: datetime,
                  ageing: timedelta = DEFAULT_AGEING) -> list[T]:
    """``serve_order`` of items in any order (the app reads them from its database)."""
    return list(serve_order(sorted(items, key=lambda e: (e[0], e[1])), now, ageing))


@dataclass
class DeadlineQueue(Generic[T]):
    """Waiting requests kept sorted by deadline, served in ``serve_order``."""

    ageing: timedelta = DEFAULT_AGEING
    _entries: list[tuple[datetime, str, T]] = field(default_factory=list)

    def add(self, deadline: datetime, key: str, item: T) -> None:
        bisect.insort(self._entries, (deadline, key, item), key=lambda e: (e[0], e[1]))

    def remove(self, deadline: datetime, key: str) -> None:
        index = bisect.bisect_left(self._entries, (deadline, key), key=lambda e: (e[0], e[1]))
        if index < len(self._entries) and self._entries[index][1] == key:
            del self._entries[index]

    def in_order(self, now: datetime) -> list[T]:
        return list(serve_order(self._entries, now, self.ageing))

    def lanes(self, now: datetime) -> Lanes:
        overdue = bisect.bisect_right(self._entries, now - self.ageing, key=lambda e: e[0])
        late = bisect.bisect_right(self._entries, now, key=lambda e: e[0]) - overdue
        return Lanes(overdue, len(self._entries) - overdue - late, late)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[T]:
        return (item for _, _, item in self._entries)
