"""Admission at the HTTP edge: at most so many turns run at once, the rest wait in arrival
order. Under a burst, a turn's latency is then its place in the queue plus its own work,
instead of every turn's statements queueing behind everyone else's at each connection
checkout and write lock (which, at 100 conversations on a 10-connection pool, held an invoke
past Teams' 5 seconds). A turn that cannot start within its patience is refused at once
rather than answered after Teams has given up on it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Busy(Exception):
    """The turn waited its whole patience without a free slot; it was not run."""


class Admission:
    def __init__(self, limit: int, patience_seconds: float) -> None:
        # asyncio's Semaphore wakes waiters first come, first served, and a newcomer queues
        # behind them (CPython 3.11.1+).
        self._slots = asyncio.Semaphore(limit)
        self._patience = patience_seconds
        self.waiting = 0

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold a slot for the turn's whole run; raise Busy if none frees up in time."""
        self.waiting += 1
        try:
            async with asyncio.timeout(self._patience):
                await self._slots.acquire()
        except TimeoutError:
            raise Busy from None
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self._slots.release()
