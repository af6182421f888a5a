"""The managers' desk, read side: what each viewer may ask of `/api/queue`, the query they
asked parsed and checked, and how an open request is shown (its deadline, where it stands,
what the viewer may do on it). Pure: the caller passes ``now``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from domain.forms import REGIONS, SEGMENTS


class DeskError(ValueError):
    """A query the desk cannot answer (400); the message says which parameter and why."""


class Forbidden(Exception):
    """More than the viewer's part (403); the message says why, for the page to show."""


class Section(StrEnum):
    REQUESTS = "requests"
    TICKETS = "tickets"
    ARCHITECTS = "architects"
    REPORTS = "reports"


class Standing(StrEnum):
    """Where an open FTA request stands."""

    WAITING = "waiting"
    OFFERED = "offered"
    ACCEPTED = "accepted"


STANDING_LABELS = {Standing.WAITING: "Waiting", Standing.OFFERED: "Offered",
                   Standing.ACCEPTED: "Accepted"}
PAGE_SIZE, MAX_PAGE_SIZE, MAX_PAGE = 50, 100, 10_000
MAX_FILTER = 64  # characters of an id or code given as a filter


@dataclass(frozen=True)
class Roles:
    """What the viewer is, as far as the desk cares."""

    manager: bool = False
    ftchelp: bool = False
    admin: bool = False
    architect_id: str = ""  # the roster's id when the viewer is an FTA

    def names(self) -> list[str]:
        return [name for name, held in (("manager", self.manager), ("ftchelp", self.ftchelp),
                                        ("admin", self.admin), ("fta", bool(self.architect_id)),
                                        ("seller", True)) if held]


@dataclass(frozen=True)
class QueueQuery:
    section: Section = Section.REQUESTS
    states: frozenset[Standing] = frozenset()
    segment: str = ""
    region: str = ""
    fta: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def parse_query(query: Mapping[str, Sequence[str]]) -> QueueQuery:
    """The query string's values (each key with all its values), or DeskError."""
    section = _one(query, "section") or Section.REQUESTS.value
    if section not in Section.__members__.values():
        raise DeskError(f"section must be one of {', '.join(Section)}")
    states: set[Standing] = set()
    for value in query.get("state", ()):
        for part in filter(None, (p.strip() for p in value.split(","))):
            if part not in Standing.__members__.values():
                raise DeskError(f"state must be one of {', '.join(Standing)}")
            states.add(Standing(part))
    segment, region = _one(query, "segment"), _one(query, "region")
    if segment and segment not in dict(SEGMENTS):
        raise DeskError(f"segment must be one of {', '.join(dict(SEGMENTS))}")
    if region and region not in dict(REGIONS):
        raise DeskError(f"region must be one of {', '.join(dict(REGIONS))}")
    return QueueQuery(Section(section), frozenset(states), segment, region,
                      _one(query, "fta"), _number(query, "page", 1, MAX_PAGE, 1),
                      _number(query, "page_size", 1, MAX_PAGE_SIZE, PAGE_SIZE))


def _one(query: Mapping[str, Sequence[str]], name: str) -> str:
    values = [v.strip() for v in query.get(name, ()) if v.strip()]
    if len(values) > 1:
        raise DeskError(f"{name} may be given once")
    if values and len(values[0]) > MAX_FILTER:
        raise DeskError(f"{name} is longer than {MAX_FILTER} characters")
    return values[0] if values else ""


def _number(query: Mapping[str, Sequence[str]], name: str, low: int, high: int,
            default: int) -> int:
    raw = _one(query, name)
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise DeskError(f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def check_access(query: QueueQuery, roles: Roles) -> None:
    """Forbidden when the viewer asks for more than their part."""
    if query.section in (Section.ARCHITECTS, Section.REPORTS) and not roles.manager:
        raise Forbidden(f"The {query.section.value} are for FTA managers: members of the FTA "
                        "managers' channel.")
    if query.section is Section.TICKETS and not (roles.manager or roles.ftchelp):
        raise Forbidden("FTCHelp tickets are for FTCHelp agents (members of the FTCHelp "
                        "channel) and FTA managers.")
    if query.fta and not roles.manager and roles.architect_id and query.fta != roles.architect_id:
        raise Forbidden("You can see your own offers and assignments, not another FTA's.")


def original_deadline(deadline: datetime | None,
                      extensions: Sequence[Mapping[str, Any]]) -> datetime | None:
    """The deadline the SLA is measured against: the one set at submission, before any
    manager extended it. Extensions are [{from, to, reason, by, at}] in the order given;
    the first one's `from` is the original. THE one place this is decided."""
    if extensions:
        first = extensions[0].get("from")
        if isinstance(first, datetime):
            return first
        if isinstance(first, str):
            return datetime.fromisoformat(first.replace("Z", "+00:00"))
    return deadline


def current_deadline(deadline: datetime | None,
                     extensions: Sequence[Mapping[str, Any]]) -> datetime | None:
    """The deadline now in force: the last extension's `to`, else the deadline."""
    if extensions:
        last = extensions[-1].get("to")
        if isinstance(last, datetime):
            return last
        if isinstance(last, str):
            return datetime.fromisoformat(last.replace("Z", "+00:00"))
    return deadline


def row_actions(standing: Standing, roles: Roles) -> list[str]:
    """What this viewer may do now on an open request (the server checks again on acting)."""
    if not roles.manager:
        return []
    if standing is Standing.WAITING:
        return ["assign", "extend"]
    if standing is Standing.OFFERED:
        return ["assign", "reoffer", "extend"]
    return ["reassign", "extend"]


def standing_label(standing: Standing, fta_name: str) -> str:
    if standing is Standing.WAITING:
        return "Waiting for an FTA"
    if standing is Standing.OFFERED:
        return f"Offered to {fta_name or 'an FTA'}"
    return f"Accepted by {fta_name or 'an FTA'}"


@dataclass(frozen=True)
class Decline:
    fta: str
    reason: str
    at: datetime | None


@dataclass(frozen=True)
class OpenRequest:
    """One open FTA request as the storage read it."""

    id: int
    number: str
    type_title: str
    customer: str
    segment: str
    region: str
    submitted_at: datetime | None
    deadline: datetime | None
    standing: Standing
    fta_id: str = ""
    fta_name: str = ""
    since: datetime | None = None
    extensions: tuple[Mapping[str, Any], ...] = ()
    declines: tuple[Decline, ...] = field(default=())


def request_json(item: OpenRequest, roles: Roles, now: datetime) -> dict[str, Any]:
    deadline = current_deadline(item.deadline, item.extensions)
    left = int((deadline - now).total_seconds()) if deadline else None
    return {
        "id": item.id, "number": item.number, "type": item.type_title,
        "customer": item.customer,  # as the seller typed it: the page escapes it
        "segment": dict(SEGMENTS).get(item.segment, item.segment),
        "region": dict(REGIONS).get(item.region, item.region),
        "submitted_at": stamp(item.submitted_at), "deadline": stamp(deadline),
        "original_deadline": stamp(original_deadline(item.deadline, item.extensions)),
        "overdue": left is not None and left < 0, "seconds_left": left,
        "state": item.standing.value, "state_label": standing_label(item.standing,
                                                                    item.fta_name),
        "fta": {"id": item.fta_id, "name": item.fta_name} if item.fta_id else None,
        "since": stamp(item.since),
        "declines": [{"fta": d.fta, "reason": d.reason, "at": stamp(d.at)}
                     for d in item.declines],
        "extensions": [{key: e.get(key) for key in ("to", "reason", "by", "at")}
                       for e in item.extensions],
        "actions": row_actions(item.standing, roles)}


def stamp(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, as the page and the CSV read it."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def segment_options() -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in SEGMENTS]


def region_options() -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in REGIONS]


def state_options() -> list[dict[str, str]]:
    return [{"value": s.value, "label": label} for s, label in STANDING_LABELS.items()]

