"""The managers' desk in chat: a manager's view of one request (reassign an accepted one,
extend the deadline of a waiting one, assign or re-offer it), and the notices the desk's
actions send: to the FTA a request was moved away from, to the seller whose deadline moved,
and to the FTCHelp agent a ticket was transferred to."""

from __future__ import annotations

from collections.abc import Sequence

from microsoft_teams.cards import (
    ActionSet,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    DateInput,
    Fact,
    FactSet,
    TextInput,
)

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from cards.offers import MAX_CHOICES, hand_actions, hand_choice, summary
from cards.text import inert, moment
from domain.requests import STATE_LABELS, FtaRequest, State
from domain.roster import Architect

REASON_LENGTH = 500


def create_manager_request_card(request: FtaRequest, standing: str,
                                candidates: Sequence[Architect], loads: dict[str, int],
                                today: str, banner: str | None = None,
                                problem: str | None = None) -> Card:
    """``standing``: where it stands, as card text (names in it made inert by the caller,
    times as ``moment``): "Offered to Ana Silva since ...";
    ``today``: the earliest date the deadline may move to (YYYY-MM-DD)."""
    body: list[CardElement] = [title(f"{request.number} · {STATE_LABELS[request.state]}"),
                               FactSet(facts=summary(request, *_deadlines(request))),
                               paragraph(standing)]
    if banner:
        body.append(paragraph(inert(banner), color="Good"))
    if problem:
        body.append(paragraph(f"⚠ {inert(problem)}", color="Attention", size="Small"))
    state = {"request_id": request.id}
    if request.state is State.ASSIGNED:
        choices = [Choice(title=f"{a.name} ({loads.get(a.id, 0)}/{a.capacity} points)",
                          value=a.id)
                   for a in [c for c in candidates if c.id != request.agent_id][:MAX_CHOICES]]
        body.append(Container(separator=True, items=[
            paragraph("Reassign to another FTA", weight="Bolder"),
            ChoiceSetInput(id="reassign_to", label="New FTA", choices=choices,
                           style="compact", placeholder="Pick an FTA"),
            TextInput(id="reassign_reason", label="Reason (the FTAs and the record keep it)",
                      max_length=REASON_LENGTH, placeholder="e.g. Ana is on sick leave"),
            ActionSet(actions=[execute("Reassign", verbs.MANAGER_REASSIGN, state)])]))
    elif request.state is State.AWAITING_FTA:
        body += [paragraph("Assign by hand, or re-offer", weight="Bolder", separator=True),
                 hand_choice(candidates, loads, required=False),
                 ActionSet(actions=hand_actions(request)),
                 Container(separator=True, items=[
                     paragraph("Extend the deadline", weight="Bolder"),
                     DateInput(id="deadline", label="New deadline (same time of day)",
                               min=today),
                     TextInput(id="extend_reason", label="Reason (the seller sees it)",
                               max_length=REASON_LENGTH,
                               placeholder="e.g. the customer asked to start in January"),
                     ActionSet(actions=[execute("Extend deadline", verbs.MANAGER_EXTEND,
                                                state)])])]
    return build(body)


def _deadlines(request: FtaRequest) -> list[Fact]:
    if request.deadline is None or request.state is not State.AWAITING_FTA:
        return []
    facts = [Fact(title="Assign by", value=moment(request.deadline))]
    if request.extensions and request.original_deadline is not None:
        facts.append(Fact(title="Original deadline", value=moment(request.original_deadline)))
        facts += [Fact(title=f"Extended by {inert(e.by)}",
                       value=f"to {moment(e.to)}: {inert(e.reason)}") for e in request.extensions]
    return facts


def create_reassigned_away_card(request: FtaRequest, new_fta: str, by: str,
                                reason: str) -> Card:
    """The FTA a manager moved the request away from: nothing more for them to do."""
    return build([title(f"{request.number} was reassigned to {inert(new_fta)}"),
                  FactSet(facts=summary(request)),
                  paragraph(f"{inert(by)} reassigned it: {inert(reason)}"),
                  paragraph("Nothing more to do on it; the capacity it held is free for your "
                            "next request.", is_subtle=True)])


def create_deadline_moved_card(request: FtaRequest) -> Card:
    """The seller's notice that the FTA managers gave their request more time."""
    last = request.extensions[-1]
    return build([title(f"{request.number}: the FTA managers moved its deadline"),
                  FactSet(facts=[Fact(title="FTA assigned by", value=moment(last.to)),
                                 Fact(title="Was", value=moment(last.from_)),
                                 Fact(title="Why", value=inert(last.reason))]),
                  paragraph("You hear from me as soon as an FTA accepts it.", is_subtle=True)])


def create_ticket_transferred_card(request: FtaRequest, by: str) -> Card:
    """The FTCHelp agent a ticket was transferred to."""
    return build([title(f"FTCHelp ticket {request.number} is yours now"),
                  paragraph(f"{inert(by)} transferred it to you. Answer it from its card in "
                            "the FTCHelp channel (Resolve)."),
                  paragraph(f"Topic: {inert(request.values.get('topic')) or '-'}",
                            is_subtle=True)])
