"""The managers' figures over time, one definition for the desk's reports, the CSV and the
weekly digest: FTA requests by the week they were submitted (weeks start Monday 00:00 in the
managers' time zone), the SLA measured against the ORIGINAL deadline (domain.desk), hours to
assign from submission to the first acceptance, declines by reason."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.desk import original_deadline

WEEKS = 12
NO_ANSWER = "No answer in time"
TOP_REASONS = 10  # reasons shown by name; the rest are counted as "Other"


@dataclass(frozen=True)
class ReportRow:
    """One FTA request as the reports read it (no free text)."""

    number: str
    type_title: str
    segment: str
    region: str
    submitted_at: datetime
    deadline: datetime | None
    extensions: tuple[Mapping[str, Any], ...]
    assigned_at: datetime | None
    fta: str
    declines: int

    @property
    def original_deadline(self) -> datetime | None:
        return original_deadline(self.deadline, self.extensions)

    @property
    def hours_to_assign(self) -> float | None:
        if self.assigned_at is None:
            return None
        return max(0.0, (self.assigned_at - self.submitted_at).total_seconds() / 3600)

    def met_sla(self, now: datetime) -> bool | None:
        """Assigned by the original deadline; None while that is still open."""
        deadline = self.original_deadline
        if deadline is None:
            return None
        if self.assigned_at is not None:
            return self.assigned_at <= deadline
        return False if now > deadline else None


@dataclass(frozen=True)
class Period:
    """Weeks of the managers' calendar, as instants to query with."""

    first: date  # a Monday
    weeks: int
    zone: str

    @property
    def start(self) -> datetime:
        return local_midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        return local_midnight(self.first + timedelta(weeks=self.weeks), self.zone)


def local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(zone))


def monday_of(moment: datetime, zone: str) -> date:
    local = moment.astimezone(ZoneInfo(zone)).date()
    return local - timedelta(days=local.weekday())


def last_weeks(now: datetime, zone: str, weeks: int = WEEKS) -> Period:
    """The ``weeks`` weeks up to and including the current one."""
    return Period(monday_of(now, zone) - timedelta(weeks=weeks - 1), weeks, zone)


def last_week(now: datetime, zone: str) -> Period:
    """The whole week before the current one (what Monday's digest reports)."""
    return Period(monday_of(now, zone) - timedelta(weeks=1), 1, zone)


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (p50: the median's lower value), rounded to 0.1 hour."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return round(ordered[rank - 1], 1)


def weekly(rows: Iterable[ReportRow], period: Period, now: datetime) -> list[dict[str, Any]]:
    """One row per week of ``period``: requests, met, attainment (of those decided), hours
    to assign p50 and p90."""
    tally = WeeksTally(period)
    tally.add(rows)
    return tally.weeks(now)


class WeeksTally:
    """The weekly rows built up as the requests are read, a chunk at a time: a long history
    is sorted into its weeks piece by piece, never in one go that holds the event loop."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.by_week: dict[date, list[ReportRow]] = {
            period.first + timedelta(weeks=n): [] for n in range(period.weeks)}
        self.extensions = 0

    def add(self, rows: Iterable[ReportRow]) -> None:
        for row in rows:
            found = self.by_week.get(monday_of(row.submitted_at, self.period.zone))
            if found is not None:
                found.append(row)
            self.extensions += len(row.extensions)

    def weeks(self, now: datetime) -> list[dict[str, Any]]:
        return [{"week_start": week.isoformat(), **figures(found, now)}
                for week, found in sorted(self.by_week.items())]


def figures(rows: Sequence[ReportRow], now: datetime) -> dict[str, Any]:
    outcomes = [row.met_sla(now) for row in rows]
    decided = [met for met in outcomes if met is not None]
    hours = [h for h in (row.hours_to_assign for row in rows) if h is not None]
    return {"requests": len(rows), "met_sla": sum(1 for met in decided if met),
            "breached": sum(1 for met in decided if not met),
            "attainment": round(sum(decided) / len(decided), 4) if decided else None,
            "hours_to_assign_p50": percentile(hours, 0.5),
            "hours_to_assign_p90": percentile(hours, 0.9)}


def declines_counted(declines: Iterable[tuple[str, str, int]]) -> list[dict[str, Any]]:
    """(offer state, reason, how many), as the database groups them, to counts by reason,
    most frequent first; reasons are what FTAs typed, so the same words in another case or
    spacing count together, shown as first typed, and beyond the top ten they count as
    "Other"."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for state, reason, count in declines:
        text = NO_ANSWER if state != "declined" else " ".join(reason.split()) or "No reason"
        key = text.casefold()
        shown.setdefault(key, text)
        counts[key] += count
    ranked = counts.most_common()
    top = [{"reason": shown[key], "count": count} for key, count in ranked[:TOP_REASONS]]
    other = sum(count for _, count in ranked[TOP_REASONS:])
    return top + ([{"reason": "Other", "count": other}] if other else [])


def busiest(rows: Iterable[ReportRow], limit: int = 5) -> list[tuple[str, int]]:
    """The FTAs who took the most of these requests, with how many."""
    counts = Counter(row.fta for row in rows if row.fta and row.assigned_at is not None)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


DIGEST_HOUR = 9  # Monday 09:00 in the managers' time zone


def next_digest_at(now: datetime, zone: str) -> datetime:
    """The next Monday 09:00 in ``zone`` strictly after ``now``."""
    monday = monday_of(now, zone)
    due = datetime.combine(monday, time(DIGEST_HOUR), ZoneInfo(zone))
    return due if due > now else datetime.combine(monday + timedelta(weeks=1),
                                                  time(DIGEST_HOUR), ZoneInfo(zone))


@dataclass(frozen=True)
class WeekInReview:
    """What Monday's digest tells the managers about last week."""

    week_start: date
    figures: dict[str, Any]
    declines: list[dict[str, Any]]
    busiest: list[tuple[str, int]]


def week_in_review(rows: Sequence[ReportRow], declines: Iterable[tuple[str, str, int]],
                   period: Period, now: datetime) -> WeekInReview:
    return WeekInReview(period.first, figures(rows, now), declines_counted(declines),
                        busiest(rows))
