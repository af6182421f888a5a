"""Everything the seller filled in, as the people who act on a request see it: short answers as
facts, long text folded after a few lines, links and files as buttons that name their host."""

from __future__ import annotations

import contextlib
from datetime import datetime

from microsoft_teams.cards import (
    Action,
    ActionSet,
    CardElement,
    Fact,
    FactSet,
    OpenUrlAction,
    TextBlock,
    ToggleVisibilityAction,
)

from cards.text import host_of, inert, moment
from domain.forms import Field, Kind, readable
from domain.ftop import TASK_STATE_LABELS, EnterpriseAssignment, Review
from domain.requests import FtaRequest
from domain.reviews import entry_label

FOLD_AT = 280  # characters of a long answer shown before "Show more"



def request_details(request: FtaRequest) -> list[CardElement]:
    """Every filled field of ``request`` with its label, in the form's order."""
    fields = request.type.all_fields() if request.type else ()
    filled = [(field, value) for field in fields
              if (value := request.values.get(field.id, "").strip())]
    facts = [Fact(title=_short_label(field), value=inert(readable(field, value)))
             for field, value in filled if field.kind not in (Kind.LONG_TEXT, Kind.LINK)]
    body: list[CardElement] = [FactSet(facts=facts)] if facts else []
    for field, value in filled:
        if field.kind is Kind.LONG_TEXT:
            body += _long_text(field, value)
    links = link_buttons(request)
    if links:
        body.append(ActionSet(actions=links))
    return body


def link_buttons(request: FtaRequest) -> list[Action]:
    """A button per link field or file sent, labelled with what it is and the host it opens."""
    fields = request.type.all_fields() if request.type else ()
    buttons: list[Action] = []
    for field in fields:
        received = request.files.get(field.id)
        url = received.url if received else request.values.get(field.id, "").strip()
        if field.kind is Kind.LINK and url.startswith("https://") and host_of(url):
            # A button's title is cut at its width: "Staffing plan", not the whole label.
            name = _short_label(field).split(" / ")[0]
            buttons.append(OpenUrlAction(title=f"{name} ({host_of(url)})", url=url))
    return buttons


def _long_text(field: Field, value: str) -> list[CardElement]:
    label = TextBlock(text=_short_label(field), weight="Bolder", wrap=True, spacing="Small")
    if len(value) <= FOLD_AT and value.count("\n") < 4:
        return [label, TextBlock(text=inert(value), wrap=True, spacing="None")]
    short, full = f"d-{field.id}-short", f"d-{field.id}-full"
    more, less = f"d-{field.id}-more", f"d-{field.id}-less"
    targets = [short, full, more, less]
    preview = " ".join(value.split())[:FOLD_AT].rsplit(" ", 1)[0] + " …"
    return [label,
            TextBlock(id=short, text=inert(preview), wrap=True, spacing="None"),
            TextBlock(id=full, text=inert(value), wrap=True, spacing="None", is_visible=False),
            ActionSet(id=more, actions=[ToggleVisibilityAction(title="Show more",
                                                               target_elements=targets)]),
            ActionSet(id=less, is_visible=False,
                      actions=[ToggleVisibilityAction(title="Show less",
                                                      target_elements=targets)])]


def _short_label(field: Field) -> str:
    """The form's label without its hint in brackets ("Production tenant")."""
    return field.label.split(" (")[0]


def record_facts(record: EnterpriseAssignment) -> list[Fact]:
    """The FTOP tasks and every decision or answer recorded on the assignment, in words."""
    return [*(Fact(title=f"Task {t.task_id}", value=f"{t.name}: {TASK_STATE_LABELS[t.state]}"
                   + (" (mandatory)" if t.mandatory else " (optional)")) for t in record.tasks),
            *(_entry_fact(r) for r in record.reviews)]


def _entry_fact(review: Review) -> Fact:
    label = entry_label(review)
    detail = inert(review.detail)
    if label.detail_is_time and review.detail:
        with contextlib.suppress(ValueError):
            detail = moment(datetime.fromisoformat(review.detail))
    what = label.title[:1].upper() + label.title[1:]
    return Fact(title=label.heading,
                value=f"{what} by {inert(review.by)}" + (f": {detail}" if detail else ""))
