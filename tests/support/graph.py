"""A fake Microsoft Graph and a fake Entra token endpoint on loopback.

The token endpoint is https with a trustme certificate (msal accepts only https authorities);
tests point REQUESTS_CA_BUNDLE at the CA. Graph answers like Graph: bearer tokens required,
getSchedule views, events with a Teams join URL, transactionId de-duplication, cancel by the
organizer only (202, the event leaves the calendar), and 429/503 on demand."""

from __future__ import annotations

import itertools
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

import trustme
from aiohttp import web
from aiohttp.test_utils import TestServer

TOKEN = "fake-graph-token"


@dataclass
class FakeEntra:
    ca: trustme.CA = field(default_factory=trustme.CA)
    tokens_issued: int = 0
    server: TestServer | None = None

    @property
    def authority(self) -> str:
        assert self.server is not None
        return f"https://127.0.0.1:{self.server.port}/tenant-id"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/tenant-id/v2.0/.well-known/openid-configuration", self._metadata)
        app.router.add_post("/tenant-id/oauth2/v2.0/token", self._token)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1").configure_cert(context)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server(ssl=context)

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _metadata(self, _: web.Request) -> web.Response:
        return web.json_response({
            "token_endpoint": f"{self.authority}/oauth2/v2.0/token",
            "authorization_endpoint": f"{self.authority}/oauth2/v2.0/authorize",
            "issuer": f"{self.authority}/v2.0"})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        self.tokens_issued += 1
        return web.json_response({"access_token": TOKEN, "token_type": "Bearer",
                                  "expires_in": 3600})


@dataclass
class FakeIdentityEndpoint:
    """Azure's managed identity endpoint as App Service and Container Apps serve it (plain http
    on the host, IDENTITY_ENDPOINT and IDENTITY_HEADER): a token per resource, for the
    user-assigned identity whose client id is asked for."""

    header: str = "identity-header-secret"
    tokens: dict[str, str] = field(default_factory=lambda: {
        "https://graph.microsoft.com": TOKEN})
    asked: list[dict[str, str]] = field(default_factory=list)
    server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/msi/token"))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/msi/token", self._token)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _token(self, request: web.Request) -> web.Response:
        if request.headers.get("X-IDENTITY-HEADER") != self.header:
            return web.json_response({"statusCode": 401, "message": "no header"}, status=401)
        self.asked.append(dict(request.query))
        resource = request.query.get("resource", "")
        return web.json_response({
            "access_token": self.tokens.get(resource, f"msi-token-for {resource}"),
            "expires_on": str(int(time.time()) + 3600), "resource": resource,
            "token_type": "Bearer", "client_id": request.query.get("client_id", "")})


@dataclass
class FakeGraph:
    views: dict[str, str] = field(default_factory=dict)  # address -> availabilityView
    # address -> (start, end, Windows time-zone name); else 08:00-18:00 Eastern Standard Time
    hours: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    cancelled: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> event, comment
    mails: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    server: TestServer | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/v1.0"))

    def fail_next(self, status: int, retry_after: int | None = None) -> None:
        self.failures.append((status, {"Retry-After": str(retry_after)} if retry_after
                              is not None else {}))

    async def start(self) -> None:
        app = web.Application(middlewares=[self._auth])
        app.router.add_post("/v1.0/users/{user}/calendar/getSchedule", self._schedule)
        app.router.add_post("/v1.0/users/{user}/events", self._create)
        app.router.add_patch("/v1.0/users/{user}/events/{id}", self._update)
        app.router.add_post("/v1.0/users/{user}/events/{id}/cancel", self._cancel)
        app.router.add_post("/v1.0/users/{user}/sendMail", self._send_mail)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @web.middleware
    async def _auth(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"error": {"code": "InvalidAuthenticationToken"}},
                                     status=401)
        if self.failures:
            status, headers = self.failures.pop(0)
            return web.json_response({"error": {"code": "TooManyRequests"}}, status=status,
                                     headers=headers)
        body = await request.json()
        self.calls.append((request.method, request.path, body))
        return await handler(request)

    async def _schedule(self, request: web.Request) -> web.Response:
        body = self.calls[-1][2]
        slots = 48 * 7
        return web.json_response({"value": [
            {"scheduleId": address, "availabilityView": self.views.get(address, "0" * slots),
             "workingHours": self._working_hours(address)}
            if not address.endswith("@external.example") else
            {"scheduleId": address, "error": {"responseCode": "ErrorMailRecipientNotFound"}}
            for address in body["schedules"]]})

    def _working_hours(self, address: str) -> dict[str, Any]:
        start, end, zone = self.hours.get(address, ("08:00:00", "18:00:00",
                                                    "Eastern Standard Time"))
        return {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                "startTime": f"{start}.0000000", "endTime": f"{end}.0000000",
                "timeZone": {"name": zone}}

    async def _create(self, request: web.Request) -> web.Response:
        body = self.calls[-1][2]
        existing = next((e for e in self.events.values()
                         if e["transactionId"] == body.get("transactionId")), None)
        if existing is not None:
            return web.json_response(existing, status=201)
        event_id = f"event-{next(self._ids)}"
        self.events[event_id] = {**body, "id": event_id, "webLink": f"https://outlook/{event_id}",
                                 "organizer": {"emailAddress": {
                                     "address": request.match_info["user"]}},
                                 "onlineMeeting": {"joinUrl": f"https://teams/meet/{event_id}"}}
        return web.json_response(self.events[event_id], status=201)

    async def _send_mail(self, request: web.Request) -> web.Response:
        self.mails.append((request.match_info["user"], self.calls[-1][2]["message"]))
        return web.Response(status=202)

    async def _cancel(self, request: web.Request) -> web.Response:
        """As Graph: only the organizer may cancel; the event leaves their calendar and the
        attendees get the comment; 202 with no body."""
        event = self.events.get(request.match_info["id"])
        if event is None:
            return web.json_response({"error": {"code": "ErrorItemNotFound"}}, status=404)
        organizer = event["organizer"]["emailAddress"]["address"]
        if organizer.lower() != request.match_info["user"].lower():
            return web.json_response({"error": {
                "code": "ErrorInvalidRequest", "message": "Your request can't be completed. "
                "You need to be an organizer to cancel a meeting."}}, status=400)
        comment = self.calls[-1][2].get("comment", self.calls[-1][2].get("Comment", ""))
        self.cancelled[event["id"]] = {**self.events.pop(event["id"]), "comment": comment}
        return web.Response(status=202)

    async def _update(self, request: web.Request) -> web.Response:
        event = self.events.get(request.match_info["id"])
        if event is None:
            return web.json_response({"error": {"code": "ErrorItemNotFound"}}, status=404)
        event.update(self.calls[-1][2])
        return web.json_response(event)
