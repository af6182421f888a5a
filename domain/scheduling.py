"""The internal ATU/CSU/FTA call: the first 30-minute slots free for everyone, inside each
attendee's working hours and the FTA's business days."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tzlocal.windows_tz import win_tz

from domain.calendar import BUSINESS_END, BUSINESS_START, calendar_for

SLOT = timedelta(minutes=30)
# Graph reports mailbox time zones by their Windows names (or IANA ones): Unicode CLDR's whole
# table, as tzlocal keeps it, maps them to IANA, so no mailbox's working hours go unread.
WINDOWS_ZONES: Mapping[str, str] = win_tz
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class WorkingHours:
    days: frozenset[int]  # 0 is Monday
    start: time
    end: time
    timezone: str

    def covers(self, start: datetime, end: datetime) -> bool:
        local_start, local_end = start.astimezone(ZoneInfo(self.timezone)), \
            end.astimezone(ZoneInfo(self.timezone))
        return (local_start.weekday() in self.days and local_start.date() == local_end.date()
                and self.start <= local_start.time() and local_end.time() <= self.end)


@dataclass(frozen=True)
class Availability:
    """One attendee's free/busy from the window's start, one digit per interval: 0 is free."""

    attendee: str
    view: str
    working_hours: WorkingHours | None = None


@dataclass(frozen=True)
class Meeting:
    id: str
    start: datetime
    end: datetime
    join_url: str
    web_link: str = ""


class CalendarUnavailable(Exception):
    """The calendar service could not do it; the message says what, for the user."""


class CalendarGateway(Protocol):
    async def availability(self, organizer: str, attendees: Sequence[str], start: datetime,
                           end: datetime) -> list[Availability]: ...

    async def create_meeting(self, organizer: str, subject: str, body: str,
                             attendees: Sequence[str], start: datetime,
                             idempotency_key: str) -> Meeting: ...

    async def move_meeting(self, organizer: str, meeting_id: str, start: datetime) -> Meeting: ...

    async def cancel_meeting(self, organizer: str, meeting_id: str, comment: str) -> None:
        """Cancel the organizer's meeting: the attendees get the cancellation with
        ``comment``. A meeting already gone counts as cancelled."""
        ...


def working_hours(days: Sequence[str], start: str, end: str, zone: str) -> WorkingHours | None:
    """Graph's workingHours, or None when its time zone is not one we can read."""
    name = WINDOWS_ZONES.get(zone, zone)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return WorkingHours(frozenset(DAYS.index(d.lower()) for d in days if d.lower() in DAYS),
                        time.fromisoformat(start[:8]), time.fromisoformat(end[:8]), name)


def first_common_slots(availabilities: Sequence[Availability], window_start: datetime,
                       organizer_timezone: str, organizer_country: str,
                       count: int = 3) -> list[datetime]:
    """The first ``count`` slots where everyone is free, in their working hours, on one of
    the organizer's business days within the organizer's business hours."""
    calendar = calendar_for(organizer_country)
    zone = ZoneInfo(organizer_timezone)
    length = min((len(a.view) for a in availabilities), default=0)
    slots: list[datetime] = []
    for index in range(length):
        start = window_start + index * SLOT
        local = start.astimezone(zone)
        if not calendar.is_business_day(local.date()) or not (
                local.time() >= BUSINESS_START and (local + SLOT).time() <= BUSINESS_END
                and (local + SLOT).date() == local.date()):
            continue
        if all(a.view[index] == "0" and (a.working_hours is None
                                         or a.working_hours.covers(start, start + SLOT))
               for a in availabilities):
            slots.append(start)
            if len(slots) == count:
                break
    return slots


def next_slot_start(now: datetime) -> datetime:
    """The next half hour: slots start on :00 and :30."""
    base = now.replace(second=0, microsecond=0)
    return base + timedelta(minutes=30 - base.minute % 30)
