"""A fake Teams connector on loopback: it answers like the Bot Connector and records every call.

Teams' rate limits answer 429 with Retry-After; ``fail_next`` lets a test inject those answers.
Teams' regions share one host and differ by path: ``region_url("emea")`` is a service URL of
its own on this connector, and ``hang_region`` makes every call to one region hang.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Sent:
    method: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)  # when it arrived
    region: str = ""  # the service URL's path ("" for the bare url)

    @property
    def text(self) -> str:
        return self.body.get("text") or ""

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [a["content"] for a in self.body.get("attachments") or []
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]


@dataclass
class FakeConnector:
    sent: list[Sent] = field(default_factory=list)
    ids_given: list[str] = field(default_factory=list)  # the id answered for each of sent
    authorizations: list[str] = field(default_factory=list)  # the header of each of sent
    failures: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    hangs: list[tuple[float, str, bool]] = field(default_factory=list)
    held: int = 0  # sends held by hang_next so far
    hung_regions: set[str] = field(default_factory=set)
    calls_to_hung: int = 0  # calls that reached a hung region (held until release_regions)
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    server: TestServer | None = None
    # Rosters by conversation id (a team's, a private channel's): what GET .../members answers.
    rosters: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    roster_reads: list[str] = field(default_factory=list)  # the conversation of each read

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def fail_next(self, status: int, retry_after: float | None = None,
                  conversation: str = "") -> None:
        """Answer the next send (into ``conversation``, if given) with ``status``."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.failures.append((status, headers, conversation))

    def texts(self) -> list[str]:
        return [s.text for s in self.sent if s.text]

    def cards(self) -> list[dict[str, Any]]:
        return [card for s in self.sent for card in s.cards]

    def region_url(self, region: str) -> str:
        """A service URL of its own, as Teams' regions are: same host, another path."""
        return f"{self.url}/{region}"

    def hang_region(self, region: str) -> None:
        """Hold every call to ``region`` until release_regions: a hung Teams region."""
        self.hung_regions.add(region)

    def release_regions(self) -> None:
        """Answer what the hung regions held (as taken), and hang no more."""
        self.hung_regions.clear()
        self._released.set()

    def hang_next(self, seconds: float, conversation: str = "", then_take: bool = False) -> None:
        """Hold the next send (into ``conversation``) for ``seconds``, then answer 504 without
        taking it: a gateway that timed out before the message reached Teams. With
        ``then_take``, a slow Teams: the send is taken and answered after the wait."""
        self.hangs.append((seconds, conversation, then_take))

    async def start(self) -> None:
        app = web.Application(middlewares=[self._hung_regions])
        for prefix in ("", "/{region}"):
            app.router.add_post(prefix + "/v3/conversations/{cid}/activities", self._send)
            app.router.add_post(prefix + "/v3/conversations/{cid}/activities/{aid}", self._send)
            app.router.add_put(prefix + "/v3/conversations/{cid}/activities/{aid}", self._send)
            app.router.add_post(prefix + "/v3/conversations", self._create_conversation)
            app.router.add_get(prefix + "/v3/conversations/{cid}/members/{uid}", self._member)
            app.router.add_get(prefix + "/v3/conversations/{cid}/members", self._roster)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        self.release_regions()
        if self.server is not None:
            await self.server.close()

    @web.middleware
    async def _hung_regions(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.match_info.get("region", "") in self.hung_regions:
            self.calls_to_hung += 1
            await self._released.wait()
        return await handler(request)

    async def _send(self, request: web.Request) -> web.Response:
        conversation = request.match_info["cid"]
        hang = next((h for h in self.hangs if h[1] in ("", conversation.split(";")[0])), None)
        if hang is not None:
            self.hangs.remove(hang)
            self.held += 1
            await asyncio.sleep(hang[0])
            if not hang[2]:
                return web.json_response({"error": {"code": "GatewayTimeout"}}, status=504)
        failure = next((f for f in self.failures
                        if f[2] in ("", conversation.split(";")[0])), None)
        if failure is not None:
            self.failures.remove(failure)
            status, headers, _ = failure
            return web.json_response({"error": {"code": "Throttled"}}, status=status,
                                     headers=headers)
        body = await request.json()
        self.authorizations.append(request.headers.get("Authorization", ""))
        self.sent.append(Sent(request.method, request.match_info["cid"],
                              request.match_info.get("aid"), body,
                              region=request.match_info.get("region", "")))
        given = (request.match_info.get("aid") if request.method == "PUT" else None) or \
            f"activity-{next(self._ids)}"
        self.ids_given.append(given)
        return web.json_response({"id": given})

    async def _member(self, request: web.Request) -> web.Response:
        """Teams' roster lookup: the user's e-mail and UPN."""
        user = request.match_info["uid"]
        mail = f"{user.split(':')[-1]}@contoso.com"
        return web.json_response({"id": user, "name": user, "email": mail,
                                  "userPrincipalName": mail})

    async def _roster(self, request: web.Request) -> web.Response:
        """A team's or a channel's members, as the Bot Connector lists them; 404 for a
        conversation the bot is not in."""
        conversation = request.match_info["cid"]
        self.roster_reads.append(conversation)
        if conversation not in self.rosters:
            return web.json_response({"error": {"code": "ConversationNotFound"}}, status=404)
        return web.json_response(self.rosters[conversation])

    async def _create_conversation(self, request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response({"id": f"a:personal-{body['members'][0]['id']}"})
