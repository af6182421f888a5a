"""After an FTA accepts: the FTOP record, the seller's and account team's notices, and the
FTA's decisions per request type, each recorded with who and when."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels import Poster
from bot.first_contact import FirstContactChase
from bot.ownership import owned_request, request_id_of
from bot.replies import InvokeBody, Refused, card_invoke, message_invoke
from bot.turn import Turn
from cards import verbs
from cards.assignment import (
    NEXT_STEPS,
    REPLACEMENT,
    create_account_team_card,
    create_engagement_check_card,
    create_review_notice_card,
    create_seller_answer_card,
    create_seller_assigned_card,
    create_unreachable_channel_card,
    create_unreachable_person_card,
    create_work_card,
)
from cards.first_contact import CALL_DATE
from cards.text import moment
from domain.forms import LONG
from domain.ftop import (
    APPROVE_ENGAGEMENT,
    ENGAGEMENT_END,
    TASK_STATE_LABELS,
    EnterpriseAssignment,
    FtopError,
    FtopGateway,
)
from domain.links import MICROSOFT_365_FILE_HOSTS
from domain.mail import assignment_mail
from domain.offers import AssignmentDesk
from domain.outbox import UnitOfWork
from domain.requests import FtaRequest, RequestError, RequestRepository, State
from domain.reviews import (
    entry_label,
    record_answer,
    record_review,
    review_option,
)
from domain.roster import Architect, Roster
from settings import account_team_channel

log = logging.getLogger(__name__)
NOT_YOURS = "Only the FTA assigned to this request can do that."
ACCOUNT_TEAM = "account-team"  # the role of the assignment notice in the account team channel


class AssignmentWork:
    def __init__(self, *, ftop: FtopGateway, desk: AssignmentDesk, requests: RequestRepository,
                 roster: Roster, poster: Poster, clock: Callable[[], datetime],
                 account_channels: tuple[tuple[str, str], ...], playbook_base_url: str,
                 managers_channel_id: str, unit_of_work: UnitOfWork,
                 can_schedule: bool = False, mail_sender: str = "",
                 chase: FirstContactChase | None = None,
                 link_hosts: tuple[str, ...] = MICROSOFT_365_FILE_HOSTS) -> None:
        self._desk = desk
        self._ftop, self._requests, self._roster = ftop, requests, roster
        self._poster, self._clock = poster, clock
        self._channels, self._playbooks = account_channels, playbook_base_url
        self._managers = managers_channel_id
        self._unit_of_work = unit_of_work
        self._can_schedule = can_schedule
        self._mail_sender = mail_sender  # empty: no e-mail (Graph not configured)
        self._chase = chase
        self._link_hosts = link_hosts  # where replacement links may lead (FILE_HOSTS)

    def actions(self) -> dict[str, Any]:
        return {verbs.RECORD_REVIEW: self.review, verbs.DECIDE_ENGAGEMENT: self.engagement,
                verbs.REPLACE_TENANT: self.replace_tenant, verbs.CALL_COMPLETED: self.call_done,
                verbs.ANSWER_REVIEW: self.seller_answers,
                verbs.ENGAGEMENT_FINISHED: self.engagement_finished,
                verbs.ENGAGEMENT_CONTINUES: self.engagement_continues}

    async def assigned(self, request: FtaRequest, architect: Architect,
                       by_manager: bool = False) -> dict[str, Any]:
        """Open the FTOP record and tell the seller and account team; the FTA's work card.
        Runs inside the caller's unit of work: the notices go out only if it commits."""
        record = EnterpriseAssignment.open(request, architect.id, architect.name, self._clock())
        channel = account_team_channel(self._channels, request.values.get("segment", ""),
                                       request.values.get("region", ""))
        card = create_account_team_card(request, (architect.name, architect.aad_id),
                                        (request.requester.name, request.requester.id))
        if await self._poster.to_channel(channel, card, remember=(request.id, ACCOUNT_TEAM),
                                         audience="the account team channel",
                                         what=f"The assignment notice of {request.number}"):
            record.account_post = (channel, "")  # its thread id is known once it is delivered
        else:
            await self._poster.to_channel(self._managers, create_unreachable_channel_card(
                request, "the account team channel (ACCOUNT_TEAM_CHANNELS)"))
        await self._ftop.record(record)
        if self._chase is not None:
            await self._chase.start(request, architect, record.assigned_at)
        await self._reach_person(request.requester.id, request.requester.name,
                                 create_seller_assigned_card(request, self._playbooks),
                                 f"The assignment notice of {request.number}")
        await self._email_requester(request, architect)
        how = "A manager assigned this request to you." if by_manager else "You accepted."
        return self.card(request, record, architect, banner=f"{how} The seller and the account "
                                                        "team have been told.")

    async def reassigned(self, request: FtaRequest, record: EnterpriseAssignment,
                         architect: Architect, by: str, reason: str) -> dict[str, Any]:
        """A manager moved the request to ``architect``: the FTOP record names them and keeps
        who held it before; the account team's post names them (and a reply in its thread
        says so) and the seller is told who the FTA is now. The new FTA's work card.
        Runs inside the caller's unit of work."""
        record.reassign(architect.id, architect.name, by, self._clock(), reason)
        await self._ftop.record(record)
        post = create_account_team_card(request, (architect.name, architect.aad_id),
                                        (request.requester.name, request.requester.id))
        await self._poster.update(request.id, ACCOUNT_TEAM, post)
        channel = record.account_post[0] if record.account_post else ""
        if channel:
            await self._poster.to_channel(channel, post, thread_of=(request.id, ACCOUNT_TEAM),
                                          audience="the account team channel",
                                          what=f"The new FTA of {request.number}")
        await self._reach_person(request.requester.id, request.requester.name,
                                 create_seller_assigned_card(request, self._playbooks),
                                 f"The new FTA of {request.number}")
        before = record.ftas[-2].fta_name
        return self.card(request, record, architect,
                         banner=f"A manager reassigned this request to you ({before} had it). "
                                "The seller and the account team have been told.")

    async def _email_requester(self, request: FtaRequest, architect: Architect) -> None:
        """The playbook's assignment e-mail, where a sender mailbox is configured."""
        if not self._mail_sender or not request.requester.email:
            return
        subject, body = assignment_mail(
            request.number, request.values.get("customer", ""), architect.name,
            request.type.title if request.type else "", NEXT_STEPS.get(request.type_key or "", ""))
        cc = [a for a in (request.values.get("atu_contact"), architect.email) if a]
        await self._poster.mail(self._mail_sender, [request.requester.email], cc, subject, body,
                                audience=request.requester.name)

    async def review(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """The FTA's decision for the request's type: authorize, categorize or propose."""
        request, record, architect = await self.for_fta(turn, data)
        outcome = data.get("outcome") if isinstance(data.get("outcome"), str) else ""
        try:
            review = record_review(record, str(outcome), _text(data, "detail"), architect.name,
                                   self._clock())
        except FtopError as error:
            return card_invoke(self.card(request, record, architect, problem=str(error)))
        option = review_option(record.request_type, review.outcome)
        async with self._unit_of_work():
            await self._ftop.record(record)
            await self._reach_person(request.requester.id, request.requester.name,
                                     create_review_notice_card(request, review,
                                                               option.seller_may_answer))
        return card_invoke(self.card(request, record, architect,
                                     banner=f"Recorded: {entry_label(review).title}. "
                                            "The seller has been told."))

    async def engagement(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """FTOP task 3286: approve or reject engaging FastTrack before license purchase."""
        request, record, architect = await self.for_fta(turn, data)
        approve = data.get("approve") is True
        try:
            record.decide_engagement(approve, _text(data, "detail"), architect.name,
                                     self._clock())
        except FtopError as error:
            return card_invoke(self.card(request, record, architect, problem=str(error)))
        review = record.reviews[-1]
        async with self._unit_of_work():
            await self._ftop.record(record)
            await self._reach_person(request.requester.id, request.requester.name,
                                     create_review_notice_card(request, review, False))
        state = TASK_STATE_LABELS[record.task(APPROVE_ENGAGEMENT).state]
        return card_invoke(self.card(request, record, architect, banner=f"Task 3286 {state}."))

    async def replace_tenant(self, turn: Turn,
                             data: dict[str, Any]) -> InvokeBody:
        """Replace a placeholder (or wrong) tenant; the history keeps both."""
        request, record, architect = await self.for_fta(turn, data)
        try:
            record.replace_tenant(_text(data, "tenant"), architect.name, self._clock())
        except FtopError as error:
            return card_invoke(self.card(request, record, architect, problem=str(error)))
        await self._ftop.record(record)
        return card_invoke(self.card(request, record, architect,
                                            banner=f"Tenant is now {record.tenant.value}."))

    async def call_done(self, turn: Turn, data: dict[str, Any]) -> InvokeBody:
        """The internal ATU/CSU/FTA call happened on the date given (today if none): task 3298
        closes, the key outputs are met."""
        request, record, architect = await self.for_fta(turn, data)
        if not record.first_contact_open:
            return message_invoke("Task 3298 is already done.")
        try:
            held_on = _date(data, CALL_DATE) or self._today(architect)
            record.complete_first_contact(architect.name, self._clock(), held_on,
                                          architect.timezone)
        except FtopError as error:
            return card_invoke(self.card(request, record, architect, problem=str(error)))
        record.record("key_outputs", "done", architect.name, self._clock(),
                      "FTA assigned; internal FTA/ATU/CSU call completed")
        async with self._unit_of_work():
            await self._ftop.record(record)
            if self._chase is not None:
                await self._chase.done(request, record)
        return card_invoke(self.card(request, record, architect, banner="Task 3298 done: first "
                                            "account team contact made."))

    async def engagement_finished(self, turn: Turn,
                                  data: dict[str, Any]) -> InvokeBody:
        """The FTA's work on the engagement ended: the capacity it held is free now rather
        than at the per-type estimate, and the worker's next pass offers waiting requests."""
        request, record, architect = await self.for_fta(turn, data)
        if record.engagement_finished:
            return card_invoke(self.card(request, record, architect,
                                         problem="This engagement is already marked finished."))
        now = self._clock()
        record.record(*ENGAGEMENT_END, architect.name, now)
        async with self._unit_of_work():
            await self._desk.finish_engagement(request.id, now)
            await self._ftop.record(record)
        return card_invoke(self.card(request, record, architect,
                                     banner="Engagement finished: the capacity it held is "
                                            "free for your next request."))

    async def engagement_continues(self, turn: Turn,
                                   data: dict[str, Any]) -> InvokeBody:
        """Past the estimate the work goes on: the capacity is held again, for a while."""
        request, record, architect = await self.for_fta(turn, data)
        if record.engagement_finished:
            return card_invoke(self.card(request, record, architect,
                                         problem="This engagement is already marked finished."))
        async with self._unit_of_work():
            until = await self._desk.extend_engagement(request.id, self._clock())
        if until is None:
            return message_invoke("That engagement no longer holds any capacity.")
        return card_invoke(self.card(request, record, architect,
                                     banner=f"Your capacity stays held for it until "
                                            f"{moment(until)}; you will be asked again then."))

    async def ask_if_finished(self, request_id: int) -> None:
        """The estimate passed and nobody marked the engagement finished: ask the FTA."""
        record = await self._ftop.get(request_id)
        request = await self._requests.get(request_id)
        if record is None or request is None or record.engagement_finished \
                or request.state is not State.ASSIGNED:  # withdrawn meanwhile, say
            return
        architect = await self._roster.get(record.fta_id)
        if architect is not None:
            await self._reach_person(architect.aad_id, architect.name,
                                     create_engagement_check_card(request),
                                     f"The question whether {request.number} has finished")

    async def seller_answers(self, turn: Turn,
                             data: dict[str, Any]) -> InvokeBody:
        """The seller answers a rejection (or a needs-changes) with more details, and new
        links for the sales attachments if they replace them."""
        request = await owned_request(self._requests, turn, data)
        record = await self._ftop.get(request.id)
        details = _text(data, "more_details")
        links = {key.removeprefix(REPLACEMENT): value for key, value in data.items()
                 if key.startswith(REPLACEMENT) and isinstance(value, str)}
        try:
            replaced = request.replace_attachments(links, self._link_hosts) \
                if record is not None else []
        except RequestError as error:
            return message_invoke(f"{error} Nothing was sent.")
        if record is None or not (details or replaced):
            return message_invoke("Write the details for the FTA first.")
        detail = "\n".join([details, *(f"New {label}: {request.values[slot]}" for slot, label
                                       in _slots(request, replaced))]).strip()
        try:  # more details land on the FTA's desk only when a decision asked for them
            answered = record_answer(record, detail, request.requester.name, self._clock())
        except FtopError as error:
            return message_invoke(f"{error} Nothing was sent or replaced.")
        architect = await self._roster.get(record.fta_id)
        async with self._unit_of_work():
            if replaced:
                await self._requests.save(request)
            await self._ftop.record(record)
            if architect is not None:
                await self._reach_person(architect.aad_id, architect.name,
                                         create_seller_answer_card(request, record, answered))
        return message_invoke("Sent to the FTA.")

    def card(self, request: FtaRequest, record: EnterpriseAssignment, architect: Architect,
             **text: str) -> Any:
        """The FTA's work card, times in the FTA's own time zone."""
        return create_work_card(request, record, can_schedule=self._can_schedule,
                                timezone=architect.timezone, today=self._today(architect),
                                **text)

    def _today(self, architect: Architect) -> date:
        return self._clock().astimezone(ZoneInfo(architect.timezone)).date()

    async def for_fta(self, turn: Turn, data: dict[str, Any]
                       ) -> tuple[FtaRequest, EnterpriseAssignment, Architect]:
        request_id = request_id_of(data)
        record = await self._ftop.get(request_id) if request_id is not None else None
        architect = await self._roster.by_aad_id(turn.actor.id)
        request = await self._requests.get(request_id) if request_id is not None else None
        if record is None or request is None or architect is None or \
                architect.id != record.fta_id:
            raise Refused(message_invoke(NOT_YOURS))
        return request, record, architect

    async def _reach_person(self, aad_id: str, name: str, card: dict[str, Any],
                            what: str = "") -> None:
        if not await self._poster.to_person(aad_id, card, audience=name, what=what):
            log.warning("person unreachable for a notice")
            await self._poster.to_channel(self._managers, create_unreachable_person_card(name))


def _slots(request: FtaRequest, labels: list[str]) -> list[tuple[str, str]]:
    """(field id, label) of the attachments replaced, in the form's order."""
    fields = request.type.fields if request.type else ()
    return [(f.id, f.label) for f in fields if f.label in labels]


def _date(data: dict[str, Any], key: str) -> date | None:
    """A date from a card's date input (YYYY-MM-DD); None when left empty."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise FtopError("Enter the call date as a date (YYYY-MM-DD).") from None


def _text(data: dict[str, Any], key: str) -> str:
    """A typed text, no longer than the cards' longest input (2,000): a longer one was not
    typed into the card, and would make the card it is shown on too big for Teams."""
    value = data.get(key)
    return value.strip()[:LONG] if isinstance(value, str) else ""
