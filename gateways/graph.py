"""Microsoft Graph, app-only: free/busy (getSchedule), Teams meetings on the FTA's calendar
(booked, moved, cancelled), and the assignment e-mail (sendMail).

Tokens come from msal's client-credentials flow (gateways.tokens). For what a person waits on
(free/busy, booking), 429 and 5xx are retried within a few seconds, honouring Retry-After; the
e-mail is sent once per call, as the outbox retries it with its own backoff."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import aiohttp

from domain.outbox import NO_ANSWER, DeliveryError, parse_retry_after
from domain.scheduling import SLOT, Availability, CalendarUnavailable, Meeting, working_hours
from gateways.tokens import AppTokens, ManagedIdentityTokens

RESOURCE = "https://graph.microsoft.com"
SCOPE = f"{RESOURCE}/.default"
RETRIED = {429, 500, 502, 503, 504}


class GraphError(CalendarUnavailable, DeliveryError):
    """Graph could not do it; the message says what, without customer data."""

    def __init__(self, message: str, status: int = NO_ANSWER,
                 retry_after: float | None = None) -> None:
        DeliveryError.__init__(self, message, status, retry_after)


class GraphCalendar:
    def __init__(self, session: aiohttp.ClientSession, *, base_url: str, authority: str,
                 client_id: str, client_secret: str, managed_identity: bool = False,
                 attempts: int = 4, budget_seconds: float = 3.0) -> None:
        self._session, self._base = session, base_url.rstrip("/")
        self._tokens: AppTokens | ManagedIdentityTokens = \
            ManagedIdentityTokens(client_id=client_id, resource=RESOURCE) \
            if managed_identity else AppTokens(authority=authority, client_id=client_id,
                                               client_secret=client_secret, scope=SCOPE)
        self._attempts, self._budget = attempts, budget_seconds

    async def availability(self, organizer: str, attendees: Sequence[str], start: datetime,
                           end: datetime) -> list[Availability]:
        body = {"schedules": list(attendees), "startTime": _graph_time(start),
                "endTime": _graph_time(end),
                "availabilityViewInterval": int(SLOT.total_seconds() // 60)}
        answer = await self._call("POST", f"/users/{organizer}/calendar/getSchedule", body)
        found = []
        for schedule in answer.get("value", []):
            if "availabilityView" not in schedule:
                continue  # a mailbox Graph cannot read (external, or no calendar): left out
            hours = schedule.get("workingHours") or {}
            found.append(Availability(
                schedule["scheduleId"], schedule["availabilityView"],
                working_hours(hours.get("daysOfWeek", []), hours.get("startTime", "00:00:00"),
                              hours.get("endTime", "23:59:59"),
                              (hours.get("timeZone") or {}).get("name", "")) if hours else None))
        return found

    async def create_meeting(self, organizer: str, subject: str, body: str,
                             attendees: Sequence[str], start: datetime,
                             idempotency_key: str) -> Meeting:
        event = {"subject": subject, "body": {"contentType": "text", "content": body},
                 "start": _graph_time(start), "end": _graph_time(start + SLOT),
                 "attendees": [{"emailAddress": {"address": a}, "type": "required"}
                               for a in attendees],
                 "isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness",
                 # Graph drops a second create with the same transactionId: retries are safe.
                 "transactionId": idempotency_key}
        return _meeting(await self._call("POST", f"/users/{organizer}/events", event))

    async def move_meeting(self, organizer: str, meeting_id: str, start: datetime) -> Meeting:
        change = {"start": _graph_time(start), "end": _graph_time(start + SLOT)}
        return _meeting(await self._call("PATCH", f"/users/{organizer}/events/{meeting_id}",
                                         change))

    async def cancel_meeting(self, organizer: str, meeting_id: str, comment: str) -> None:
        try:
            await self._call("POST", f"/users/{organizer}/events/{meeting_id}/cancel",
                             {"comment": comment})
        except GraphError as error:
            if error.status != 404:  # 404: deleted by hand already, nothing left to cancel
                raise

    async def deliver_mail(self, payload: dict[str, Any]) -> str:
        """An outbox item of kind mail (bot.channels.Poster.mail)."""
        await self.send_mail(payload["sender"], payload["to"], payload["cc"],
                             payload["subject"], payload["body"])
        return ""

    async def send_mail(self, sender: str, to: Sequence[str], cc: Sequence[str], subject: str,
                        body: str) -> None:
        message = {"subject": subject, "body": {"contentType": "text", "content": body},
                   "toRecipients": [{"emailAddress": {"address": a}} for a in to],
                   "ccRecipients": [{"emailAddress": {"address": a}} for a in cc]}
        await self._call("POST", f"/users/{sender}/sendMail",
                         {"message": message, "saveToSentItems": True}, attempts=1)

    async def _call(self, method: str, path: str, body: dict[str, Any],
                    attempts: int | None = None) -> dict[str, Any]:
        waited, attempts = 0.0, attempts or self._attempts
        failure = GraphError("Graph did not answer in time; try again in a minute")
        for attempt in range(1, attempts + 1):
            headers = {"Authorization": f"Bearer {await self._token()}"}
            try:
                async with self._session.request(method, self._base + path, json=body,
                                                 headers=headers,
                                                 timeout=aiohttp.ClientTimeout(total=8)) as r:
                    if r.status < 300:  # sendMail answers 202 with no body
                        text = await r.text()
                        answer: dict[str, Any] = json.loads(text) if text else {}
                        return answer
                    if r.status not in RETRIED:
                        raise GraphError(f"Graph refused {method} {path.split('/')[-1]}: "
                                         f"HTTP {r.status}", r.status)
                    retry_after = parse_retry_after(r.headers.get("Retry-After"))
                    failure = GraphError("Graph did not answer in time; try again in a "
                                         "minute", r.status, retry_after)
                    pause = _pause(retry_after, attempt)
            except (aiohttp.ClientError, TimeoutError):
                pause = _pause(None, attempt)
            if attempt == attempts or waited + pause > self._budget:
                break
            waited += pause
            await asyncio.sleep(pause)
        raise failure

    async def _token(self) -> str:
        try:
            return await self._tokens.token()
        except DeliveryError as error:
            raise GraphError(str(error)) from error


def _graph_time(moment: datetime) -> dict[str, str]:
    return {"dateTime": moment.astimezone(UTC).replace(tzinfo=None).isoformat(),
            "timeZone": "UTC"}


def _meeting(event: dict[str, Any]) -> Meeting:
    def when(value: dict[str, str]) -> datetime:
        return datetime.fromisoformat(value["dateTime"][:19]).replace(tzinfo=UTC)

    return Meeting(event["id"], when(event["start"]), when(event["end"]),
                   (event.get("onlineMeeting") or {}).get("joinUrl", ""),
                   event.get("webLink", ""))


def _pause(retry_after: float | None, attempt: int) -> float:
    return max(retry_after or 0.0, 0.2 * 2 ** (attempt - 1) * (0.5 + random.random()))
