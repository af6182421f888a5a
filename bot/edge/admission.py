"""Admission at the HTTP edge: at most so many turns run at once, the rest wait in arrival
order. Under a burst, a turn's latency is then its place in the queue plus its own work,
instead of every turn's statements queueing behind everyone else's at each connection
checkout and write lock (which, at 100 conversations on a 10-connection pool, held an invoke
past Teams' 5 seconds). A turn that cannot start within its patience is refused at once
rather than answered after Teams has given up on it.

A slot stands for the database work of a turn, not for its wait on Teams: while a turn waits
on a call to its service URL for longer than a reply takes, it lends the slot to the next
turn (`lending_the_slot`). Otherwise turns from one hung Teams region would hold every slot
and refuse everyone else's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
LEND_AFTER_SECONDS = 0.2  # a reply Teams takes at once comes back well within this


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


async def lending_the_slot(call: Awaitable[T]) -> T:
    """Await ``call`` (a call to Teams). If it takes longer than a reply normally does, the
    running turn lends its slot to the next turn meanwhile, and takes it again (in turn order)
    before it goes on. Replies that come back at once never give up their place."""
    slot = _running.get()
    if slot is None or not slot.held:
        return await call
    task = asyncio.ensure_future(call)
    try:
        await asyncio.wait({task}, timeout=LEND_AFTER_SECONDS)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if task.done():
        return task.result()
    slot.give_back()
    try:
        result = await task
    except asyncio.CancelledError:
        raise  # the turn is over: nothing to take the slot again for
    except BaseException:
        await slot.take_again()  # the turn goes on, and handles the failure
        raise
    await slot.take_again()
    return result
