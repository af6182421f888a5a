"""Microsoft Graph, app-only: free/busy (getSchedule), Teams meetings on the FTA's calendar,
and the assignment e-mail (sendMail).

Tokens come from msal's client-credentials flow (blocking, so it runs in a thread; msal caches
them). 429 and 5xx are retried within a few seconds, honouring Retry-After."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import aiohttp
import msal

from domain.scheduling import SLOT, Availability, CalendarUnavailable, Meeting, working_hours

SCOPE = "https://graph.microsoft.com/.default"
RETRIED = {429, 500, 502, 503, 504}


class GraphError(CalendarUnavailable):
    """Graph could not do it; the message says what, without customer data."""


class GraphCalendar:
    def __init__(self, session: aiohttp.ClientSession, *, base_url: str, authority: str,
                 client_id: str, client_secret: str, attempts: int = 4,
                 budget_seconds: float = 3.0) -> None:
        self._session, self._base = session, base_url.rstrip("/")
        self._authority, self._client = authority, (client_id, client_secret)
        self._attempts, self._budget = attempts, budget_seconds
        self._msal: msal.ConfidentialClientApplication | None = None

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

    async def send_mail(self, sender: str, to: Sequence[str], cc: Sequence[str], subject: str,
                        body: str) -> None:
        message = {"subject": subject, "body": {"contentType": "text", "content": body},
                   "toRecipients": [{"emailAddress": {"address": a}} for a in to],
                   "ccRecipients": [{"emailAddress": {"address": a}} for a in cc]}
        await self._call("POST", f"/users/{sender}/sendMail",
                         {"message": message, "saveToSentItems": True})

    async def _call(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        waited = 0.0
        for attempt in range(1, self._attempts + 1):
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
                                         f"HTTP {r.status}")
                    pause = _pause(r.headers.get("Retry-After"), attempt)
            except (aiohttp.ClientError, TimeoutError):
                pause = _pause(None, attempt)
            if attempt == self._attempts or waited + pause > self._budget:
                break
            waited += pause
            await asyncio.sleep(pause)
        raise GraphError("Graph did not answer in time; try again in a minute")

    async def _token(self) -> str:
        return await asyncio.to_thread(self._acquire)

    def _acquire(self) -> str:
        if self._msal is None:  # its constructor reads the authority's metadata: not at start-up
            self._msal = msal.ConfidentialClientApplication(
                self._client[0], client_credential=self._client[1], authority=self._authority,
                validate_authority=False, instance_discovery=False)
        result = self._msal.acquire_token_for_client(scopes=[SCOPE])
        if "access_token" not in result:
            raise GraphError(f"no Graph token: {result.get('error', 'unknown error')}")
        return str(result["access_token"])


def _graph_time(moment: datetime) -> dict[str, str]:
    return {"dateTime": moment.astimezone(UTC).replace(tzinfo=None).isoformat(),
            "timeZone": "UTC"}


def _meeting(event: dict[str, Any]) -> Meeting:
    def when(value: dict[str, str]) -> datetime:
        return datetime.fromisoformat(value["dateTime"][:19]).replace(tzinfo=UTC)

    return Meeting(event["id"], when(event["start"]), when(event["end"]),
                   (event.get("onlineMeeting") or {}).get("joinUrl", ""),
                   event.get("webLink", ""))


def _pause(retry_after: str | None, attempt: int) -> float:
    try:
        asked = float(retry_after) if retry_after else 0.0
    except ValueError:
        asked = 0.0
    return max(asked, 0.2 * 2 ** (attempt - 1) * (0.5 + random.random()))
