"""The optional FTOP mirror: every change to an Enterprise Assignment is also POSTed as JSON to
an organisation's own portal (FTOP_SYNC_URL). The local record stays the source of truth."""

from __future__ import annotations

import asyncio
import logging
import random

import aiohttp

from domain.ftop import EnterpriseAssignment, FtopGateway
from storage.ftop import to_json

log = logging.getLogger(__name__)
RETRIED = {408, 412, 429, 500, 502, 503, 504}


class HttpFtopMirror:
    """Records locally, then POSTs to ``url``; 429/5xx and timeouts are retried with backoff."""

    def __init__(self, local: FtopGateway, session: aiohttp.ClientSession, url: str,
                 attempts: int = 4, base_delay: float = 0.5, timeout: float = 10.0) -> None:
        self._local, self._session, self._url = local, session, url
        self._attempts, self._base_delay = attempts, base_delay
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def record(self, assignment: EnterpriseAssignment) -> None:
        await self._local.record(assignment)
        await self._post(to_json(assignment), assignment.request_id)

    async def get(self, request_id: int) -> EnterpriseAssignment | None:
        return await self._local.get(request_id)

    async def _post(self, document: dict[str, object], request_id: int) -> None:
        for attempt in range(1, self._attempts + 1):
            delay = self._base_delay * 2 ** (attempt - 1) * (0.5 + random.random())
            try:
                async with self._session.post(self._url, json=document,
                                              timeout=self._timeout) as answer:
                    if answer.status < 300:
                        return
                    if answer.status not in RETRIED:
                        log.error("FTOP sync refused request %s: HTTP %s", request_id,
                                  answer.status)
                        return
                    delay = max(delay, _retry_after(answer.headers.get("Retry-After")))
            except (aiohttp.ClientError, TimeoutError):
                log.info("FTOP sync attempt %s for request %s got no answer", attempt,
                         request_id)
            if attempt < self._attempts:
                await asyncio.sleep(delay)
        log.error("FTOP sync gave up on request %s after %s attempts", request_id,
                  self._attempts)


def _retry_after(value: str | None) -> float:
    try:
        return min(float(value), 60.0) if value else 0.0
    except ValueError:
        return 0.0
