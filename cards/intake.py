"""The request card: step 1 picks the type, step 2 is that type's form, shown again with each
problem beside its field and every typed value kept."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    NumberInput,
    TextBlock,
    TextInput,
    ToggleInput,
)

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from cards.text import inert
from domain.forms import Field, Kind, whole_number
from domain.request_types import TYPES
from domain.requests import SEND_BACK_KINDS, FtaRequest, SentBack
from domain.rules import Problem, required_when

# Required inputs are marked in their label, not with isRequired: clients then refuse every
# action of the card, Save draft included, until all are filled, and the seller never sees the
# server's list of every problem at once.
REQUIRED = " (required)"
ATTACHMENT_HELP = ("Paste an https link (SharePoint or OneDrive) for each, or send me the file "
                   "here in our personal chat, saying which one it is (SOW, staffing or cost).")


def _state(request: FtaRequest) -> dict[str, Any]:
    return {"request_id": request.id, "version": request.version}


def create_type_card(request: FtaRequest, problem: str | None = None) -> Card:
    choices = [Choice(title=f"{t.title} ({t.family.lower()}): {t.explanation}", value=t.key)
               for t in TYPES]
    body: list[CardElement] = [
        title("Request a FastTrack Architect"),
        paragraph(f"{_draft(request)}. What do you need?", is_subtle=True),
        ChoiceSetInput(id="request_type", label="Request type", style="expanded", wrap=True,
                       is_required=True, error_message="Pick a request type.",
                       choices=choices, value=request.type_key),
    ]
    if problem:
        body.append(_error(problem))
    return build(body, [execute("Next", verbs.CHOOSE_TYPE, _state(request), style="positive"),
                        execute("Cancel", verbs.CANCEL_REQUEST, _state(request),
                                associated_inputs="none")])


def create_form_card(request: FtaRequest, problems: list[Problem] | None = None,
                     banner: str | None = None) -> Card:
    request_type = request.type
    assert request_type is not None, "a form needs a chosen type"
    by_field = {p.field: p.message for p in problems or []}
    body: list[CardElement] = [
        title(f"{request_type.title} request"),
        paragraph(f"{_draft(request)} · saved at every step", is_subtle=True),
    ]
    if banner:
        body.append(paragraph(banner, color="Warning"))
    if request.sent_back is not None:
        body.append(sent_back_banner(request.sent_back))
    if by_field:
        body.append(_summary(request_type.all_fields(), by_field))
    conditional = required_when(request_type)
    body.append(_section("Customer and account team", request_type.common_fields(), request,
                         by_field, conditional))
    details = ATTACHMENT_HELP if any(f.attachment for f in request_type.fields) else None
    body.append(_section(_details_title(request_type.family), request_type.fields, request,
                         by_field, conditional, details))
    return build(body, [
        execute("Submit", verbs.SUBMIT_REQUEST, _state(request), style="positive"),
        execute("Save draft", verbs.SAVE_DRAFT, _state(request)),
        # Sends what was typed, so the fields the next type shares keep it.
        execute("Change type", verbs.OPEN_REQUEST, {**_state(request), "step": "type"}),
        execute("Cancel", verbs.CANCEL_REQUEST, _state(request), associated_inputs="none",
                style="destructive"),
    ])


def create_sent_back_notice_card(request: FtaRequest) -> Card:
    """The seller's notice: the request came back to them, and where to fix it."""
    assert request.sent_back is not None
    return build([title(f"{request.number} was sent back to you"),
                  sent_back_banner(request.sent_back),
                  paragraph("Your request card above is the form again. Or type **request "
                            "FTA** to open it here.", is_subtle=True)],
                 [execute("Open the form", verbs.OPEN_REQUEST, style="positive")])


def sent_back_banner(sent_back: SentBack) -> CardElement:
    """Why the FTA sent the request back: the seller fixes it and submits again."""
    reason = inert(sent_back.reason.rstrip("."))  # the sentence below ends it
    return paragraph(f"**Sent back to you by {inert(sent_back.by)}** as "
                     f"{SEND_BACK_KINDS[sent_back.kind]}: “{reason}”. Fix it "
                     "(Change type, if it is of the wrong type) and submit it again.",
                     color="Attention")


def _draft(request: FtaRequest) -> str:
    """A draft has its number once submitted (one sent back), else none yet."""
    return f"Draft {request.number}" if request.number else "Draft (numbered when submitted)"


def _details_title(family: str) -> str:
    return {"Funding": "Sales attachments", "Migration exception": "Exception details"}.get(
        family, "Details")


def _summary(fields: tuple[Field, ...], by_field: dict[str, str]) -> CardElement:
    labels = [f.label.split(" (")[0] for f in fields if f.id in by_field]
    count = "1 thing" if len(labels) == 1 else f"{len(labels)} things"
    return Container(style="attention", items=[paragraph(
        f"Almost there: {count} to fix before I can route this: " + "; ".join(labels) + ".",
        weight="Bolder")])


def _section(heading: str, fields: tuple[Field, ...], request: FtaRequest,
             by_field: dict[str, str], conditional: dict[str, str],
             help_text: str | None = None) -> CardElement:
    items: list[CardElement] = [TextBlock(text=heading, weight="Bolder", size="Medium",
                                          separator=True, spacing="Large", wrap=True)]
    if help_text:
        items.append(paragraph(help_text, is_subtle=True, size="Small"))
    for field in fields:
        items.extend(_field(field, request, by_field.get(field.id), conditional.get(field.id)))
    return Container(items=items)


def _field(field: Field, request: FtaRequest, problem: str | None,
           required_when: str | None) -> list[CardElement]:
    value = request.values.get(field.id, "")
    received = request.files.get(field.id)
    label = field.label + (" (link or file)" if field.attachment else "")
    if field.required and received is None:
        label += REQUIRED
    elif required_when:  # always true, whichever answer the seller picks before submitting
        label += f" (required {required_when})"
    elements = [_input(field, label, value)]
    if received:
        elements.append(paragraph(f"📎 Received: **{inert(received.name)}**", color="Good",
                                  size="Small", spacing="None"))
    if problem:
        elements.append(_error(problem))
    return elements


def _input(field: Field, label: str, value: str) -> CardElement:
    common: dict[str, Any] = {"id": field.id, "label": label}
    if field.kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
        multi = field.kind is Kind.MULTI_CHOICE
        return ChoiceSetInput(**common, choices=[Choice(title=t, value=k)
                                                 for k, t in field.choices],
                              is_multi_select=multi, style="expanded" if multi else "compact",
                              wrap=True, value=value or None)
    if field.kind is Kind.TOGGLE:
        return ToggleInput(**common, title=field.label, value=value or "false")
    if field.kind is Kind.NUMBER and (number := whole_number(value)) is not None:
        return NumberInput(**common, min=0, value=number)
    if field.kind is Kind.NUMBER:
        return NumberInput(**common, min=0, placeholder=field.placeholder or None)
    return TextInput(**common, value=value or None, max_length=field.max_length,
                     is_multiline=field.kind is Kind.LONG_TEXT,
                     style="Url" if field.kind is Kind.LINK else None,
                     placeholder=field.placeholder or None)


def _error(message: str) -> CardElement:
    return TextBlock(text=f"⚠ {message}", color="Attention", size="Small", wrap=True,
                     spacing="None")
