"""Completeness rules, per request type: complete requests pass, and every gap is named."""

from __future__ import annotations

import pytest

from domain.request_types import BY_KEY, TYPES
from domain.requests import ReceivedFile
from domain.rules import check, required_when
from tests.support.requests import COMPLETE


def problems(type_key: str, **changes: str) -> dict[str, str]:
    values = {**COMPLETE[type_key], **changes}
    return {p.field: p.message for p in check(BY_KEY[type_key], values)}


@pytest.mark.parametrize("type_key", [t.key for t in TYPES])
def test_a_complete_request_has_no_problems(type_key) -> None:
    assert problems(type_key) == {}


@pytest.mark.parametrize("type_key", [t.key for t in TYPES])
def test_an_empty_form_names_every_required_field_at_once(type_key) -> None:
    request_type = BY_KEY[type_key]
    found = {p.field for p in check(request_type, {})}
    assert found == {f.id for f in request_type.all_fields() if f.required}


@pytest.mark.parametrize(("type_key", "changes", "field", "says"), [
    ("discovery_workshop", {"sow": ""}, "sow", "send me the file"),
    ("discovery_workshop", {"cost": "http://contoso.sharepoint.com/c.xlsx"}, "cost", "https://"),
    ("ecif_review", {"staffing": "staffing plan.xlsx"}, "staffing", "https://"),
    ("ecif_review", {"staffing": "https://not a host/x"}, "staffing", "https://"),
    ("discovery_workshop", {"seats": "lots"}, "seats", "whole number"),
    ("discovery_workshop", {"seats": "0"}, "seats", "whole number"),
    ("discovery_workshop", {"seats": "\u00b2"}, "seats", "whole number"),  # isdigit, not int
    ("discovery_workshop", {"seats": "9" * 150}, "seats", "whole number"),  # no card shows it
    ("discovery_workshop", {"atu_contact": "Alex"}, "atu_contact", "e-mail"),
    ("discovery_workshop", {"workloads": ""}, "workloads", "required"),
    ("discovery_workshop", {"workloads": "exchange,fax"}, "workloads", "options"),
    ("discovery_workshop", {"segment": "enterprise,smc"}, "segment", "one option"),
    ("discovery_workshop", {"tenant": "contoso"}, "tenant", "domain"),
    ("discovery_workshop", {"country": "USA"}, "country", "two-letter"),
    ("discovery_workshop", {"customer": "C" * 121}, "customer", "120 characters"),
    ("discovery_workshop", {"notes": "n" * 2001}, "notes", "2000 characters"),
    ("migration_exception", {"mailbox_count": ""}, "mailbox_count", "above zero"),
    ("migration_exception", {"mailbox_count": "\u00b3"}, "mailbox_count", "whole number"),
    ("migration_exception", {"mailbox_details": ""}, "mailbox_details", "mailboxes"),
    ("migration_exception", {"domino_details": ""}, "domino_details", "Domino"),
    ("migration_exception", {"source": "other_mail"}, "source_mail_details", "source mail"),
    ("migration_exception", {"source": "file_shares"}, "file_details", "file environment"),
    ("migration_exception", {"local_migration": "true"}, "local_justification", "local"),
    ("migration_exception", {"justification": "needed"}, "justification", "sentence"),
    ("engage_before_license", {"approvals": " "}, "approvals", "required"),
    ("land_ftc_benefit", {"csp_sections": "outcomes,plan"}, "csp_sections", "Risks and"),
    ("land_ftc_benefit", {"csp": "ftp://x.com/csp"}, "csp", "https://"),
    ("sales_support", {"topic": "weather"}, "topic", "options"),
    ("sales_support", {"question": ""}, "question", "required"),
])
def test_an_incomplete_or_inconsistent_request_says_what_to_fix(type_key, changes, field,
                                                                 says) -> None:
    found = problems(type_key, **changes)
    assert field in found
    assert says.lower() in found[field].lower()


def test_a_file_sent_to_the_bot_stands_in_for_a_link() -> None:
    values = {**COMPLETE["discovery_workshop"], "sow": ""}
    files = {"sow": ReceivedFile("SOW.docx", "https://contoso.sharepoint.com/SOW.docx")}
    assert check(BY_KEY["discovery_workshop"], values, files) == []


def test_a_file_share_migration_needs_no_mailbox_count() -> None:
    found = problems("migration_exception", source="file_shares", mailbox_count="",
                     mailbox_details="", file_details="12 TB on Windows file servers")
    assert found == {}


def test_non_funding_requests_do_not_require_what_only_an_fta_needs() -> None:
    assert problems("sales_support", workloads="", seats="", atu_contact="") == {}


def test_problems_come_in_the_order_of_the_form() -> None:
    request_type = BY_KEY["discovery_workshop"]
    fields = [p.field for p in check(request_type, {})]
    order = [f.id for f in request_type.all_fields()]
    assert fields == sorted(fields, key=order.index)


# What the form's labels promise ("required for a Domino / Notes source") against the rules.
ANSWERS_THAT_REQUIRE = {
    "mailbox_count": [{"source": "domino"}, {"source": "other_mail"}],
    "mailbox_details": [{"source": "domino"}, {"source": "other_mail"}],
    "domino_details": [{"source": "domino"}],
    "source_mail_details": [{"source": "other_mail"}],
    "file_details": [{"source": "file_shares"}],
    "local_justification": [{"local_migration": "true"}],
}


@pytest.mark.parametrize("type_key", [t.key for t in TYPES])
def test_every_field_another_answer_makes_required_is_named_for_the_form(type_key) -> None:
    expected = set(ANSWERS_THAT_REQUIRE) if type_key == "migration_exception" else set()
    assert set(required_when(BY_KEY[type_key])) == expected


@pytest.mark.parametrize(("field", "answers"), [
    (field, answers) for field, all_answers in ANSWERS_THAT_REQUIRE.items()
    for answers in all_answers])
def test_the_answer_a_label_names_makes_its_field_required(field, answers) -> None:
    others = {f: "" for f in ANSWERS_THAT_REQUIRE}
    assert field in problems("migration_exception", **others, **answers)
    assert field not in problems("migration_exception", **others, source="other",
                                 local_migration="false")
