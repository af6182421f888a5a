"""FTCHelp's side: the FAQ answer offered to the seller, and the ticket in FTCHelp's channel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from microsoft_teams.cards import (
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    Fact,
    FactSet,
    OpenUrlAction,
    TextInput,
)

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from cards.text import inert, moment
from domain.faq import FaqAnswer
from domain.forms import Field, readable
from domain.requests import FtaRequest, State
from domain.sla import PRIORITY_LABELS, ticket_priority


def create_faq_card(request: FtaRequest, answer: FaqAnswer) -> Card:
    """The FAQ's answer under the seller's own question, for them to judge."""
    state = {"request_id": request.id, "version": request.version}
    links = [OpenUrlAction(title=link_label(answer, text, url), url=url)
             for text, url in answer.links]
    body: list[CardElement] = [title(answer.title)]
    question = request.values.get("question", "").strip()
    if question:
        body.append(Container(style="emphasis", items=[
            paragraph("You asked", is_subtle=True, size="Small", spacing="None"),
            paragraph(inert(question), spacing="None")]))
    body += [paragraph(answer.answer),
             paragraph(f"From the FTCHelp FAQ, for your request {request.number}. "
                       "Does it answer your question?", is_subtle=True)]
    return build(body, [*links, execute("This answers it", verbs.FAQ_ANSWERED, state,
                                        style="positive"),
                        execute("I still need help", verbs.FAQ_NEED_HELP, state)])


def link_label(answer: FaqAnswer, text: str, url: str) -> str:
    """A link's button says what it opens: its own title, or its host where the title would
    only repeat the answer's (a second "FastTrack eligibility" under the first says nothing)."""
    if text.strip().casefold() != answer.title.strip().casefold():
        return text
    return f"Open {urlsplit(url).hostname or url}"


def create_faq_closed_card(request: FtaRequest) -> Card:
    return build([title("Glad that helped"),
                  paragraph(f"I closed {request.number}. Type **request FTA** any time.")])


PRIORITY_COLORS = {"high": "Attention", "normal": "Default", "low": "Default"}


def create_ticket_card(request: FtaRequest, due: datetime | None = None,
                       agents: Sequence[tuple[str, str]] = (),
                       problem: str | None = None) -> Card:
    """The ticket as FTCHelp sees it: Unassigned, then Assigned to someone, then Resolved;
    its priority (from the impact the seller gave) and FTCHelp's own SLA (``due``); while
    open, a transfer to one of ``agents`` (id, name)."""
    state = {"request_id": request.id, "version": request.version}
    agent = inert(request.agent_name)
    status = {State.FTCHELP_OPEN: "Unassigned", State.FTCHELP_ASSIGNED: f"Assigned to {agent}",
              State.RESOLVED: f"Resolved by {agent}"}.get(request.state, "Closed")
    priority = ticket_priority(request.values.get("impact", ""))
    label = PRIORITY_LABELS[priority]
    if due is not None and request.state in (State.FTCHELP_OPEN, State.FTCHELP_ASSIGNED):
        label += f" · answer by {moment(due)}"
    body: list[CardElement] = [title(f"FTCHelp ticket {request.number} · {status}"),
                               paragraph(label, weight="Bolder", spacing="None",
                                         color=PRIORITY_COLORS[priority]),
                               FactSet(facts=_ticket_facts(request))]
    if problem:
        body.append(paragraph(f"⚠ {inert(problem)}", color="Attention", size="Small"))
    actions = []
    if request.state is State.FTCHELP_OPEN:
        actions = [execute("Assign to me", verbs.TICKET_ASSIGN_TO_ME, state, style="positive")]
    elif request.state is State.FTCHELP_ASSIGNED:
        body.append(TextInput(id="answer", label="Answer for the seller", is_multiline=True,
                              max_length=4000))
        actions = [execute("Resolve", verbs.TICKET_RESOLVE, state, style="positive")]
    elif request.answer:
        body.append(paragraph(f"**Answer sent to the seller:** {inert(request.answer)}"))
    others = [(i, n) for i, n in agents if i != request.agent_id]
    if request.state in (State.FTCHELP_OPEN, State.FTCHELP_ASSIGNED) and others:
        body.append(ChoiceSetInput(id="transfer_to", label="Transfer to", style="compact",
                                   placeholder="Pick an agent", choices=[
                                       Choice(title=inert(n), value=i) for i, n in others]))
        actions.append(execute("Transfer", verbs.TICKET_TRANSFER, state))
    return build(body, actions)


def create_ticket_sla_card(request: FtaRequest, due: datetime, breached: bool) -> Card:
    """FTCHelp's reminder in its channel: a ticket near or past its own SLA."""
    priority = PRIORITY_LABELS[ticket_priority(request.values.get("impact", ""))]
    who = f"with {inert(request.agent_name)}" if request.state is State.FTCHELP_ASSIGNED \
        else "not taken yet"
    heading = (f"FTCHelp SLA breached: {request.number}" if breached
               else f"FTCHelp SLA at risk: {request.number}")
    return build([title(heading),
                  paragraph(f"{priority}, {who}; answer due {moment(due)}.",
                            color="Attention" if breached else "Warning"),
                  FactSet(facts=_ticket_facts(request))])


def create_answer_card(request: FtaRequest) -> Card:
    return build([title(f"FTCHelp answered {request.number}"), paragraph(inert(request.answer)),
                  paragraph(f"Answered by {inert(request.agent_name)}.", is_subtle=True)])


def _ticket_facts(request: FtaRequest) -> list[Fact]:
    request_type = request.type
    facts = [Fact(title="Type", value=request_type.title if request_type else "-"),
             Fact(title="Requester", value=inert(request.requester.name))]
    fields: tuple[Field, ...] = request_type.all_fields() if request_type else ()
    for field in fields:
        value = request.values.get(field.id, "").strip()
        if value:
            facts.append(Fact(title=field.label.split(" (")[0],
                              value=inert(readable(field, value))))
    return facts
