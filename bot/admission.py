"""Admission at the HTTP edge: at most so many turns run at once, the rest wait in arrival
order. Under a burst, a turn's latency is then its place in the queue plus its own work,
instead of every turn's statements queueing behind everyone else's at each connection
checkout and write lock (which, at 100 conversations on a 10-connection pool, held an invoke
past Teams' 5 seconds). A turn that cannot start within its patience is refused at once
rather than answered after Teams has given up on it.

A slot stands for the database work of a turn, not for its wait on Teams: while a turn waits
on a call to its service URL it lends the slot to the next turn (`lent_out`). Otherwise turns
from one hung Teams region would hold every slot and refuse everyone else's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar


class Busy(Exception):
    """The turn waited its whole patience without a free slot; it was not run."""


class _Slot:
    def __init__(self, slots: asyncio.Semaphore) -> None:
        self._slots, self.held = slots, True

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self._slots.release()

    async def take_again(self) -> None:
        await self._slots.acquire()  # no patience: the turn has started, it must finish
        self.held = True


_running: ContextVar[_Slot | None] = ContextVar("admission_slot", default=None)


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
        slot = _Slot(self._slots)
        token = _running.set(slot)
        try:
            yield
        finally:
            _running.reset(token)
            slot.give_back()


@asynccontextmanager
async def lent_out() -> AsyncIterator[None]:
    """The running turn waits on something outside (Teams): its slot serves another turn
    meanwhile, and is taken again (in turn order) before the turn goes on."""
    slot = _running.get()
    if slot is None or not slot.held:
        yield
        return
    slot.give_back()
    try:
        yield
    except BaseException as error:
        if not isinstance(error, asyncio.CancelledError):  # the turn goes on (and handles it)
            await slot.take_again()
        raise
    await slot.take_again()
