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
