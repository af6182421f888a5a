"""FTOP task 3298 is chased: when the FTA accepts, a timer is set some business days ahead
(FIRST_CONTACT_BUSINESS_DAYS); if the task is still open then, the FTA is reminded and the FTA
managers see it as overdue. Their card says so once the FTA records the call."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels import Poster
from bot.status_cards import managers_role
from cards.first_contact import (
    create_first_contact_done_card,
    create_first_contact_overdue_card,
    create_first_contact_reminder_card,
)
from domain.calendar import business_days_later
from domain.ftop import EnterpriseAssignment, FtopGateway
from domain.requests import FtaRequest, RequestRepository, State
from domain.roster import Architect, Roster
from domain.timers import Timers

FIRST_CONTACT_DUE = "first_contact_due"  # the timer's kind
OVERDUE = managers_role("first-contact")  # the role of the managers' overdue card


class FirstContactChase:
    def __init__(self, *, ftop: FtopGateway, requests: RequestRepository, roster: Roster,
                 poster: Poster, timers: Timers, managers_channel_id: str,
                 business_days: int) -> None:
        self._ftop, self._requests, self._roster = ftop, requests, roster
        self._poster, self._timers = poster, timers
        self._managers, self._days = managers_channel_id, business_days

    def due_at(self, assigned_at: datetime, architect: Architect) -> datetime:
        """When task 3298 becomes overdue: business days in the FTA's own calendar."""
        return business_days_later(assigned_at, self._days, architect.timezone,
                                   architect.holiday_country, architect.holiday_subdivision)

    async def start(self, request: FtaRequest, architect: Architect, now: datetime) -> None:
        """The FTA accepted: chase task 3298 once it is due."""
        await self._timers.schedule(FIRST_CONTACT_DUE, request.id,
                                    self.due_at(now, architect))

    async def due(self, request_id: int, now: datetime) -> None:
        """The timer fired: remind the FTA and tell the managers, if the task is still open."""
        record = await self._ftop.get(request_id)
        request = await self._requests.get(request_id)
        if record is None or request is None or request.state is not State.ASSIGNED \
                or not record.first_contact_open:
            return
        architect = await self._roster.get(record.fta_id)
        if architect is not None:
            today = now.astimezone(ZoneInfo(architect.timezone)).date()
            await self._poster.to_person(
                architect.aad_id, create_first_contact_reminder_card(request, record, today),
                audience=architect.name, what=f"The task 3298 reminder of {request.number}")
        due_at = self.due_at(record.assigned_at, architect) if architect else now
        await self._poster.to_channel(
            self._managers, create_first_contact_overdue_card(request, record, due_at),
            remember=(request.id, OVERDUE), audience="the FTA managers' channel")

    async def done(self, request: FtaRequest, record: EnterpriseAssignment) -> None:
        """The FTA recorded the call: the managers' overdue card, if any, says it is done."""
        await self._poster.update(request.id, OVERDUE,
                                  create_first_contact_done_card(request, record))
