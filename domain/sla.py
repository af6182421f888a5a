"""The SLA clocks: the FTA queue's reminders before the assignment deadline and its breach,
and FTCHelp's own SLA on a ticket, with its priority from the impact the seller gave."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from domain.calendar import BUSINESS_END, BUSINESS_START, business_hours_later

SLA_REMINDER = "sla_reminder"  # the timer kinds of the FTA queue's SLA
SLA_BREACH = "sla_breach"
HOLD_ENDS = "late_hold_ends"  # the late lane's hold ends (domain/queue.py), set at the breach
SLA_KINDS = (SLA_REMINDER, SLA_BREACH, HOLD_ENDS)
TICKET_AT_RISK = "ticket_sla_at_risk"  # FTCHelp's own (timer kinds fit 30 characters)
TICKET_BREACH = "ticket_sla_breach"
TICKET_KINDS = (TICKET_AT_RISK, TICKET_BREACH)
AT_RISK_SHARE = 0.75  # a ticket is at risk once three quarters of its business time passed
# Impact the seller gave (domain/forms.py IMPACT) -> the ticket's priority; unknown: normal.
PRIORITY_OF_IMPACT = {"high": "high", "medium": "normal", "low": "low"}
PRIORITY_LABELS = {"high": "High priority", "normal": "Normal priority", "low": "Low priority"}
_PRIORITY_RANK = {"high": 0, "normal": 1, "low": 2}
_NEVER = datetime.max.replace(tzinfo=UTC)


def sla_timers(deadline: datetime, reminder_hours: Iterable[float]) -> list[tuple[str, datetime]]:
    """The FTA queue's timers for ``deadline``: a reminder so many hours before, and the
    breach at the deadline itself (which sets the late lane's ``HOLD_ENDS``, with the hold
    as it is then)."""
    return [*((SLA_REMINDER, deadline - timedelta(hours=hours)) for hours in reminder_hours),
            (SLA_BREACH, deadline)]


def business_day_hours() -> float:
    """Hours in a business day (09:00-17:00)."""
    return float(BUSINESS_END.hour - BUSINESS_START.hour)


def ticket_due(submitted_at: datetime, business_days: float, timezone: str,
               country: str) -> datetime:
    """When FTCHelp's SLA on a ticket runs out: ``business_days`` of the seller's business
    hours after it reached FTCHelp."""
    return business_hours_later(submitted_at, business_days * business_day_hours(), timezone,
                                country)


def ticket_timers(submitted_at: datetime, business_days: float, timezone: str,
                  country: str) -> list[tuple[str, datetime]]:
    """FTCHelp's reminders for a ticket: at risk, then breached."""
    hours = business_days * business_day_hours()
    return [(TICKET_AT_RISK, business_hours_later(submitted_at, hours * AT_RISK_SHARE,
                                                  timezone, country)),
            (TICKET_BREACH, business_hours_later(submitted_at, hours, timezone, country))]


def ticket_priority(impact: str) -> str:
    """The ticket's priority follows the impact the seller gave: high, normal or low."""
    return PRIORITY_OF_IMPACT.get(impact, "normal")


def ticket_order(impact: str, submitted_at: datetime | None) -> tuple[int, datetime]:
    """Sort key: higher priority first, then the oldest."""
    return (_PRIORITY_RANK[ticket_priority(impact)], submitted_at or _NEVER)
