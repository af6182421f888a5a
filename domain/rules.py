"""Completeness rules: every problem of a request at once, each beside its field, in words a
seller understands. Field checks come from the form spec; consistency checks are per type."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from domain import forms
from domain.forms import Field, Kind
from domain.links import DOMAIN, MICROSOFT_365_FILE_HOSTS, typed_link_problem
from domain.request_types import RequestType

Values = Mapping[str, str]
MAX_SEATS = 10_000_000
# The WHATWG's "valid e-mail address" (what a browser's type=email accepts), with a dotted domain:
# no spaces, angle brackets or quotes, so an address cannot carry markup into a card.
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{4,253}$)"
                   r"([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
COUNTRY = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def check(request_type: RequestType, values: Values,
          files: Mapping[str, object] | None = None,
          link_hosts: Sequence[str] = MICROSOFT_365_FILE_HOSTS) -> list[Problem]:
    """Every problem with ``values`` for ``request_type``; an empty list means complete.
    Links must lead to a host of ``link_hosts`` (or a subdomain), as files sent must."""
    files = files or {}
    problems: dict[str, Problem] = {}
    for field in request_type.all_fields():
        message = _field_problem(field, _value(values, field.id), field.id in files,
                                 link_hosts)
        if message:
            problems[field.id] = Problem(field.id, message)
    for problem in CONSISTENCY.get(request_type.key, _nothing)(values):
        problems.setdefault(problem.field, problem)
    order = [field.id for field in request_type.all_fields()]
    return sorted(problems.values(), key=lambda problem: order.index(problem.field))


def _value(values: Values, field_id: str) -> str:
    value = values.get(field_id, "")
    return value.strip() if isinstance(value, str) else str(value).strip()


def _field_problem(field: Field, value: str, has_file: bool,
                   link_hosts: Sequence[str]) -> str | None:
    if not value:
        if field.required and not has_file:
            return ("Add a link, or send me the file in our personal chat."
                    if field.attachment else "This is required.")
        return None
    if len(value) > field.max_length:
        return f"Keep this to {field.max_length} characters (it has {len(value)})."
    if field.kind is Kind.LINK:
        return typed_link_problem(value, link_hosts)
    return FORMATS.get(field.id, KINDS.get(field.kind, _nothing_str))(field, value)


def _number(_field: Field, value: str) -> str | None:
    number = forms.whole_number(value)
    if number is None or not 0 < number <= MAX_SEATS:
        return f"Enter a whole number from 1 to {MAX_SEATS:,}, like 5000."
    return None


def _choice(field: Field, value: str) -> str | None:
    allowed = {key for key, _ in field.choices}
    picked = [part for part in value.split(",") if part]
    if not picked or any(part not in allowed for part in picked):
        return "Pick from the options shown."
    if field.kind is Kind.CHOICE and len(picked) > 1:
        return "Pick one option."
    return None


def _toggle(_field: Field, value: str) -> str | None:
    return None if value in ("true", "false") else "Choose yes or no."


def _email(_field: Field, value: str) -> str | None:
    return None if EMAIL.match(value) else "Enter an e-mail address, like ae@contoso.com."


def _tenant(_field: Field, value: str) -> str | None:
    if DOMAIN.match(value) or GUID.match(value):
        return None
    return ("Enter a domain like contoso.onmicrosoft.com or a tenant id (GUID), "
            "or leave it empty if it is not known yet.")


def _country(_field: Field, value: str) -> str | None:
    return None if COUNTRY.match(value) else "Enter a two-letter country code, like US or DE."


def _nothing_str(_field: Field, _value: str) -> str | None:
    return None


KINDS: dict[Kind, Callable[[Field, str], str | None]] = {
    Kind.NUMBER: _number, Kind.CHOICE: _choice, Kind.MULTI_CHOICE: _choice,
    Kind.TOGGLE: _toggle}
FORMATS: dict[str, Callable[[Field, str], str | None]] = {
    "atu_contact": _email, "csu_contact": _email, "tenant": _tenant, "country": _country}


def _nothing(_values: Values) -> Iterator[Problem]:
    return iter(())


@dataclass(frozen=True)
class RequiredWhen:
    """A field another answer makes required: ``when`` says which, for the form's label."""

    field: str
    when: str
    holds: Callable[[Values], bool]
    message: str


def _source_is(*sources: str) -> Callable[[Values], bool]:
    return lambda values: _value(values, "source") in sources


MAILBOX_SOURCES = ("domino", "other_mail")
MIGRATION_CONDITIONS = (
    RequiredWhen("mailbox_count", "for a Domino / Notes or other mail source",
                 _source_is(*MAILBOX_SOURCES),
                 "A mailbox migration exception needs a mailbox count above zero."),
    RequiredWhen("mailbox_details", "for a Domino / Notes or other mail source",
                 _source_is(*MAILBOX_SOURCES),
                 "Describe the mailboxes (sizes, types, archives) so the FTA can check them "
                 "against the justification."),
    RequiredWhen("domino_details", "for a Domino / Notes source", _source_is("domino"),
                 "A Domino / Notes exception needs the Domino environment details."),
    RequiredWhen("source_mail_details", "for another mail system",
                 _source_is("other_mail"),
                 "A parallel mail migration needs the source mail environment details."),
    RequiredWhen("file_details", "for file shares", _source_is("file_shares"),
                 "A parallel OneDrive for Business migration needs the file environment "
                 "details."),
    RequiredWhen("local_justification", "for a local migration",
                 lambda values: _value(values, "local_migration") == "true",
                 "A local migration needs its own justification."),
)
CONDITIONS: dict[str, tuple[RequiredWhen, ...]] = {"migration_exception": MIGRATION_CONDITIONS}


def required_when(request_type: RequestType) -> dict[str, str]:
    """The fields of ``request_type`` that other answers make required: field id to when."""
    return {c.field: c.when for c in CONDITIONS.get(request_type.key, ())}


def _migration(values: Values) -> Iterator[Problem]:
    for condition in MIGRATION_CONDITIONS:
        if condition.holds(values) and not _value(values, condition.field):
            yield Problem(condition.field, condition.message)
    justification = _value(values, "justification")
    if justification and len(justification.split()) < 5:
        yield Problem("justification", "Explain the business reason in a sentence or two.")


def _land_ftc(values: Values) -> Iterator[Problem]:
    present = set(_value(values, "csp_sections").split(","))
    missing = [label for key, label in forms.CSP_SECTIONS if key not in present]
    if missing and present - {""}:
        yield Problem("csp_sections", "A quality Customer Success Plan has every one of these "
                      "sections; yours is missing: " + "; ".join(missing) + ".")


CONSISTENCY: dict[str, Callable[[Values], Iterator[Problem]]] = {
    "migration_exception": _migration, "land_ftc_benefit": _land_ftc}
