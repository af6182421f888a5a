"""What the desk's read routes share: the storage and roles they read, the clock, and a
short-lived memory for what changes slowly (reports, the list of FTAs) while ten tabs poll
every 5 seconds.

What is kept is refreshed off the request path: once it is older than KEPT_SECONDS, the next
request still answers with it and starts one refresh in the background (one per key at a
time, however many tabs ask), so no tab's request waits for the 12 weeks' reports to be
recomputed. Only the very first request for a key, with nothing kept yet, waits for it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.desk_auth import Viewer
from bot.roles import Roles
from domain import desk as rules
from storage.desk import SqlDesk

log = logging.getLogger(__name__)
KEPT_SECONDS = 60.0


@dataclass
class DeskReader:
    """What the read routes need, wired by app.py."""

    desk: SqlDesk
    roles: Roles
    clock: Callable[[], datetime]
    managers_timezone: str = "UTC"
    ftchelp_sla_business_days: float = 1.0  # FTCHelp's own SLA (domain/sla.py)
    kept_seconds: float = KEPT_SECONDS
    _kept: dict[str, tuple[float, Any]] = field(default_factory=dict)
    _refreshing: dict[str, asyncio.Task[Any]] = field(default_factory=dict)

    async def kept(self, key: str, read: Callable[[], Awaitable[Any]]) -> Any:
        """What ``read`` gave last for ``key``; refreshed in the background when stale."""
        found = self._kept.get(key)
        if found is None:
            return await asyncio.shield(self._refresh(key, read))
        if time.monotonic() >= found[0]:
            self._refresh(key, read)
        return found[1]

    def _refresh(self, key: str, read: Callable[[], Awaitable[Any]]) -> asyncio.Task[Any]:
        task = self._refreshing.get(key)
        if task is None:
            task = asyncio.create_task(self._read(key, read))
            self._refreshing[key] = task
            task.add_done_callback(lambda done: self._refreshed(key, done))
        return task

    async def _read(self, key: str, read: Callable[[], Awaitable[Any]]) -> Any:
        value = await read()
        self._kept[key] = (time.monotonic() + self.kept_seconds, value)
        return value

    def _refreshed(self, key: str, task: asyncio.Task[Any]) -> None:
        self._refreshing.pop(key, None)
        if not task.cancelled() and task.exception() is not None:  # tried again next time
            log.warning("desk %s not refreshed: %s", key.split(":")[0],
                        type(task.exception()).__name__)

    async def close(self) -> None:
        """Stop refreshes under way (the app is closing; the database goes next)."""
        for task in list(self._refreshing.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


desk_reader_key = web.AppKey("desk_reader", DeskReader)


def refused(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def desk_roles(reader: DeskReader, viewer: Viewer) -> rules.Roles:
    return rules.Roles(manager=viewer.is_manager, ftchelp=viewer.is_ftchelp,
                       admin=viewer.is_admin,
                       architect_id=await reader.desk.architect_of(viewer.id))
