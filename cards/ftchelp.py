"""FTCHelp's side: the FAQ answer offered to the seller, and the ticket in FTCHelp's channel."""

from __future__ import annotations

from urllib.parse import urlsplit

from microsoft_teams.cards import (
    CardElement,
    Container,
    Fact,
    FactSet,
    OpenUrlAction,
    TextInput,
)

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from cards.text import inert
from domain.faq import FaqAnswer
from domain.forms import Field, readable
from domain.requests import FtaRequest, State


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


def create_ticket_card(request: FtaRequest) -> Card:
    """The ticket as FTCHelp sees it: Unassigned, then Assigned to someone, then Resolved."""
    state = {"request_id": request.id, "version": request.version}
    agent = inert(request.agent_name)
    status = {State.FTCHELP_OPEN: "Unassigned", State.FTCHELP_ASSIGNED: f"Assigned to {agent}",
              State.RESOLVED: f"Resolved by {agent}"}.get(request.state, "Closed")
    body: list[CardElement] = [title(f"FTCHelp ticket {request.number} · {status}"),
                               FactSet(facts=_ticket_facts(request))]
    actions = []
    if request.state is State.FTCHELP_OPEN:
        actions = [execute("Assign to me", verbs.TICKET_ASSIGN_TO_ME, state, style="positive")]
    elif request.state is State.FTCHELP_ASSIGNED:
        body.append(TextInput(id="answer", label="Answer for the seller", is_multiline=True,
                              is_required=True, error_message="Write the answer first.",
                              max_length=4000))
        actions = [execute("Resolve", verbs.TICKET_RESOLVE, state, style="positive")]
    elif request.answer:
        body.append(paragraph(f"**Answer sent to the seller:** {inert(request.answer)}"))
    return build(body, actions)


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
