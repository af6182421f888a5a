"""FTOP task 3298 (first account team contact): the date the FTA says the internal call took
place, the FTA's reminder when it is still open, and the FTA managers' overdue card."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from microsoft_teams.cards import CardElement, DateInput, Fact, FactSet

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from cards.text import inert, moment
from domain.ftop import EnterpriseAssignment
from domain.requests import FtaRequest

CALL_DATE = "call_date"  # the input Call completed (3298) reads


def call_date_input(today: date | None) -> CardElement:
    """When the internal call took place: today unless the FTA says otherwise."""
    return DateInput(id=CALL_DATE, label="Date the internal call took place (for Call "
                     "completed)", value=today.isoformat() if today else None,
                     max=today.isoformat() if today else None)


def call_completed_button(request_id: int) -> Any:
    return execute("Call completed (3298)", verbs.CALL_COMPLETED, {"request_id": request_id},
                   style="positive")


def create_first_contact_reminder_card(request: FtaRequest, record: EnterpriseAssignment,
                                       today: date) -> Card:
    """The FTA's reminder: task 3298 is still open after the business days allowed."""
    return build([title(f"Reminder: task 3298 for {request.number} is still open"),
                  _facts(request, record),
                  paragraph("Hold the internal ATU / CSU / FTA call, then record it here or "
                            "on your work card."),
                  call_date_input(today)],
                 [call_completed_button(request.id)])


def create_first_contact_overdue_card(request: FtaRequest, record: EnterpriseAssignment,
                                      due_at: datetime) -> Card:
    """The FTA managers' card: the first account team contact is overdue."""
    return build([title(f"Overdue: task 3298 for {request.number}"),
                  _facts(request, record, Fact(title="Due", value=moment(due_at))),
                  paragraph(f"{inert(record.fta_name)} has not recorded the internal call; "
                            "they were reminded.", color="Warning")])


def create_first_contact_done_card(request: FtaRequest, record: EnterpriseAssignment) -> Card:
    """The managers' overdue card once the FTA records the call."""
    return build([title(f"Task 3298 done for {request.number}"),
                  _facts(request, record),
                  paragraph(f"{inert(record.fta_name)} recorded the internal call; nothing "
                            "is overdue.", color="Good")])


def _facts(request: FtaRequest, record: EnterpriseAssignment, *more: Fact) -> FactSet:
    return FactSet(facts=[Fact(title="Customer", value=inert(request.values.get("customer"))
                               or "-"),
                          Fact(title="FTA", value=inert(record.fta_name)),
                          Fact(title="Assigned", value=moment(record.assigned_at)), *more])
