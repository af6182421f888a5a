"""Where a request stands: the confirmation after submit, `status`, and `my requests`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from microsoft_teams.cards import CardElement, Fact, FactSet

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from cards.details import record_facts, request_details
from cards.text import inert, moment
from domain.ftop import EnterpriseAssignment
from domain.queue import LateLane
from domain.request_types import Queue
from domain.requests import STATE_LABELS, WITHDRAWABLE, FtaRequest, State

DESTINATIONS = {Queue.FTA: "the FastTrack Architect assignment queue",
                Queue.FTCHELP: "the FTCHelp team"}
NEXT_STEPS = {
    State.AWAITING_FTA: "The workload balancer picks an FTA and you hear from me as soon as "
                        "one accepts.",
    State.FTCHELP_OPEN: "FTCHelp picks it up from their channel; their answer comes to you here.",
    State.FTCHELP_ASSIGNED: "An FTCHelp agent is working on it; the answer comes to you here.",
    State.FAQ_OFFERED: "Read the FAQ answer, then tell me if it answers your question.",
    State.WITHDRAWN: "You withdrew it: nobody works on it any more. Type **request FTA** to "
                     "file a new one.",
}


def _facts(request: FtaRequest) -> FactSet:
    request_type = request.type
    facts = [Fact(title="Request", value=request.number or "Draft (numbered when submitted)"),
             Fact(title="Type", value=request_type.title if request_type else "Not chosen yet"),
             Fact(title="Customer", value=inert(request.values.get("customer")) or "-"),
             Fact(title="Status", value=STATE_LABELS[request.state])]
    if request.first_submitted_at and request.first_submitted_at != request.submitted_at:
        facts.append(Fact(title="First submitted", value=moment(request.first_submitted_at)))
    if request.submitted_at:
        facts.append(Fact(title="Submitted", value=moment(request.submitted_at)))
    if request.deadline and request.state is State.AWAITING_FTA:
        facts.append(Fact(title="FTA assigned by", value=moment(request.deadline)))
    if request.agent_name:
        role = "FTCHelp agent" if request_type and request_type.queue is Queue.FTCHELP \
            else "FastTrack Architect"
        facts.append(Fact(title=role, value=inert(request.agent_name)))
    return FactSet(facts=facts)


def create_confirmation_card(request: FtaRequest, queue: Queue) -> Card:
    body: list[CardElement] = [
        title(f"Request {request.number} submitted"),
        paragraph(f"It went to {DESTINATIONS[queue]}."), _facts(request)]
    if request.state in NEXT_STEPS:
        body.append(paragraph(NEXT_STEPS[request.state], is_subtle=True))
    return build(body, [execute("My requests", verbs.SHOW_STATUS, {"scope": "mine"}),
                        *_withdraw_action(request)])


WITH_MANAGERS = ("No FTA could be assigned automatically: nobody eligible was free. The FTA "
                 "managers have it and will assign one by hand.")


def create_status_card(request: FtaRequest, with_managers: bool = False,
                       record: EnterpriseAssignment | None = None,
                       late: LateLane | None = None, now: datetime | None = None) -> Card:
    """Where the request stands, what was filed, and every decision recorded on it.
    ``with_managers``: the balancer found nobody and the FTA managers were told. ``late``
    and ``now``, given while it waits with no offer: the deadline queue's late lane
    (domain/queue.py), which past its deadline says more than being with the managers."""
    body: list[CardElement] = [title(f"{request.number}"), _facts(request)]
    past = _past_deadline(request, late, now, with_managers) \
        if late is not None and now is not None and request.state is State.AWAITING_FTA \
        else None
    if past is not None:
        body += [paragraph(past[0], color="Warning", weight="Bolder"), paragraph(past[1])]
    elif with_managers and request.state is State.AWAITING_FTA:
        body.append(paragraph(WITH_MANAGERS, color="Warning"))
    elif request.state in NEXT_STEPS:
        body.append(paragraph(NEXT_STEPS[request.state], is_subtle=True))
    if request.answer:
        body.append(paragraph(f"**FTCHelp answered:** {inert(request.answer)}"))
    if record is not None:
        body += [paragraph("Decisions", weight="Bolder", separator=True),
                 FactSet(facts=record_facts(record))]
    body += [paragraph("What you asked for", weight="Bolder", separator=True),
             *request_details(request)]
    return build(body, _withdraw_action(request))


def _past_deadline(request: FtaRequest, late: LateLane, now: datetime,
                   with_managers: bool) -> tuple[str, str] | None:
    """What happens to a request past its deadline, in the seller's words (a headline and
    the rest; the deadline itself is in the facts above); None if it can still meet it."""
    deadline = request.deadline
    lane = late.lane(deadline, now)
    if deadline is None or lane == "on_time":
        return None
    managers = "The FTA managers have it as well" if with_managers \
        else "The FTA managers were alerted at its deadline"
    if lane == "held":
        return (f"It missed its deadline, so it is held until "
                f"{moment(late.held_until(deadline))} at the latest.",
                "Until then it goes only to an FTA with room to spare after it, so that "
                "requests that can still meet their deadline are not made late too; from then, "
                f"to the first FTA with room. {managers} and may assign an FTA by hand "
                "sooner.")
    return ("It missed its deadline.",
            "It now goes to the first FTA with room left after the requests that can still "
            f"meet their deadline. {managers} and may assign an FTA by hand.")


def _withdraw_action(request: FtaRequest) -> list[Any]:
    """The seller may withdraw a submitted request while it can still be withdrawn."""
    if request.state not in WITHDRAWABLE:
        return []
    return [execute("Withdraw request", verbs.WITHDRAW_REQUEST,
                    {"request_id": request.id, "version": request.version},
                    associated_inputs="none")]


def create_request_list_card(requests: list[FtaRequest],
                             with_cancelled: bool = False) -> Card:
    """The seller's requests; cancelled drafts are left out unless ``with_cancelled``."""
    if not requests:
        return build([title("My requests"),
                      paragraph("You have no requests yet. Type **request FTA** to start one.")],
                     [execute("Request an FTA", verbs.OPEN_REQUEST, style="positive")])
    facts = [Fact(title=r.number or "Draft",
                  value=f"{r.type.title if r.type else 'type not chosen'}"
                  f" · {inert(r.values.get('customer')) or 'no customer yet'}"
                  f" · {STATE_LABELS[r.state]}") for r in requests]
    body: list[CardElement] = [title("My requests"), FactSet(facts=facts),
                               paragraph("Type **status FTA-…** for the details of one."
                                         + ("" if with_cancelled else " Cancelled drafts are "
                                            "left out: type **my requests all** to see them."),
                                         is_subtle=True, size="Small")]
    drafts = [r for r in requests if r.state is State.DRAFT]
    actions = [execute("Resume my draft", verbs.OPEN_REQUEST, style="positive")] if drafts \
        else [execute("Request an FTA", verbs.OPEN_REQUEST, style="positive")]
    return build(body, actions)


def create_cancelled_card(request: FtaRequest) -> Card:
    return build([title(f"Draft {request.number} cancelled" if request.number
                        else "Draft cancelled"),
                  paragraph("Nothing was sent. Type **request FTA** whenever you need one.")])
