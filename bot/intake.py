"""The seller's journey: `request FTA`, the type, the form, files, submit, cancel.
Every step saves the draft, so a seller who leaves comes back to where they were."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.commands import Command, command
from bot.form_defaults import PREFILLED, FormDefaults
from bot.ftchelp import FtcHelpDesk
from bot.identity import requester_of
from bot.ownership import owned_request
from bot.replies import InvokeBody, Refused, card_inputs, card_invoke, card_message, message_invoke
from bot.status_cards import StatusCards
from bot.turn import Turn
from cards import verbs
from cards.ftchelp import create_faq_card
from cards.intake import create_form_card, create_type_card
from cards.requests import create_cancelled_card, create_confirmation_card
from domain.links import MICROSOFT_365_FILE_HOSTS
from domain.outbox import UnitOfWork
from domain.request_types import request_type
from domain.requests import STATE_LABELS, FtaRequest, RequestRepository, State

RESUMED = "Welcome back: here is your draft as you left it."
SAVED = "Draft saved. Come back any time with **request FTA**."
STALE = ("This card was out of date (your draft changed since), so nothing was changed. "
         "Here is your latest draft.")


class Intake:
    def __init__(self, requests: RequestRepository, desk: FtcHelpDesk,
                 to_fta_queue: Callable[[FtaRequest], Awaitable[None]], status: StatusCards,
                 clock: Callable[[], datetime], default_timezone: str,
                 default_country: str, unit_of_work: UnitOfWork,
                 form_defaults: FormDefaults,
                 link_hosts: tuple[str, ...] = MICROSOFT_365_FILE_HOSTS) -> None:
        self._requests = requests
        self._link_hosts = link_hosts  # where typed links may lead, as sent files (FILE_HOSTS)
        self._form_defaults = form_defaults
        self._unit_of_work = unit_of_work
        self._desk = desk
        self._to_fta_queue = to_fta_queue
        self._status = status
        self._clock = clock
        self._defaults = (default_timezone, default_country)

    def commands(self) -> list[Command]:
        return [command("request FTA", "Start or resume a request",
                        r"(?:request|new)(?:\s+(?:an?\s+)?(?:fta|fasttrack architect))?",
                        self.start),
                command("cancel", "Abandon the draft", r"cancel(?:\s+(?:my\s+)?draft)?",
                        self.cancel_draft)]

    def actions(self) -> dict[str, Any]:
        return {verbs.OPEN_REQUEST: self.open, verbs.CHOOSE_TYPE: self.choose_type,
                verbs.SAVE_DRAFT: self.save, verbs.SUBMIT_REQUEST: self.submit,
                verbs.CANCEL_REQUEST: self.cancel}

    async def start(self, turn: Turn, _: re.Match[str]) -> None:
        """`request FTA`: the seller's draft where they left it, or a new one."""
        request, resumed = await self._draft_for(turn)
        sent = await turn.send(card_message(_step(request, RESUMED if resumed
                                                                   else None)))
        if sent:
            await self._status.remember_sent_card(request, turn, sent)

    async def open(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Request an FTA (from help or welcome), or Change type (from the form)."""
        if data.get("step") == "type":
            return card_invoke(create_type_card(await self._typed_so_far(turn, data)))
        request, resumed = await self._draft_for(turn)
        await self._status.remember_seller_card(request, turn)
        return card_invoke(_step(request, RESUMED if resumed else None))

    async def choose_type(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Step 1 done: the chosen type's form replaces the card."""
        request = await self._own_draft(turn, data)
        key = data.get("request_type")
        if not isinstance(key, str) or request_type(key) is None:
            return card_invoke(create_type_card(request, "Pick a request type to continue."))
        request.choose_type(key)
        banner = None
        if not request.values:  # a fresh form: start from the seller's last request
            request.fill(await self._form_defaults.of(turn))
            banner = PREFILLED if request.values else None
        await self._requests.save(request)
        await self._status.remember_seller_card(request, turn)
        return card_invoke(create_form_card(request, banner=banner))

    async def save(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Keep what was typed without checking it."""
        request = await self._filled_draft(turn, data)
        await self._requests.save(request)
        return card_invoke(create_form_card(request, banner=SAVED))

    async def submit(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """Check the request; route it if complete, else show every problem beside its field."""
        request = await self._filled_draft(turn, data)
        problems = request.problems(self._link_hosts)
        if problems:
            await self._requests.save(request)
            return card_invoke(create_form_card(request, problems))
        async with self._unit_of_work():  # numbered, saved, routed, told: all or none
            now = self._clock()
            queue = request.submit(now, request.number or await self._requests.issue_number(now),
                                   self._link_hosts)
            answer = self._desk.faq_answer(request)
            if answer is not None:
                request.offer_faq()
            await self._requests.save(request)
            await self._form_defaults.remember(turn, request.values)
            await self._status.remember_seller_card(request, turn)
            if request.state is State.FTCHELP_OPEN:
                await self._desk.post_ticket(request)
            elif request.state is State.AWAITING_FTA:
                await self._to_fta_queue(request)
        if answer is not None:
            return card_invoke(create_faq_card(request, answer))
        return card_invoke(create_confirmation_card(request, queue))

    async def cancel(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        request = await self._own_draft(turn, data, check_version=False)
        request.cancel()
        async with self._unit_of_work():  # the seller's other copy of the form, if any, too
            await self._requests.save(request)
            await self._status.show(request, create_cancelled_card(request))
        return card_invoke(create_cancelled_card(request))

    async def cancel_draft(self, turn: Turn, _: re.Match[str]) -> None:
        """`cancel`: abandon the draft being filled in."""
        draft = await self._requests.draft_of(turn.actor.id)
        if draft is None:
            await turn.send("You have no draft to cancel.")
            return
        draft.cancel()
        async with self._unit_of_work():  # the form shown last loses its buttons too
            await self._requests.save(draft)
            await self._status.show(draft, create_cancelled_card(draft))
        await turn.send(card_message(create_cancelled_card(draft)))

    async def _typed_so_far(self, turn: Turn, data: dict[str, Any]
                            ) -> FtaRequest:
        """The draft with what the form held when the seller pressed Change type, so the
        fields the next type shares keep it. A stale form's inputs are not kept."""
        request = await self._own_draft(turn, data, check_version=False)
        if request.type is None or data.get("version") != request.version:
            return request
        typed = card_inputs(data, {f.id for f in request.type.all_fields()})
        if any(request.values.get(key, "") != value for key, value in typed.items()):
            request.fill(typed)
            await self._requests.save(request)
        return request

    async def _draft_for(self, turn: Turn) -> tuple[FtaRequest, bool]:
        requester = requester_of(turn, *self._defaults)
        draft = await self._requests.draft_of(requester.id)
        if draft is not None:
            return draft, True
        requester = replace(requester, email=await turn.sender_email())
        return await self._requests.add(FtaRequest(requester, self._clock())), False

    async def _filled_draft(self, turn: Turn, data: dict[str, Any]) -> FtaRequest:
        request = await self._own_draft(turn, data)
        if request.type is None:
            raise Refused(card_invoke(create_type_card(request, "Pick a request type first.")))
        request.fill(card_inputs(data, {f.id for f in request.type.all_fields()}))
        return request

    async def _own_draft(self, turn: Turn, data: dict[str, Any],
                         check_version: bool = True) -> FtaRequest:
        request = await owned_request(self._requests, turn, data)
        if request.state is State.CANCELLED:  # the card acted on turns into what is true now
            raise Refused(card_invoke(create_cancelled_card(request)))
        if request.state is not State.DRAFT:
            raise Refused(message_invoke(
                f"{request.number} was already sent on ({STATE_LABELS[request.state].lower()}). "
                f"Type \"status {request.number}\" to see where it stands."))
        if check_version and data.get("version") != request.version:
            raise Refused(card_invoke(_step(request, STALE)))
        return request


def _step(request: FtaRequest, banner: str | None = None) -> dict[str, Any]:
    if request.type is None:
        return create_type_card(request)
    return create_form_card(request, banner=banner)
