"""What the desk's read routes share: the storage and roles they read, the clock, and a
short-lived memory for what changes slowly (reports, the list of FTAs) while ten tabs poll
every 5 seconds."""

from __future__ import annotations

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

KEPT_SECONDS = 60.0


@dataclass
class DeskReader:
    """What the read routes need, wired by app.py."""

    desk: SqlDesk
    roles: Roles
    clock: Callable[[], datetime]
    managers_timezone: str = "UTC"
    ftchelp_sla_business_days: float = 1.0  # FTCHelp's own SLA (domain/sla.py)
    _kept: dict[str, tuple[float, Any]] = field(default_factory=dict)

    async def kept(self, key: str, read: Callable[[], Awaitable[Any]]) -> Any:
        found = self._kept.get(key)
        if found is not None and time.monotonic() < found[0]:
            return found[1]
        value = await read()
        self._kept[key] = (time.monotonic() + KEPT_SECONDS, value)
        return value


desk_reader_key = web.AppKey("desk_reader", DeskReader)


def refused(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def desk_roles(reader: DeskReader, viewer: Viewer) -> rules.Roles:
    return rules.Roles(manager=viewer.is_manager, ftchelp=viewer.is_ftchelp,
                       admin=viewer.is_admin,
                       architect_id=await reader.desk.architect_of(viewer.id))


