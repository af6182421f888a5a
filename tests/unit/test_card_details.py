"""Whoever acts on a request sees all of it: every filled field of every request type reaches
the FTA's offer and work card and the seller's status card, labelled, read as the form showed it,
so a field added later cannot be forgotten."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from cards.assignment import create_work_card
from cards.details import FOLD_AT
from cards.offers import create_offer_card
from cards.requests import create_status_card
from cards.text import inert
from domain.forms import Field, Kind, readable
from domain.ftop import EnterpriseAssignment
from domain.offers import Offer
from domain.request_types import TYPES, RequestType
from domain.requests import FtaRequest, ReceivedFile, Requester
from domain.roster import Architect
from tests.support.driver import buttons, nodes, texts_of

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SELLER = Requester("aad-1", "Sam Seller", "Europe/Paris", "FR")
ARCHITECT = Architect("fta-1", "Alex", 9, timezone="America/New_York")
LONG = "The customer runs " + "a large estate with many sites and archives " * 12 + "today."


VALID = {"country": "DE", "tenant": "contoso.onmicrosoft.com", "atu_contact": "ae@contoso.com",
         "csu_contact": "csam@contoso.com",
         "csp_sections": "outcomes,kpis,stakeholders,plan,risks"}


def example(field: Field) -> str:
    """A value for ``field`` as a seller could fill it: the last choice (not the first, so a
    label cannot pass for a code), a link on a host of its own, long text past the fold."""
    if field.id in VALID:
        return VALID[field.id]
    if field.kind is Kind.CHOICE:
        return field.choices[-1][0]
    if field.kind is Kind.MULTI_CHOICE:
        return ",".join(key for key, _ in field.choices[-2:])
    return {Kind.NUMBER: "1234", Kind.TOGGLE: "true", Kind.LONG_TEXT: f"{field.id}: {LONG}",
            Kind.LINK: f"https://{field.id}.contoso.sharepoint.com/deal/{field.id}.docx",
            }.get(field.kind, f"{field.label.split(' (')[0]} of Contoso")


def filled(request_type: RequestType) -> FtaRequest:
    request = FtaRequest(SELLER, NOW, id=42)
    request.choose_type(request_type.key)
    request.fill({field.id: example(field) for field in request_type.all_fields()})
    request.submit(NOW, "FTA-2026-00042")
    return request


def cards_of(request: FtaRequest) -> dict[str, dict]:
    offer = Offer(request.id, "fta-1", 3, NOW, NOW, {"chosen": "fta-1", "reason": "",
                                                     "runners_up": [], "excluded": {}}, id=7)
    record = EnterpriseAssignment.open(request, "fta-1", "Alex", NOW)
    return {"offer": create_offer_card(request, offer, ARCHITECT),
            "work": create_work_card(request, record),
            "status": create_status_card(request)}


@pytest.mark.parametrize("request_type", TYPES, ids=lambda t: t.key)
@pytest.mark.parametrize("card", ["offer", "work", "status"])
def test_every_filled_field_is_on_the_card_with_its_label(request_type, card) -> None:
    request = filled(request_type)
    shown = cards_of(request)[card]
    text, links = texts_of(shown), {b["url"] for b in buttons(shown).values() if "url" in b}
    for field in request_type.all_fields():
        value = request.values[field.id]
        label = field.label.split(" (")[0]
        if field.kind is Kind.LINK:  # a button, titled briefly with the host it opens
            assert value in links, field.id
            assert label.split(" / ")[0] in text, field.id
        else:
            assert inert(readable(field, value)) in text and label in text, field.id


def test_choices_are_shown_by_their_labels_not_their_codes() -> None:
    shown = texts_of(cards_of(filled(TYPES[0]))["offer"])
    assert "Education" in shown and "Asia Pacific" in shown
    assert "education" not in shown.split() and "APAC" not in shown.split()


def test_long_text_is_folded_with_a_toggle_that_shows_all_of_it() -> None:
    migration = next(t for t in TYPES if t.key == "migration_exception")
    offer = cards_of(filled(migration))["offer"]
    full = next(n for n in nodes(offer) if n.get("id") == "d-justification-full")
    short = next(n for n in nodes(offer) if n.get("id") == "d-justification-short")
    toggles = [n for n in nodes(offer) if n.get("type") == "Action.ToggleVisibility"
               and "d-justification-full" in n["targetElements"]]
    assert full["isVisible"] is False and "today." in full["text"]
    assert len(short["text"]) <= FOLD_AT + 2 and "today." not in short["text"]
    assert [t["title"] for t in toggles] == ["Show more", "Show less"]


def test_a_link_button_names_what_it_is_and_the_host_it_opens() -> None:
    funding = next(t for t in TYPES if t.key == "discovery_workshop")
    request = filled(funding)
    request.files["cost"] = ReceivedFile("Cost.xlsx", "https://files.contoso.com/Cost.xlsx")
    names = set(buttons(cards_of(request)["work"]))
    assert "Statement of Work (sow.contoso.sharepoint.com)" in names
    assert "Cost breakdown (files.contoso.com)" in names


def test_seller_text_on_the_offer_is_inert() -> None:
    funding = next(t for t in TYPES if t.key == "discovery_workshop")
    request = filled(funding)
    request.values.update(customer="Contoso [Sign in](https://evil.example) <at>Megan</at>\u202e",
                          notes="**urgent** see https://evil.example")
    text = texts_of(cards_of(request)["offer"])
    assert not re.search(r"(?<!\\)<at>|(?<!\\)\]\(", text) and "\u202e" not in text
    assert "\\*\\*urgent\\*\\*" in text


def test_a_link_buttons_title_is_short_enough_to_read_whole() -> None:
    funding = next(t for t in TYPES if t.key == "ecif_review")
    names = set(buttons(cards_of(filled(funding))["offer"]))
    assert "Staffing plan (staffing.contoso.sharepoint.com)" in names
