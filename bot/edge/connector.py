"""The Bot Connector REST API over one pooled aiohttp session: post a message, reply in a
thread, replace a card. botbuilder builds a msrest client per turn and sends through
`requests` in a thread pool (TEAMS_NOTES); this is a plain async call with a cached token.
Every call goes through its service URL's bulkhead and circuit breaker (bot/edge/service_urls)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.edge.service_urls import ServiceUrlGuard
from domain.outbox import NO_ANSWER, DeliveryError, parse_retry_after

Token = Callable[[], Awaitable[str]]


class BotConnector:
    def __init__(self, session: aiohttp.ClientSession, token: Token | None = None,
                 timeout_seconds: float = 15.0, guard: ServiceUrlGuard | None = None) -> None:
        self._session, self._token = session, token
        self._timeout_seconds = timeout_seconds
        self.guard = guard or ServiceUrlGuard()

    async def post(self, service_url: str, conversation_id: str,
                   activity: dict[str, Any]) -> str:
        """A new message in the conversation; the id Teams gave it."""
        answer = await self._call("POST", service_url, _activities(conversation_id), activity)
        return str(answer.get("id") or "")

    async def reply(self, service_url: str, conversation_id: str, reply_to_id: str,
                    activity: dict[str, Any]) -> str:
        """A reply to ``reply_to_id`` (in a channel: in its thread); the new message's id."""
        path = f"{_activities(conversation_id)}/{quote(reply_to_id, safe='')}"
        answer = await self._call("POST", service_url, path, activity)
        return str(answer.get("id") or "")

    async def update(self, service_url: str, conversation_id: str, activity_id: str,
                     activity: dict[str, Any]) -> None:
        """Replace an earlier message (its card) for everyone who sees it."""
        path = f"{_activities(conversation_id)}/{quote(activity_id, safe='')}"
        await self._call("PUT", service_url, path, {**activity, "id": activity_id})

    async def delete(self, service_url: str, conversation_id: str, activity_id: str) -> None:
        path = f"{_activities(conversation_id)}/{quote(activity_id, safe='')}"
        await self._call("DELETE", service_url, path, None)

    async def member(self, service_url: str, conversation_id: str, member_id: str,
                     timeout_seconds: float | None = None) -> dict[str, Any]:
        """One member of a conversation (or team), with e-mail and UPN, from Teams' roster."""
        path = (f"/v3/conversations/{quote(conversation_id, safe='')}/members/"
                f"{quote(member_id, safe='')}")
        return await self._call("GET", service_url, path, None, timeout_seconds)

    async def members(self, service_url: str, conversation_id: str,
                      timeout_seconds: float | None = None) -> list[dict[str, Any]]:
        """Every member of a conversation: a team's roster for a team id, a private or
        shared channel's own for its channel id (id, name, aadObjectId...)."""
        path = f"/v3/conversations/{quote(conversation_id, safe='')}/members"
        answer = await self._call_json("GET", service_url, path, None, timeout_seconds)
        return [member for member in answer if isinstance(member, dict)] \
            if isinstance(answer, list) else []

    async def _call(self, method: str, service_url: str, path: str,
                    body: dict[str, Any] | None,
                    timeout_seconds: float | None = None) -> dict[str, Any]:
        answer = await self._call_json(method, service_url, path, body, timeout_seconds)
        return answer if isinstance(answer, dict) else {}

    async def _call_json(self, method: str, service_url: str, path: str,
                         body: dict[str, Any] | None, timeout_seconds: float | None) -> Any:
        headers = {"Authorization": f"Bearer {await self._token()}"} if self._token else {}
        seconds = min(timeout_seconds or self._timeout_seconds, self._timeout_seconds)
        async with self.guard.call(service_url, patience_seconds=seconds):
            return await self._request(method, service_url.rstrip("/") + path, body, headers,
                                       seconds)

    async def _request(self, method: str, url: str, body: dict[str, Any] | None,
                       headers: dict[str, str], seconds: float) -> Any:
        try:
            async with self._session.request(method, url, json=body, headers=headers,
                                             timeout=aiohttp.ClientTimeout(total=seconds)
                                             ) as response:
                text = await response.text()
                if response.status >= 300:
                    raise DeliveryError(f"Teams answered {method} with HTTP {response.status}",
                                        response.status,
                                        parse_retry_after(response.headers.get("Retry-After")))
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError(f"no answer from Teams ({type(error).__name__})",
                                NO_ANSWER) from error
        try:
            return json.loads(text) if text else {}
        except ValueError:
            return {}


def _activities(conversation_id: str) -> str:
    return f"/v3/conversations/{quote(conversation_id, safe='')}/activities"
