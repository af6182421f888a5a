"""Business days: Monday to Friday less public holidays (the `holidays` package), per country."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

END_OF_DAY = time(23, 59, 59)
ASSIGNMENT_BUSINESS_DAYS = 2


class BusinessCalendar:
    def __init__(self, country: str, subdivision: str | None = None) -> None:
        try:
            self._holidays: holidays.HolidayBase | dict[date, str] = holidays.country_holidays(
                country, subdiv=subdivision)
        except NotImplementedError:
            self._holidays = {}  # a country the package does not know: weekends only

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def add_business_days(self, day: date, count: int) -> date:
        """The ``count``-th business day after ``day`` (``day`` itself never counts)."""
        while count > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count -= 1
        return day


@lru_cache(maxsize=256)
def calendar_for(country: str, subdivision: str | None = None) -> BusinessCalendar:
    return BusinessCalendar(country.upper(), subdivision)


def assignment_deadline(submitted_at: datetime, timezone: str, country: str,
                        subdivision: str | None = None) -> datetime:
    """End (23:59:59 local) of the second business day after the local submission date."""
    zone = ZoneInfo(timezone)
    local_day = submitted_at.astimezone(zone).date()
    due = calendar_for(country, subdivision).add_business_days(local_day,
                                                               ASSIGNMENT_BUSINESS_DAYS)
    return datetime.combine(due, END_OF_DAY, tzinfo=zone)


def business_days_later(moment: datetime, days: int, timezone: str, country: str,
                        subdivision: str | None = None) -> datetime:
    """The same local time of day, ``days`` business days after ``moment``."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    day = calendar_for(country, subdivision).add_business_days(local.date(), days)
    return datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=zone)


BUSINESS_START, BUSINESS_END = time(9), time(17)


def business_hours_later(moment: datetime, hours: float, timezone: str, country: str,
                         subdivision: str | None = None) -> datetime:
    """``moment`` plus ``hours`` of business time (09:00-17:00 local on business days)."""
    zone, calendar = ZoneInfo(timezone), calendar_for(country, subdivision)
    local, remaining = moment.astimezone(zone), timedelta(hours=hours)
    while True:
        day = local.date()
        opens = datetime.combine(day, BUSINESS_START, tzinfo=zone)
        closes = datetime.combine(day, BUSINESS_END, tzinfo=zone)
        if not calendar.is_business_day(day) or local >= closes:
            local = datetime.combine(calendar.add_business_days(day, 1), BUSINESS_START,
                                     tzinfo=zone)
            continue
        local = max(local, opens)
        if local + remaining <= closes:
            return local + remaining
        remaining -= closes - local
        local = closes
