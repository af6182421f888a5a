"""The roster in Teams: an FTA sets their out of office; managers see load against capacity,
change capacity or the active flag, and read why a request went where it did."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.commands import Command, command
from bot.my_requests import number_in
from bot.replies import InvokeBody, Refused, card_invoke, card_message, message_invoke
from bot.roles import Roles
from bot.status_cards import ESCALATED
from bot.telemetry import turn_outcome
from bot.turn import Turn
from cards import verbs
from cards.roster import create_decision_card, create_ooo_card, create_roster_card
from domain.balancer import Policy
from domain.forms import whole_number
from domain.offers import AssignmentDesk, OfferState
from domain.requests import RequestRepository, State
from domain.roster import Absence, Architect, Roster
from domain.timers import Timers

DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
NOT_AN_FTA = "Only FastTrack Architects on the roster have an out of office here."
MANAGERS_ONLY = "That is for FTA managers, in the FTA managers' channel."


class RosterDesk:
    def __init__(self, roster: Roster, desk: AssignmentDesk, requests: RequestRepository,
                 clock: Callable[[], datetime], roles: Roles, timers: Timers,
                 policy: Policy) -> None:
        self._roster, self._desk, self._requests = roster, desk, requests
        self._clock, self._roles = clock, roles
        self._timers, self._policy = timers, policy

    def commands(self) -> list[Command]:
        return [
            command("ooo", "Set your out of office",
                    rf"(?:ooo|out of office)(?:\s+(?P<start>{DATE})(?:\s*(?:to|-|until)\s*"
                    rf"(?P<end>{DATE}))?|\s+(?P<clear>clear))?", self.out_of_office),
            command("roster", "Managers: the roster with load", r"roster", self.show_roster),
            command("why", "Managers: why a request went where it did",
                    r"why\s+FTA-(?P<year>\d{4})-(?P<id>\d{1,9})", self.why)]

    def actions(self) -> dict[str, Any]:
        return {verbs.ROSTER_UPDATE: self.update}

    async def out_of_office(self, turn: Turn, found: re.Match[str]) -> None:
        """`ooo 2026-12-21 to 2027-01-01`, `ooo clear`, or `ooo` to see them."""
        architect = await self._roster.by_aad_id(turn.actor.id)
        if architect is None:
            await turn.send(NOT_AN_FTA)
            return
        today = self._clock().astimezone(ZoneInfo(architect.timezone)).date()
        periods = tuple(a for a in architect.out_of_office if a.end >= today)
        banner = "Here is what I have."
        if found["clear"]:
            periods, banner = (), "Cleared: you are available for new requests."
        elif found["start"]:
            try:
                start = date.fromisoformat(found["start"])
                end = date.fromisoformat(found["end"] or found["start"])
            except ValueError:  # the shape of a date, not a day of the calendar: 2026-02-30
                await turn.send("That is not a day of the calendar. Try "
                                                 "`ooo 2026-12-21 to 2027-01-01`.")
                return
            if end < start or end < today:
                await turn.send("That period ends before it starts, or is "
                                                 "already over. Try `ooo 2026-12-21 to "
                                                 "2027-01-01`.")
                return
            periods, banner = (*periods, Absence(start, end)), (
                f"Noted: no new requests for you from {start:%a %d %b} to {end:%a %d %b %Y}.")
        updated = replace(architect, out_of_office=periods)
        await self._roster.save(updated)
        await turn.send(card_message(create_ooo_card(updated, banner)))

    async def show_roster(self, turn: Turn, _: re.Match[str]) -> None:
        """`roster`: every FTA's load against capacity, editable."""
        if not await self._may_manage(turn):
            await turn.send(MANAGERS_ONLY)
            return
        await turn.send(card_message(await self._roster_card()))

    async def update(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Save a capacity or active-flag change from the roster card."""
        if not await self._may_manage(turn):
            raise Refused(message_invoke(MANAGERS_ONLY))
        architect = await self._roster.get(str(data.get("architect_id", "")))
        if architect is None:
            return message_invoke("Pick the FTA to change.")
        changed = _changed(architect, data)
        if isinstance(changed, str):
            return message_invoke(changed)
        await self._roster.save(changed)
        state = "active" if changed.active else "inactive"
        return card_invoke(await self._roster_card(
            f"Saved {changed.name}: capacity {changed.capacity}, {state}."))

    async def why(self, turn: Turn, found: re.Match[str]) -> None:
        """`why FTA-…`: where it stands, each offer with its decision and answer, and who is
        not eligible now if it waits."""
        if not await self._may_manage(turn):
            await turn.send(MANAGERS_ONLY)
            return
        number = number_in(found)
        request = await self._requests.by_number(number)
        if request is None:
            await turn.send(f"There is no {number}.")
            return
        names = {a.id: a.name for a in await self._roster.all()}
        offers = await self._desk.offers_for(request.id)
        waiting = request.state is State.AWAITING_FTA and \
            not any(o.state is OfferState.OFFERED for o in offers)
        now = await self._desk.explain(request.id, self._clock(), self._policy) \
            if waiting else None
        escalated = await self._timers.happened(ESCALATED, request.id)
        await turn.send(card_message(create_decision_card(
            request, offers, names, escalated, now.as_dict() if now is not None else None,
            self._policy.late.reserve)))

    async def _roster_card(self, banner: str | None = None) -> dict[str, Any]:
        now = self._clock()
        return create_roster_card(await self._roster.all(),
                                  await self._desk.points_by_architect(now), now.date(), banner)

    async def _may_manage(self, turn: Turn) -> bool:
        if await self._roles.may_manage(turn):
            return True
        turn_outcome.set("refused")  # answered politely by the caller, and recorded
        return False


def _changed(architect: Architect, data: dict[str, Any]) -> Architect | str:
    capacity = data.get("capacity")
    if capacity not in (None, ""):
        points = whole_number(str(capacity).removesuffix(".0"), digits=3)
        if points is None or points > 100:
            return "Capacity is a whole number of points from 0 to 100."
        architect = replace(architect, capacity=points)
    active = data.get("active", "keep")
    if active not in ("keep", "active", "inactive"):
        return "Active is Keep, Active or Inactive."
    if active != "keep":
        architect = replace(architect, active=active == "active")
    return architect
