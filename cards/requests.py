"""Where a request stands: the confirmation after submit, `status`, and `my requests`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from microsoft_teams.cards import CardElement, Fact, FactSet

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from domain.request_types import Queue
from domain.requests import STATE_LABELS, FtaRequest, State

DESTINATIONS = {Queue.FTA: "the FastTrack Architect assignment queue",
                Queue.FTCHELP: "the FTCHelp team"}
NEXT_STEPS = {
    State.AWAITING_FTA: "The workload balancer picks an FTA and you hear from me as soon as "
                        "one accepts.",
    State.FTCHELP_OPEN: "FTCHelp picks it up from their channel; their answer comes to you here.",
    State.FTCHELP_ASSIGNED: "An FTCHelp agent is working on it; the answer comes to you here.",
    State.FAQ_OFFERED: "Read the FAQ answer, then tell me if it answers your question.",
}


def local_time(moment: datetime | None, timezone: str) -> str:
    if moment is None:
        return "-"
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a %d %b %Y, %H:%M} ({timezone})"


def _facts(request: FtaRequest) -> FactSet:
    request_type = request.type
    facts = [Fact(title="Request", value=request.number),
             Fact(title="Type", value=request_type.title if request_type else "Not chosen yet"),
             Fact(title="Customer", value=request.values.get("customer") or "-"),
             Fact(title="Status", value=STATE_LABELS[request.state])]
    if request.submitted_at:
        facts.append(Fact(title="Submitted",
                          value=local_time(request.submitted_at, request.requester.timezone)))
    if request.deadline and request.state is State.AWAITING_FTA:
        facts.append(Fact(title="FTA assigned by",
                          value=local_time(request.deadline, request.requester.timezone)))
    if request.agent_name:
        role = "FTCHelp agent" if request_type and request_type.queue is Queue.FTCHELP \
            else "FastTrack Architect"
        facts.append(Fact(title=role, value=request.agent_name))
    return FactSet(facts=facts)


def create_confirmation_card(request: FtaRequest, queue: Queue) -> Card:
    body: list[CardElement] = [
        title(f"Request {request.number} submitted"),
        paragraph(f"It went to {DESTINATIONS[queue]}."), _facts(request)]
    if request.state in NEXT_STEPS:
        body.append(paragraph(NEXT_STEPS[request.state], is_subtle=True))
    return build(body, [execute("My requests", verbs.SHOW_STATUS, {"scope": "mine"})])


WITH_MANAGERS = ("No FTA could be assigned automatically: nobody eligible was free. The FTA "
                 "managers have it and will assign one by hand.")


def create_status_card(request: FtaRequest, with_managers: bool = False) -> Card:
    """``with_managers``: the balancer found nobody and the FTA managers were told."""
    body: list[CardElement] = [title(f"{request.number}"), _facts(request)]
    if with_managers and request.state is State.AWAITING_FTA:
        body.append(paragraph(WITH_MANAGERS, color="Warning"))
    elif request.state in NEXT_STEPS:
        body.append(paragraph(NEXT_STEPS[request.state], is_subtle=True))
    if request.answer:
        body.append(paragraph(f"**FTCHelp answered:** {request.answer}"))
    return build(body)


def create_request_list_card(requests: list[FtaRequest]) -> Card:
    if not requests:
        return build([title("My requests"),
                      paragraph("You have no requests yet. Type **request FTA** to start one.")],
                     [execute("Request an FTA", verbs.OPEN_REQUEST, style="positive")])
    facts = [Fact(title=r.number, value=f"{r.type.title if r.type else 'type not chosen'}"
                  f" · {r.values.get('customer') or 'no customer yet'}"
                  f" · {STATE_LABELS[r.state]}") for r in requests]
    body: list[CardElement] = [title("My requests"), FactSet(facts=facts),
                               paragraph("Type **status FTA-…** for the details of one.",
                                         is_subtle=True, size="Small")]
    drafts = [r for r in requests if r.state is State.DRAFT]
    actions = [execute("Resume my draft", verbs.OPEN_REQUEST, style="positive")] if drafts \
        else [execute("Request an FTA", verbs.OPEN_REQUEST, style="positive")]
    return build(body, actions)


def create_cancelled_card(request: FtaRequest) -> Card:
    return build([title(f"Draft {request.number} cancelled"),
                  paragraph("Nothing was sent. Type **request FTA** whenever you need one.")])
