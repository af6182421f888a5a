"""The optional FTOP mirror: every change to an Enterprise Assignment is also POSTed as JSON to
an organisation's own portal (FTOP_SYNC_URL). The local record stays the source of truth; the
POST is an outbox item written with it, so a portal that is down delays it, never loses it."""

from __future__ import annotations

from typing import Any

import aiohttp

from domain.ftop import EnterpriseAssignment, FtopGateway
from domain.outbox import NO_ANSWER, DeliveryError, Kind, Notice, Outbox, parse_retry_after
from storage.database import Database
from storage.ftop import to_json


class HttpFtopMirror:
    """Records locally and, in the same transaction, queues the POST to ``url``."""

    def __init__(self, local: FtopGateway, database: Database, outbox: Outbox, url: str) -> None:
        self._local, self._database, self._outbox, self._url = local, database, outbox, url

    async def record(self, assignment: EnterpriseAssignment) -> None:
        async with self._database.unit_of_work():
            await self._local.record(assignment)
            await self._outbox.add(Notice(
                Kind.SYNC, f"ftop-sync:{assignment.request_id}",
                {"url": self._url, "document": to_json(assignment)},
                audience="the FTOP mirror (FTOP_SYNC_URL)",
                purpose={"what": f"The FTOP record of {assignment.request_number}"}))

    async def get(self, request_id: int) -> EnterpriseAssignment | None:
        return await self._local.get(request_id)


class FtopSync:
    """Delivers one queued record: POST the JSON document; the outbox retries on failure."""

    def __init__(self, session: aiohttp.ClientSession, timeout_seconds: float = 10.0) -> None:
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def deliver(self, payload: dict[str, Any]) -> str:
        try:
            async with self._session.post(payload["url"], json=payload["document"],
                                          timeout=self._timeout) as answer:
                if answer.status >= 300:
                    raise DeliveryError(f"the FTOP mirror answered HTTP {answer.status}",
                                        answer.status,
                                        parse_retry_after(answer.headers.get("Retry-After")))
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError("the FTOP mirror did not answer", NO_ANSWER) from error
        return ""
