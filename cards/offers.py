"""The FTA's offer card, the managers' escalation card, and SLA alerts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from microsoft_teams.cards import (
    CardElement,
    Choice,
    ChoiceSetInput,
    Fact,
    FactSet,
    TextInput,
)

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from cards.details import request_details
from cards.text import inert, moment
from domain.balancer import why_chosen
from domain.forms import COMMON, readable, segment_and_region
from domain.offers import Offer
from domain.requests import SEND_BACK_KINDS, FtaRequest
from domain.roster import Architect

SEND_BACK_BUTTONS = {"incomplete": "incomplete", "wrong_type": "wrong type"}
# FTAs a manager's card offers at most, best placed first: a roster of a thousand would make
# the card too big for Teams (100 KB). The desk tab reaches the rest.
MAX_CHOICES = 50
WORKLOADS_FIELD = next(field for field in COMMON if field.id == "workloads")


def create_offer_card(request: FtaRequest, offer: Offer, architect: Architect,
                      problem: str | None = None) -> Card:
    state = {"offer_id": offer.id, "request_id": request.id}
    body: list[CardElement] = [
        title(f"New request for you: {request.number}"),
        paragraph(f"{_type_title(request)} for **{inert(request.values.get('customer')) or '-'}**"
                  f", from {inert(request.requester.name)}."),
        FactSet(facts=[Fact(title="Assign by", value=_when(request.deadline)),
                       Fact(title="Answer by", value=_when(offer.expires_at))]),
        *request_details(request),
        paragraph(f"Why you: {why_chosen(offer.decision)}", is_subtle=True, size="Small"),
        TextInput(id="decline_reason", label="Reason, if you decline (required to decline)",
                  max_length=500,
                  placeholder="e.g. on leave that week"),
        TextInput(id="send_back_reason", label="What the seller must fix (required to send "
                  "it back)", max_length=500, is_multiline=True,
                  placeholder="e.g. the cost breakdown is missing"),
    ]
    body += _problem(problem)
    return build(body, [execute("Accept", verbs.ACCEPT_OFFER, state, style="positive"),
                        execute("Decline", verbs.DECLINE_OFFER, state),
                        *(execute(f"Send back: {SEND_BACK_BUTTONS[kind]}", verbs.SEND_BACK,
                                  {**state, "kind": kind}) for kind in SEND_BACK_KINDS)])


def _type_title(request: FtaRequest) -> str:
    return request.type.title if request.type else "Request"


def create_offer_answered_card(request: FtaRequest, heading: str, detail: str) -> Card:
    """``heading`` and ``detail`` may name people (display names): shown as written."""
    return build([title(inert(heading)), FactSet(facts=summary(request)),
                  paragraph(inert(detail), is_subtle=True)])


def create_escalation_card(request: FtaRequest, not_eligible: Sequence[str],
                           earlier: Sequence[tuple[str, str]], candidates: Sequence[Architect],
                           loads: dict[str, int], problem: str | None = None,
                           returned: bool = False) -> Card:
    """``not_eligible``: who was ruled out, rule by rule; ``earlier``: (FTA, how their offer
    ended) for each offer made before, so managers see the decline reasons. ``returned``: the
    FTA a manager offered it to declined or let it time out, so it came back to them."""
    heading = (f"{request.number} is back with the FTA managers" if returned
               else f"No FTA could be assigned to {request.number}")
    why = ("Why: the FTA a manager offered it to declined or did not answer; the engine "
           "leaves it to you." if returned else "Why: nobody is eligible.")
    body: list[CardElement] = [
        title(heading), FactSet(facts=summary(request, _deadline(request))),
        paragraph(why, color="Warning"),
        *(paragraph(line, spacing="None") for line in not_eligible)]
    if earlier:
        body += [paragraph("Offered before:", weight="Bolder"),
                 FactSet(facts=[Fact(title=inert(name), value=inert(how))
                                for name, how in earlier])]
    return build([*body, *_problem(problem), hand_choice(candidates, loads)],
                 hand_actions(request))


def hand_choice(candidates: Sequence[Architect], loads: dict[str, int],
                required: bool = True) -> CardElement:
    """Whom a manager may assign by hand, with their load against capacity. Not required on
    a card with other forms (the manager's view): Teams would check it for every button."""
    choices = [Choice(title=f"{a.name} ({loads.get(a.id, 0)}/{a.capacity} points)", value=a.id)
               for a in candidates[:MAX_CHOICES]]
    return ChoiceSetInput(id="architect_id", label="Assign by hand to", choices=choices,
                          style="compact", placeholder="Pick an FTA",
                          is_required=required or None,
                          error_message="Pick an architect." if required else None)


def hand_actions(request: FtaRequest) -> list[Any]:
    """Assign by hand (to the FTA picked) or re-offer to the next FTA the balancer finds."""
    state = {"request_id": request.id}
    return [execute("Assign", verbs.MANAGER_ASSIGN, state, style="positive"),
            execute("Re-offer to the next FTA", verbs.MANAGER_REOFFER, state,
                    associated_inputs="none")]


def _problem(problem: str | None) -> list[CardElement]:
    return [paragraph(f"⚠ {inert(problem)}", color="Attention", size="Small")] if problem else []


def create_with_managers_card(request: FtaRequest) -> Card:
    """The seller's notice that the balancer found nobody and the managers have it."""
    return build([title(f"{request.number} is with the FTA managers"),
                  FactSet(facts=summary(request, _deadline(request))),
                  paragraph("No FTA could be assigned automatically: nobody eligible was "
                            "free. The FTA managers have it and will assign one by hand; "
                            "you hear from me as soon as they do.")])


def create_sla_card(request: FtaRequest, breached: bool, candidates: Sequence[Architect] = (),
                    loads: dict[str, int] | None = None, problem: str | None = None,
                    holder: str = "", heading: str | None = None) -> Card:
    """The SLA alert in the managers' channel, with what they can do about it: assign by
    hand, or re-offer (``holder``: who holds the open offer now, if anyone). ``heading``
    replaces the alert's once a manager acted on it and it still waits."""
    heading = heading or (f"SLA breached: {request.number} has no FTA" if breached else
                          f"SLA at risk: {request.number} still has no FTA")
    body: list[CardElement] = [title(heading), FactSet(facts=summary(request,
                                                                      _deadline(request)))]
    if request.extensions:
        last = request.extensions[-1]
        body.append(paragraph(f"Deadline extended by {inert(last.by)} from "
                              f"{moment(last.from_)}: {inert(last.reason)}", is_subtle=True,
                              size="Small"))
    if holder:
        body.append(paragraph(f"Offered to {inert(holder)}, who has not answered yet. "
                              "Re-offer passes them over.", size="Small"))
    return build([*body, *_problem(problem), hand_choice(candidates, loads or {})],
                 hand_actions(request))


def _deadline(request: FtaRequest) -> Fact:
    return Fact(title="Assign by", value=_when(request.deadline))


def _when(at: datetime | None) -> str:
    return moment(at) if at else "-"


def summary(request: FtaRequest, *extra: Fact) -> list[Fact]:
    values = request.values
    workloads = readable(WORKLOADS_FIELD, values.get("workloads", ""))
    return [Fact(title="Request", value=request.number),
            Fact(title="Type", value=request.type.title if request.type else "-"),
            Fact(title="Customer", value=inert(values.get("customer")) or "-"),
            Fact(title="Segment / region", value=segment_and_region(values)),
            Fact(title="Workloads", value=workloads or "-"),
            Fact(title="Seats", value=inert(values.get("seats")) or "-"), *extra]


def create_unreachable_card(request: FtaRequest, who: str,
                            consequence: str = "so the offer moved to the next FTA") -> Card:
    who = inert(who)
    return build([title(f"Could not reach {who} for {request.number}"),
                  paragraph(f"{who} has no chat with the bot yet (or removed the app), "
                            f"{consequence}. Ask them to open a chat with the bot in Teams.")])
