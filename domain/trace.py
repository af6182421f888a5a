"""Simulation traces: JSON in, checked field by field, with errors that name the field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.balancer import DEFAULT_WEIGHTS, Demand
from domain.roster import Absence, Architect

T = TypeVar("T")


class TraceError(ValueError):
    """The trace is unusable; the message starts with the path of the offending field."""


@dataclass(frozen=True)
class TraceRequest:
    demand: Demand
    submitted_at: datetime
    country: str
    declined_by: frozenset[str]
    engagement_business_days: int


@dataclass(frozen=True)
class Trace:
    start: date
    end: date
    weights: dict[str, int]
    architects: tuple[Architect, ...]
    requests: tuple[TraceRequest, ...]


def parse_trace(data: Any) -> Trace:
    root = _mapping(data, "trace")
    weights = _get(root, "weights", "trace", dict, dict(DEFAULT_WEIGHTS))
    for key, value in weights.items():
        if not isinstance(value, int) or value < 1:
            raise TraceError(f"weights.{key}: expected a whole number of points above 0")
    architects = tuple(_architect(_mapping(a, f"architects[{i}]"), f"architects[{i}]")
                       for i, a in enumerate(_get(root, "architects", "trace", list)))
    requests = tuple(_request(_mapping(r, f"requests[{i}]"), f"requests[{i}]")
                     for i, r in enumerate(_get(root, "requests", "trace", list)))
    return Trace(_date(root, "start", "trace"), _date(root, "end", "trace"),
                 {**DEFAULT_WEIGHTS, **weights}, architects,
                 tuple(sorted(requests, key=lambda r: (r.submitted_at, r.demand.request_id))))


def _architect(raw: dict[str, Any], path: str) -> Architect:
    skills = _get(raw, "skills", path, dict, {})
    if any(not isinstance(v, int) or not 1 <= v <= 5 for v in skills.values()):
        raise TraceError(f"{path}.skills: proficiencies are whole numbers from 1 to 5")
    capacity = _get(raw, "capacity", path, int)
    if capacity < 0:
        raise TraceError(f"{path}.capacity: expected 0 or more points")
    absences = tuple(Absence(_date(a, "from", f"{path}.out_of_office[{i}]"),
                             _date(a, "to", f"{path}.out_of_office[{i}]"))
                     for i, a in enumerate(_get(raw, "out_of_office", path, list, [])))
    return Architect(
        id=_get(raw, "id", path, str), name=_get(raw, "name", path, str, raw.get("id", "")),
        capacity=capacity, skills=skills,
        segments=frozenset(_get(raw, "segments", path, list)),
        regions=frozenset(_get(raw, "regions", path, list)),
        timezone=_zone(raw, path), holiday_country=_get(raw, "holiday_country", path, str, "US"),
        active=_get(raw, "active", path, bool, True), out_of_office=absences)


def _request(raw: dict[str, Any], path: str) -> TraceRequest:
    demand = Demand(
        request_id=_get(raw, "id", path, str), type_key=_get(raw, "type", path, str),
        segment=_get(raw, "segment", path, str), region=_get(raw, "region", path, str),
        timezone=_zone(raw, path), workloads=tuple(_get(raw, "workloads", path, list, [])),
        customer=_get(raw, "customer", path, str, ""))
    days = _get(raw, "engagement_business_days", path, int, 10)
    if days < 1:
        raise TraceError(f"{path}.engagement_business_days: expected 1 or more")
    return TraceRequest(demand, _datetime(raw, "submitted_at", path),
                        _get(raw, "country", path, str, "US"),
                        frozenset(_get(raw, "declined_by", path, list, [])), days)


def _mapping(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TraceError(f"{path}: expected an object")
    return value


_MISSING: Any = object()


def _get(raw: dict[str, Any], key: str, path: str, kind: type[T],
         default: Any = _MISSING) -> T:
    if key not in raw:
        if default is _MISSING:
            raise TraceError(f"{path}.{key}: required")
        return default
    value = raw[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TraceError(f"{path}.{key}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _parsed(raw: dict[str, Any], key: str, path: str, parse: Callable[[str], T],
            what: str) -> T:
    text = _get(raw, key, path, str)
    try:
        return parse(text)
    except ValueError:
        raise TraceError(f"{path}.{key}: expected {what}, got {raw[key]!r}") from None


def _date(raw: Any, key: str, path: str) -> date:
    return _parsed(_mapping(raw, path), key, path, date.fromisoformat, "a date like 2027-01-04")


def _datetime(raw: dict[str, Any], key: str, path: str) -> datetime:
    moment = _parsed(raw, key, path, datetime.fromisoformat,
                     "a date-time like 2027-01-04T15:30:00Z")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _zone(raw: dict[str, Any], path: str) -> str:
    name = _get(raw, "timezone", path, str, "UTC")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TraceError(f"{path}.timezone: unknown time zone {name!r}") from None
    return name
