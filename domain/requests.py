"""A seller's request from draft to its queue, and what may happen to it there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain import rules
from domain.calendar import assignment_deadline
from domain.links import MICROSOFT_365_FILE_HOSTS
from domain.request_types import Queue, RequestType, request_type


class State(StrEnum):
    DRAFT = "draft"
    AWAITING_FTA = "awaiting_fta"
    FAQ_OFFERED = "faq_offered"
    ANSWERED_BY_FAQ = "answered_by_faq"
    FTCHELP_OPEN = "ftchelp_open"
    FTCHELP_ASSIGNED = "ftchelp_assigned"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"
    ASSIGNED = "assigned"
    WITHDRAWN = "withdrawn"


STATE_LABELS = {
    State.DRAFT: "Draft", State.AWAITING_FTA: "In the FTA assignment queue",
    State.FAQ_OFFERED: "FAQ answer offered", State.ANSWERED_BY_FAQ: "Answered by the FAQ",
    State.FTCHELP_OPEN: "With FTCHelp (unassigned)",
    State.FTCHELP_ASSIGNED: "With FTCHelp (being answered)",
    State.RESOLVED: "Resolved by FTCHelp", State.CANCELLED: "Cancelled",
    State.ASSIGNED: "Assigned to an FTA", State.WITHDRAWN: "Withdrawn by the seller"}
# A submitted request the seller may still withdraw: before or after an FTA accepted it.
WITHDRAWABLE = frozenset({State.AWAITING_FTA, State.ASSIGNED})


class RequestError(Exception):
    """An action that does not fit the request's state; the message is for the user."""


@dataclass(frozen=True)
class Requester:
    id: str  # AAD object id where Teams gives one, else the Teams user id
    name: str
    timezone: str
    country: str
    email: str = ""  # from the Teams roster when it answers; for the assignment e-mail


# Why an FTA may send a request back to the seller, as the seller reads it.
SEND_BACK_KINDS = {"incomplete": "incomplete", "wrong_type": "of the wrong type"}


@dataclass(frozen=True)
class SentBack:
    """An FTA sent the request back to the seller to fix and submit again."""

    kind: str  # a key of SEND_BACK_KINDS
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Extension:
    """A manager moved the assignment deadline: from when, to when, why, who, and when."""

    from_: datetime
    to: datetime
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class ReceivedFile:
    name: str
    url: str


@dataclass
class FtaRequest:
    requester: Requester
    created_at: datetime
    id: int = 0
    type_key: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    files: dict[str, ReceivedFile] = field(default_factory=dict)
    state: State = State.DRAFT
    version: int = 1
    submitted_at: datetime | None = None
    deadline: datetime | None = None
    agent_id: str = ""
    agent_name: str = ""
    answer: str = ""
    first_submitted_at: datetime | None = None  # submitted_at is the latest submission
    issued_number: str = ""  # given at the first submission; a draft has none yet
    sent_back: SentBack | None = None
    extensions: list[Extension] = field(default_factory=list)  # of this submission's deadline

    @property
    def original_deadline(self) -> datetime | None:
        """The deadline this submission was given, before any manager extended it: what the
        SLA is measured against in reports."""
        return self.extensions[0].from_ if self.extensions else self.deadline

    @property
    def number(self) -> str:
        """FTA-2026-00042, from a counter at submission: abandoned drafts leave no gaps.
        Empty for a draft never submitted."""
        return self.issued_number

    @property
    def type(self) -> RequestType | None:
        return request_type(self.type_key)

    def is_owned_by(self, person_id: str) -> bool:
        return self.requester.id == person_id

    def choose_type(self, key: str) -> None:
        self._expect(State.DRAFT)
        if request_type(key) is None:
            raise RequestError("Pick one of the request types on the card.")
        self.type_key = key

    def fill(self, values: dict[str, str]) -> None:
        """Keep what the seller typed, as typed, for the fields of the chosen type."""
        self._expect(State.DRAFT)
        known = {f.id for f in self.type.all_fields()} if self.type else set()
        self.values = {**self.values, **{k: v for k, v in values.items() if k in known}}

    def attach(self, slot: str, received: ReceivedFile) -> None:
        self._expect(State.DRAFT)
        self.files = {**self.files, slot: received}

    def replace_attachments(self, links: dict[str, str],
                            link_hosts: Sequence[str] = MICROSOFT_365_FILE_HOSTS) -> list[str]:
        """After the FTA asked for changes, the seller gives new links for the sales
        attachments (a link replaces a file sent earlier for the slot): the labels of those
        replaced. RequestError, nothing changed, if a link is not one."""
        self._expect(State.ASSIGNED)
        request_type = self.type
        if request_type is None:
            return []
        slots = {f.id: f for f in request_type.fields if f.attachment}
        changed = {slot: link.strip() for slot, link in links.items()
                   if slot in slots and link.strip() and link.strip() != self.values.get(slot)}
        values = {**self.values, **changed}
        files = {slot: f for slot, f in self.files.items() if slot not in changed}
        for problem in rules.check(request_type, values, files, link_hosts):
            if problem.field in changed:
                raise RequestError(f"{slots[problem.field].label}: {problem.message}")
        self.values, self.files = values, files
        return [slots[slot].label for slot in changed]

    def problems(self, link_hosts: Sequence[str] = MICROSOFT_365_FILE_HOSTS,
                 ) -> list[rules.Problem]:
        """What keeps the draft from going; links must lead to a host of ``link_hosts``."""
        if self.type is None:
            return [rules.Problem("request_type", "Pick a request type.")]
        return rules.check(self.type, self.values, self.files, link_hosts)

    def submit(self, now: datetime, number: str,
               link_hosts: Sequence[str] = MICROSOFT_365_FILE_HOSTS) -> Queue:
        """Route a complete draft to its queue; raise RequestError if anything is missing.
        ``number`` is the next one issued; a request submitted again keeps its own."""
        self._expect(State.DRAFT)
        if self.type is None or self.problems(link_hosts):
            raise RequestError("The request is not complete yet.")
        self.issued_number = self.issued_number or number
        self.submitted_at, self.first_submitted_at = now, self.first_submitted_at or now
        # A resubmission restarts the 2 business days, from now.
        self.deadline = assignment_deadline(now, self.requester.timezone, self.requester.country)
        self.extensions = []  # the new deadline is this submission's own
        queue = self.type.queue
        self.state = State.AWAITING_FTA if queue is Queue.FTA else State.FTCHELP_OPEN
        return queue

    def send_back(self, kind: str, reason: str, by: str, now: datetime) -> None:
        """The offered FTA sends the request back as a draft for the seller to fix."""
        self._expect(State.AWAITING_FTA)
        if kind not in SEND_BACK_KINDS:
            raise RequestError("Send it back as incomplete or as of the wrong type.")
        if not reason.strip():
            raise RequestError("Say what the seller must fix, so they can.")
        self.state, self.deadline = State.DRAFT, None
        self.sent_back = SentBack(kind, reason.strip(), by, now)

    def extend(self, deadline: datetime, reason: str, by: str, now: datetime) -> None:
        """A manager gives the FTA queue more time: the deadline moves later, never earlier
        or into the past, and the reason is kept with the original deadline."""
        self._expect(State.AWAITING_FTA)
        if self.deadline is None:
            raise RequestError(f"{self.number} has no deadline to extend.")
        if deadline <= now:
            raise RequestError("The new deadline is in the past; pick a later date.")
        if deadline <= self.deadline:
            raise RequestError("An extension moves the deadline later; the new one is not "
                               "after the current one.")
        if not reason.strip():
            raise RequestError("Say why the deadline moves, so the seller and the reports "
                               "can tell.")
        self.extensions = [*self.extensions,
                           Extension(self.deadline, deadline, reason.strip(), by, now)]
        self.deadline = deadline

    def transfer(self, agent_id: str, agent_name: str) -> None:
        """An FTCHelp ticket goes to another agent, who may then resolve it."""
        self._expect(State.FTCHELP_OPEN, State.FTCHELP_ASSIGNED)
        if not agent_id:
            raise RequestError("Pick the agent to transfer the ticket to.")
        if agent_id == self.agent_id and self.state is State.FTCHELP_ASSIGNED:
            raise RequestError(f"{self.number} is already with {self.agent_name}.")
        self.state, self.agent_id, self.agent_name = State.FTCHELP_ASSIGNED, agent_id, agent_name

    def offer_faq(self) -> None:
        self._expect(State.FTCHELP_OPEN)
        self.state = State.FAQ_OFFERED

    def close_as_answered_by_faq(self) -> None:
        self._expect(State.FAQ_OFFERED)
        self.state = State.ANSWERED_BY_FAQ

    def escalate_to_ftchelp(self) -> None:
        self._expect(State.FAQ_OFFERED)
        self.state = State.FTCHELP_OPEN

    def take(self, agent_id: str, agent_name: str) -> None:
        self._expect(State.FTCHELP_OPEN)
        self.state, self.agent_id, self.agent_name = State.FTCHELP_ASSIGNED, agent_id, agent_name

    def resolve(self, agent_id: str, answer: str) -> None:
        self._expect(State.FTCHELP_ASSIGNED)
        if agent_id != self.agent_id:
            raise RequestError(f"{self.agent_name} is answering this ticket.")
        if not answer.strip():
            raise RequestError("Write the answer the seller will receive.")
        self.state, self.answer = State.RESOLVED, answer.strip()

    def cancel(self) -> None:
        self._expect(State.DRAFT)
        self.state = State.CANCELLED

    def _expect(self, *states: State) -> None:
        if self.state not in states:
            raise RequestError(f"{self.number or 'This draft'} is "
                               f"{STATE_LABELS[self.state].lower()}; "
                               "that action no longer applies.")


def request_number(year: int, serial: int) -> str:
    return f"FTA-{year}-{serial:05d}"


class StaleRequest(Exception):
    """Someone saved the request since it was read (optimistic concurrency)."""


class RequestRepository(Protocol):
    async def add(self, request: FtaRequest) -> FtaRequest: ...

    async def get(self, request_id: int) -> FtaRequest | None: ...

    async def save(self, request: FtaRequest) -> None:
        """Store ``request`` if nobody saved it since it was read, and bump its version."""
        ...

    async def by_number(self, number: str) -> FtaRequest | None: ...

    async def issue_number(self, now: datetime) -> str:
        """The next request number, from a counter updated in the running transaction (the
        submitting one): a submission that does not commit gives its number back."""
        ...

    async def draft_of(self, requester_id: str) -> FtaRequest | None: ...

    async def list_of(self, requester_id: str, limit: int = 20,
                      with_cancelled: bool = False) -> list[FtaRequest]:
        """Newest first; cancelled drafts only when asked for."""
        ...

    async def ticket_agents(self, limit: int = 50) -> list[tuple[str, str]]:
        """(id, name) of the FTCHelp agents who took or answered tickets, latest first."""
        ...

    async def unposted_tickets(self, limit: int = 50) -> list[int]:
        """Requests open with FTCHelp whose ticket never went to the channel, oldest first."""
        ...
