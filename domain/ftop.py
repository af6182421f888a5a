"""The FastTrack Orchestration Portal's Enterprise Assignment: who has the request, the
production tenant (or a clearly marked placeholder), the FTOP tasks, and every review decision."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.requests import FtaRequest

ENGAGEMENT_END = ("engagement_end", "finished")  # the entry "Engagement finished" adds
FIRST_CONTACT = 3298
APPROVE_ENGAGEMENT = 3286
TASK_NAMES = {FIRST_CONTACT: "Pre-Sales: First Account Team contact made",
              APPROVE_ENGAGEMENT: "Approve FastTrack engagement prior to license purchase"}
PLACEHOLDER = "PLACEHOLDER"
TENANT = re.compile(r"^((?=.{4,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}|"
                    r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})$")


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # closed unfinished: the seller withdrew the request


TASK_STATE_LABELS = {TaskState.OPEN: "to do", TaskState.DONE: "done",
                     TaskState.APPROVED: "approved", TaskState.REJECTED: "rejected",
                     TaskState.WITHDRAWN: "closed, request withdrawn"}


class FtopError(ValueError):
    """An FTOP change that does not apply; the message is for the FTA."""


class StaleRecord(Exception):
    """The Enterprise Assignment was stored by someone else since it was read (the seller's
    withdrawal and an FTA's action at the same moment): this change was not stored."""


@dataclass(frozen=True)
class FtopTask:
    task_id: int
    mandatory: bool
    state: TaskState = TaskState.OPEN
    by: str = ""
    at: datetime | None = None
    reason: str = ""

    @property
    def name(self) -> str:
        return TASK_NAMES[self.task_id]


@dataclass(frozen=True)
class TenantEntry:
    value: str
    placeholder: bool
    by: str
    at: datetime


@dataclass(frozen=True)
class Review:
    """One decision an FTA (or the seller's answer) recorded on the assignment."""

    kind: str
    outcome: str
    by: str
    at: datetime
    detail: str = ""


@dataclass(frozen=True)
class FtaEntry:
    """Who held the assignment from when: the first FTA, then each one a manager moved it
    to (by whom, why)."""

    fta_id: str
    fta_name: str
    since: datetime
    by: str = ""
    reason: str = ""


@dataclass(frozen=True)
class InternalCall:
    """The ATU/CSU/FTA call on the FTA's calendar, and the two slots offered instead."""

    meeting_id: str
    start: datetime
    join_url: str
    alternatives: tuple[datetime, ...] = ()


@dataclass
class EnterpriseAssignment:
    request_id: int
    request_number: str
    request_type: str
    customer: str
    fta_id: str
    fta_name: str
    assigned_at: datetime
    tenants: list[TenantEntry]
    tasks: list[FtopTask]
    reviews: list[Review] = field(default_factory=list)
    call: InternalCall | None = None
    account_post: tuple[str, str] | None = None  # (channel, activity id) of the notice
    ftas: list[FtaEntry] = field(default_factory=list)  # every FTA who held it, first first
    # How many times it was stored when read; 0: never. A store succeeds only over the very
    # version it was read at (optimistic concurrency), else StaleRecord.
    version: int = 0

    def __post_init__(self) -> None:
        if not self.ftas:  # a record from before the history was kept: its one FTA
            self.ftas = [FtaEntry(self.fta_id, self.fta_name, self.assigned_at)]

    @classmethod
    def open(cls, request: FtaRequest, fta_id: str, fta_name: str,
             now: datetime) -> EnterpriseAssignment:
        """The record made when an FTA accepts; a placeholder tenant when none is known."""
        customer = request.values.get("customer", "")
        tenant = request.values.get("tenant", "").strip()
        entry = (TenantEntry(tenant, False, request.requester.name, now) if tenant else
                 TenantEntry(f"{PLACEHOLDER} for {customer} ({request.number})", True, fta_name,
                             now))
        tasks = [FtopTask(FIRST_CONTACT, mandatory=True)]
        if request.type_key == "engage_before_license":
            tasks.append(FtopTask(APPROVE_ENGAGEMENT, mandatory=False))
        return cls(request.id, request.number, request.type_key or "", customer, fta_id,
                   fta_name, now, [entry], tasks)

    def reassign(self, fta_id: str, fta_name: str, by: str, now: datetime,
                 reason: str) -> None:
        """A manager moved the assignment to another FTA: the record names them from now
        on, and its history keeps every FTA before (and the decision, with the reason)."""
        previous = self.fta_name
        self.ftas = [*self.ftas, FtaEntry(fta_id, fta_name, now, by, reason.strip())]
        self.fta_id, self.fta_name = fta_id, fta_name
        self.record("fta", "reassigned", by, now, f"from {previous} to {fta_name}: {reason}")

    @property
    def tenant(self) -> TenantEntry:
        return self.tenants[-1]

    def task(self, task_id: int) -> FtopTask:
        found = next((t for t in self.tasks if t.task_id == task_id), None)
        if found is None:
            raise FtopError(f"Task {task_id} does not apply to this request.")
        return found

    def replace_tenant(self, value: str, by: str, now: datetime) -> None:
        """The real production tenant, once known; the history keeps what it replaced."""
        value = value.strip()
        if not TENANT.match(value):
            raise FtopError("Enter the production tenant as a domain like "
                            "contoso.onmicrosoft.com or a tenant id (GUID).")
        self.tenants.append(TenantEntry(value, False, by, now))

    def complete_first_contact(self, by: str, now: datetime, held_on: date,
                               timezone: str) -> None:
        """Task 3298 done: the internal call took place on ``held_on``, a date in the FTA's
        ``timezone``, neither before the assignment nor after today."""
        zone = ZoneInfo(timezone)
        assigned_on = self.assigned_at.astimezone(zone).date()
        if held_on > now.astimezone(zone).date():
            raise FtopError("The call date cannot be after today.")
        if held_on < assigned_on:
            raise FtopError("The call date cannot be before the assignment "
                            f"({assigned_on.isoformat()}).")
        self._settle(FIRST_CONTACT, TaskState.DONE, by, now)
        self.record("internal_call", "held", by, now, held_on.isoformat())

    @property
    def first_contact_open(self) -> bool:
        """Task 3298 still to do: the FTA has not recorded the internal call."""
        return self.task(FIRST_CONTACT).state is TaskState.OPEN

    def decide_engagement(self, approve: bool, reason: str, by: str, now: datetime) -> None:
        if not approve and not reason.strip():
            raise FtopError("Say why the engagement is rejected.")
        self._settle(APPROVE_ENGAGEMENT, TaskState.APPROVED if approve else TaskState.REJECTED,
                     by, now, reason.strip())
        self.record("engagement", "approved" if approve else "rejected", by, now, reason)

    def withdraw(self, by: str, now: datetime, call_cancelled: bool) -> None:
        """The seller withdrew the request: every open task closes as withdrawn, and the
        internal call's cancellation is recorded when it was cancelled."""
        self.tasks = [replace(t, state=TaskState.WITHDRAWN, by=by, at=now)
                      if t.state is TaskState.OPEN else t for t in self.tasks]
        self.record("request", "withdrawn", by, now)
        if self.call is not None and call_cancelled:
            self.record("internal_call", "cancelled", by, now, self.call.start.isoformat())

    def record(self, kind: str, outcome: str, by: str, now: datetime, detail: str = "") -> None:
        self.reviews.append(Review(kind, outcome, by, now, detail.strip()))

    @property
    def engagement_finished(self) -> bool:
        """The FTA said the engagement's work is done (its capacity was freed then)."""
        return any(review.kind == ENGAGEMENT_END[0] for review in self.reviews)

    def _settle(self, task_id: int, state: TaskState, by: str, now: datetime,
                reason: str = "") -> None:
        task = self.task(task_id)
        if task.state is not TaskState.OPEN:
            raise FtopError(f"Task {task_id} is already {TASK_STATE_LABELS[task.state]}.")
        self.tasks = [replace(t, state=state, by=by, at=now, reason=reason)
                      if t.task_id == task_id else t for t in self.tasks]


class FtopGateway(Protocol):
    async def record(self, assignment: EnterpriseAssignment) -> None:
        """Store the Enterprise Assignment: a new one (version 0), or over the version it was
        read at, which it then moves on by one. StaleRecord, nothing stored, when it was
        stored by someone else meanwhile."""
        ...

    async def get(self, request_id: int) -> EnterpriseAssignment | None: ...
