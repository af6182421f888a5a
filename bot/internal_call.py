"""The internal ATU/CSU/FTA call: free/busy through Graph, the first common 30-minute slot,
a Teams meeting on the FTA's calendar, the meeting posted in the account team's thread, and
two alternative slots on the FTA's card."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.assignment_work import ACCOUNT_TEAM, AssignmentWork
from bot.channels import Poster
from bot.replies import InvokeBody, card_invoke, message_invoke
from bot.turn import Turn
from cards import verbs
from cards.assignment import create_call_card
from domain.calendar import business_days_later
from domain.ftop import FtopGateway, InternalCall
from domain.outbox import UnitOfWork
from domain.requests import FtaRequest
from domain.roster import Architect
from domain.scheduling import (
    CalendarGateway,
    CalendarUnavailable,
    first_common_slots,
    next_slot_start,
)

log = logging.getLogger(__name__)


class InternalCallDesk:
    def __init__(self, *, work: AssignmentWork, calendar: CalendarGateway, ftop: FtopGateway,
                 poster: Poster, clock: Callable[[], datetime], ftav2: tuple[str, ...],
                 search_business_days: int, unit_of_work: UnitOfWork) -> None:
        self._work, self._calendar, self._ftop = work, calendar, ftop
        self._unit_of_work = unit_of_work
        self._poster, self._clock = poster, clock
        self._ftav2, self._days = ftav2, search_business_days

    def actions(self) -> dict[str, Any]:
        return {verbs.SCHEDULE_CALL: self.schedule, verbs.MOVE_CALL: self.move}

    async def schedule(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Find the first slot everyone has free and put a Teams meeting there."""
        request, record, architect = await self._work.for_fta(turn, data)
        if record.call is not None:
            return card_invoke(self._work.card(request, record, architect,
                                               banner="The call is already scheduled."))
        attendees = _attendees(request, architect, self._ftav2)
        now = self._clock()
        start = next_slot_start(now)
        end = business_days_later(now, self._days, architect.timezone,
                                  architect.holiday_country)
        try:
            availability = await self._calendar.availability(architect.email, attendees,
                                                             start, end + timedelta(hours=24))
            slots = first_common_slots(availability, start, architect.timezone,
                                       architect.holiday_country)
            if not slots:
                return card_invoke(self._work.card(
                    request, record, architect,
                    problem=f"No common 30-minute slot in the next {self._days} business days; "
                            "please find a time by hand."))
            meeting = await self._calendar.create_meeting(
                architect.email, f"{request.number} internal call: "
                f"{request.values.get('customer', '')} (ATU / CSU / FTA)",
                _agenda(request), attendees, slots[0], f"{request.number}-internal-call")
        except CalendarUnavailable as error:
            return message_invoke(f"{error}. Nothing was booked.")
        record.call = InternalCall(meeting.id, meeting.start, meeting.join_url, tuple(slots[1:]))
        record.record("internal_call", "scheduled", architect.name, now,
                      meeting.start.isoformat())
        async with self._unit_of_work():
            await self._ftop.record(record)
            await self._announce(request, record, architect, "Internal call scheduled")
        return card_invoke(self._work.card(request, record, architect,
                                           banner="Internal call booked; the account team "
                                                  "has the link."))

    async def move(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Move the call to one of the two alternatives offered."""
        request, record, architect = await self._work.for_fta(turn, data)
        call = record.call
        wanted = data.get("slot") if isinstance(data.get("slot"), str) else ""
        choice = next((s for s in (call.alternatives if call else ())
                       if s.isoformat() == wanted), None)
        if call is None or choice is None:
            return message_invoke("That slot is no longer offered.")
        try:
            meeting = await self._calendar.move_meeting(architect.email, call.meeting_id, choice)
        except CalendarUnavailable as error:
            return message_invoke(f"{error}. The call was not moved.")
        others = (*(s for s in call.alternatives if s != choice), call.start)
        record.call = replace(call, start=meeting.start, alternatives=others)
        record.record("internal_call", "moved", architect.name, self._clock(),
                      meeting.start.isoformat())
        async with self._unit_of_work():
            await self._ftop.record(record)
            await self._announce(request, record, architect, "Internal call moved")
        return card_invoke(self._work.card(request, record, architect,
                                           banner="Moved; the account team has the new time."))

    async def _announce(self, request: FtaRequest, record: Any, architect: Architect,
                        heading: str) -> None:
        card = create_call_card(request, record.call, heading, architect.timezone)
        channel = record.account_post[0] if record.account_post else ""
        # In the assignment notice's thread; a post of its own if that notice never went out.
        if not await self._poster.to_channel(channel, card, thread_of=(request.id, ACCOUNT_TEAM),
                                             audience="the account team channel",
                                             what=f"The internal call of {request.number}"):
            log.warning("internal call for request %s not announced in a channel", request.id)


def _attendees(request: FtaRequest, architect: Architect, ftav2: tuple[str, ...]) -> list[str]:
    found = [architect.email, request.values.get("atu_contact", ""),
             request.values.get("csu_contact", ""), *ftav2]
    return list(dict.fromkeys(a.strip().lower() for a in found if a and a.strip()))


def _agenda(request: FtaRequest) -> str:
    return (f"Internal call for {request.number} ({request.type.title if request.type else ''})"
            ": the FTA explains the next steps to the ATU and CSU before customer "
            "introductions (FTOP task 3298).")
