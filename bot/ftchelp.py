"""FTCHelp's queue: FAQ answers first where one fits, then a ticket in FTCHelp's channel that an
agent takes ("Assign to me") and resolves with an answer the seller receives."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.channels import Poster
from bot.ownership import owned_request, request_id_of
from bot.replies import InvokeBody, Refused, card_invoke, message_invoke
from bot.roles import Roles
from bot.status_cards import StatusCards
from bot.turn import Turn
from cards import verbs
from cards.base import Card
from cards.ftchelp import (
    create_answer_card,
    create_faq_closed_card,
    create_ticket_card,
    create_ticket_sla_card,
)
from cards.requests import create_confirmation_card
from domain.faq import Faq, FaqAnswer
from domain.outbox import UnitOfWork
from domain.request_types import Queue
from domain.requests import FtaRequest, RequestRepository, State
from domain.sla import TICKET_BREACH, TICKET_KINDS, ticket_due, ticket_order, ticket_timers
from domain.timers import Timers

log = logging.getLogger(__name__)
ONLY_FTCHELP = "Only the FTCHelp team can work tickets, from the FTCHelp channel."
TICKET = "ticket"  # the role of the ticket's card in the FTCHelp channel


class FtcHelpDesk:
    def __init__(self, requests: RequestRepository, poster: Poster, faq: Faq,
                 channel_id: str, status: StatusCards, unit_of_work: UnitOfWork,
                 roles: Roles, timers: Timers, clock: Callable[[], datetime],
                 sla_business_days: float = 1.0) -> None:
        self._timers, self._clock, self._sla_days = timers, clock, sla_business_days
        self._requests = requests
        self._roles = roles
        self._unit_of_work = unit_of_work
        self._status = status
        self._poster = poster
        self._faq = faq
        self._channel_id = channel_id

    def actions(self) -> dict[str, Any]:
        return {verbs.FAQ_ANSWERED: self.faq_answered, verbs.FAQ_NEED_HELP: self.faq_need_help,
                verbs.TICKET_ASSIGN_TO_ME: self.assign_to_me, verbs.TICKET_RESOLVE: self.resolve}

    def faq_answer(self, request: FtaRequest) -> FaqAnswer | None:
        if request.type_key != "sales_support":
            return None
        return self._faq.answer_for(request.values.get("topic", ""))

    async def faq_answered(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """"This answers it": the inquiry closes without troubling FTCHelp."""
        request = _offered(await owned_request(self._requests, turn, data))
        request.close_as_answered_by_faq()
        await self._requests.save(request)
        return card_invoke(create_faq_closed_card(request))

    async def faq_need_help(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """"I still need help": the inquiry goes to FTCHelp as a ticket."""
        request = _offered(await owned_request(self._requests, turn, data))
        request.escalate_to_ftchelp()
        async with self._unit_of_work():
            await self._requests.save(request)
            await self.post_ticket(request)
        return card_invoke(create_confirmation_card(request, Queue.FTCHELP))

    async def assign_to_me(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """An FTCHelp agent takes the ticket; everyone in the channel sees who has it."""
        request = await self._ticket(turn, data)
        if request.state is not State.FTCHELP_OPEN:
            return card_invoke(await self.ticket_card(request))  # taken already: by whom
        request.take(turn.actor.id, turn.actor.name or "an FTCHelp agent")
        async with self._unit_of_work():
            await self._requests.save(request)
            await self._status.refresh(request.id)
        return card_invoke(await self.ticket_card(request))

    async def resolve(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """The agent's answer closes the ticket and goes to the seller's personal chat."""
        request = await self._ticket(turn, data)
        answer = data.get("answer")
        request.resolve(turn.actor.id,
                        answer[:4000] if isinstance(answer, str) else "")
        async with self._unit_of_work():
            await self._requests.save(request)
            await self._timers.cancel(request.id, TICKET_KINDS, self._clock())
            await self._status.refresh(request.id)
            if not await self._poster.to_person(request.requester.id, create_answer_card(request),
                                                audience=request.requester.name,
                                                what=f"The FTCHelp answer for {request.number}"):
                log.warning("seller of request %s has no personal chat with the bot", request.id)
        return card_invoke(await self.ticket_card(request))

    def due(self, request: FtaRequest) -> datetime | None:
        """When FTCHelp's own SLA on the ticket runs out (FTCHELP_SLA_BUSINESS_DAYS of the
        seller's business hours after they submitted it)."""
        if request.submitted_at is None:
            return None
        return ticket_due(request.submitted_at, self._sla_days, request.requester.timezone,
                          request.requester.country)

    async def ticket_card(self, request: FtaRequest, problem: str | None = None) -> Card:
        """The ticket's card: priority, its SLA, and whom it may be transferred to."""
        return create_ticket_card(request, self.due(request),
                                  await self._requests.ticket_agents(), problem)

    async def sla_due(self, request_id: int, kind: str) -> None:
        """A ticket's SLA timer fired: remind FTCHelp's channel, if it is still open."""
        request = await self._requests.get(request_id)
        due = self.due(request) if request is not None else None
        if request is None or due is None or request.state not in (State.FTCHELP_OPEN,
                                                                   State.FTCHELP_ASSIGNED):
            return
        if kind != TICKET_BREACH and self._clock() >= due:
            return  # late already: the breach's reminder says so, once
        await self._poster.to_channel(self._channel_id, create_ticket_sla_card(
            request, due, breached=kind == TICKET_BREACH), thread_of=(request.id, TICKET),
            audience="the FTCHelp channel", what=f"The FTCHelp SLA reminder of {request.number}")

    async def post_ticket(self, request: FtaRequest) -> None:
        """Post the ticket card in the FTCHelp channel; its SLA's reminders start (once)."""
        due = self.due(request)
        if due is not None and not await self._timers.happened(TICKET_BREACH, request.id):
            assert request.submitted_at is not None  # it has a due time
            await self._timers.schedule_all(request.id, ticket_timers(
                request.submitted_at, self._sla_days, request.requester.timezone,
                request.requester.country))
        if not await self._poster.to_channel(self._channel_id, await self.ticket_card(request),
                                             remember=(request.id, TICKET),
                                             audience="the FTCHelp channel",
                                             what=f"The FTCHelp ticket {request.number}",
                                             key=f"ftchelp-ticket-{request.id}"):
            log.warning("request %s waits unposted: FTCHelp channel not reachable", request.id)

    async def post_waiting_tickets(self) -> None:
        """Post the tickets the FTCHelp channel could not be addressed for when they were
        submitted (no conversation known yet: the demo's sample request, say)."""
        waiting = [r for r in [await self._requests.get(request_id)
                               for request_id in await self._requests.unposted_tickets()]
                   if r is not None and r.state is State.FTCHELP_OPEN]
        for request in sorted(waiting, key=lambda r: ticket_order(r.values.get("impact", ""),
                                                                  r.submitted_at)):
            async with self._unit_of_work():  # the most urgent first, then the oldest
                await self.post_ticket(request)

    async def _ticket(self, turn: Turn, data: dict[str, Any]) -> FtaRequest:
        if not await self._roles.may_work_tickets(turn):
            raise Refused(message_invoke(ONLY_FTCHELP))
        request_id = request_id_of(data)
        request = await self._requests.get(request_id) if request_id is not None else None
        if request is None or request.state not in (State.FTCHELP_OPEN, State.FTCHELP_ASSIGNED,
                                                    State.RESOLVED):
            raise Refused(message_invoke("This ticket is no longer open."))
        return request


def _offered(request: FtaRequest) -> FtaRequest:
    if request.state is not State.FAQ_OFFERED:
        raise Refused(message_invoke(f"{request.number} has moved on already; type "
                                     f"\"status {request.number}\" to see where it is."))
    return request
