"""Roster files (CSV or YAML): read with every bad row named by its line, or written out.

CSV lists use ';' (segments "enterprise;smc"), skills are "exchange:4;teams:3" and
out-of-office periods "2026-12-21..2027-01-01"."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from domain.forms import REGIONS, SEGMENTS, WORKLOADS, whole_number
from domain.roster import Absence, Architect

COLUMNS = ("id", "name", "email", "aad_id", "teams_user_id", "manager", "capacity", "timezone",
           "holiday_country", "holiday_subdivision", "segments", "regions", "languages",
           "skills", "active", "out_of_office")
KNOWN = {"segments": {k for k, _ in SEGMENTS}, "regions": {k for k, _ in REGIONS},
         "skills": {k for k, _ in WORKLOADS}}


class RosterFileError(ValueError):
    """Every problem in the file, one per line, each starting with its line number."""


def read_roster(text: str, kind: str) -> list[Architect]:
    rows = _csv_rows(text) if kind == "csv" else _yaml_rows(text)
    problems, architects, seen = [], [], set()
    for line, row in rows:
        try:
            architect = _architect(row)
            if architect.id in seen:
                raise ValueError(f"id {architect.id!r} appears twice")
            seen.add(architect.id)
            architects.append(architect)
        except ValueError as error:
            problems.append(f"line {line}: {error}")
    if problems:
        raise RosterFileError("\n".join(problems))
    return architects


def write_roster(architects: Iterable[Architect], kind: str) -> str:
    rows = [_plain(a) for a in architects]
    if kind == "yaml":
        return yaml.safe_dump({"architects": rows}, sort_keys=False, allow_unicode=True)
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "segments": ";".join(row["segments"]),
                         "regions": ";".join(row["regions"]),
                         "languages": ";".join(row["languages"]),
                         "skills": ";".join(f"{k}:{v}" for k, v in row["skills"].items()),
                         "out_of_office": ";".join(f"{p['from']}..{p['to']}"
                                                   for p in row["out_of_office"]),
                         "holiday_subdivision": row["holiday_subdivision"] or ""})
    return out.getvalue()


def _csv_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"id", "name", "capacity"} - set(reader.fieldnames or ())
    if missing:
        raise RosterFileError(f"line 1: missing columns {', '.join(sorted(missing))}")
    rows = []
    for row in reader:
        split = {k: [p.strip() for p in (row.get(k) or "").split(";") if p.strip()]
                 for k in ("segments", "regions", "languages", "skills", "out_of_office")}
        rows.append((reader.line_num, {
            **{k: v for k, v in row.items() if k in COLUMNS and v not in (None, "")},
            "segments": split["segments"], "regions": split["regions"],
            "languages": split["languages"],
            "skills": dict(_pair(p, ":") for p in split["skills"]),
            "out_of_office": [dict(zip(("from", "to"), _pair(p, ".."), strict=True))
                              for p in split["out_of_office"]]}))
    return rows


def _pair(text: str, separator: str) -> tuple[str, str]:
    left, found, right = text.partition(separator)
    return (left.strip(), right.strip()) if found else (left.strip(), "")


def _yaml_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        document = yaml.compose(text)
    except yaml.YAMLError as error:
        raise RosterFileError(f"not valid YAML: {error}") from None
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("architects"), list):
        raise RosterFileError("line 1: the file needs a top-level 'architects:' list")
    sequence = next(value for key, value in document.value if key.value == "architects")
    return [(node.start_mark.line + 1, row if isinstance(row, dict) else {"": row})
            for node, row in zip(sequence.value, data["architects"], strict=True)]


def _architect(row: dict[str, Any]) -> Architect:
    def text(key: str, default: str = "") -> str:
        value = row.get(key, default)
        return str(value).strip() if value is not None else default

    if not text("id") or not text("name"):
        raise ValueError("id and name are required")
    return Architect(
        id=text("id"), name=text("name"), email=text("email"), aad_id=text("aad_id"),
        teams_user_id=text("teams_user_id"), manager=text("manager"),
        capacity=_whole(row.get("capacity"), "capacity"),
        timezone=_zone(text("timezone", "UTC")),
        holiday_country=_country(text("holiday_country", "US")),
        holiday_subdivision=text("holiday_subdivision") or None,
        segments=_known(row.get("segments", []), "segments"),
        regions=_known(row.get("regions", []), "regions"),
        languages=frozenset(str(x) for x in row.get("languages") or []),
        skills=_skills(row.get("skills") or {}), active=_flag(row.get("active", True)),
        out_of_office=tuple(_absence(p) for p in row.get("out_of_office") or []))


def _whole(value: Any, name: str) -> int:
    number = None if isinstance(value, bool) else whole_number(str(value).strip())
    if number is None:
        raise ValueError(f"{name} must be a whole number of points, not {value!r}")
    return number


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"timezone {name!r} is not an IANA time zone") from None
    return name


def _country(code: str) -> str:
    if len(code) != 2 or not code.isalpha():
        raise ValueError(f"holiday_country {code!r} is not a two-letter country code")
    return code.upper()


def _known(values: Any, name: str) -> frozenset[str]:
    found = frozenset(str(v).strip() for v in (values if isinstance(values, list) else [values]))
    unknown = found - KNOWN[name]
    if unknown or not found:
        raise ValueError(f"{name} must list some of {', '.join(sorted(KNOWN[name]))}"
                         + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else ""))
    return found


def _skills(values: Any) -> dict[str, int]:
    if not isinstance(values, dict):
        raise ValueError("skills must map workloads to a proficiency from 1 to 5")
    skills = {str(k): _whole(v, f"skill {k}") for k, v in values.items()}
    if set(skills) - KNOWN["skills"] or any(not 1 <= v <= 5 for v in skills.values()):
        raise ValueError("skills must map workloads ("
                         + ", ".join(sorted(KNOWN["skills"])) + ") to a proficiency from 1 to 5")
    return skills


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "yes", "1"):
        return True
    if str(value).strip().lower() in ("false", "no", "0"):
        return False
    raise ValueError(f"active must be true or false, not {value!r}")


def _absence(period: Any) -> Absence:
    try:
        start, end = date.fromisoformat(str(period["from"])), date.fromisoformat(str(period["to"]))
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"out_of_office {period!r} needs 'from' and 'to' dates") from None
    if end < start:
        raise ValueError(f"out_of_office ends ({end}) before it starts ({start})")
    return Absence(start, end)


def _plain(architect: Architect) -> dict[str, Any]:
    return {"id": architect.id, "name": architect.name, "email": architect.email,
            "aad_id": architect.aad_id, "teams_user_id": architect.teams_user_id,
            "manager": architect.manager, "capacity": architect.capacity,
            "timezone": architect.timezone, "holiday_country": architect.holiday_country,
            "holiday_subdivision": architect.holiday_subdivision,
            "segments": sorted(architect.segments), "regions": sorted(architect.regions),
            "languages": sorted(architect.languages), "skills": dict(architect.skills),
            "active": architect.active,
            "out_of_office": [{"from": a.start.isoformat(), "to": a.end.isoformat()}
                              for a in architect.out_of_office]}
