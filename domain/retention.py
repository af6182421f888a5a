"""What a request keeps once it has been left untouched for the retention period, closed or
not (an abandoned draft, an FAQ answer never confirmed, a ticket never resolved): enough to
count and report on, and the audit's who (ids), what, when and outcome; nothing about whom."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

PURGED = "(purged)"
# An invoke's answer (a whole card) is kept in the audit log only for Teams' retries of it.
RETRY_WINDOW = timedelta(days=1)
# A balancing decision's words name architects and why; its ids and numbers stay.
DECISION_WORDS = ("reason", "why_chosen", "assigned_by", "offered_by")
# What a purged request still says: enough to count and report on, nothing about who.
KEPT_VALUES = ("segment", "region", "country", "workloads", "seats", "source", "topic")


def purged_values(values: dict[str, Any]) -> dict[str, Any]:
    return {key: values[key] for key in KEPT_VALUES if key in values}


def purged_record(document: dict[str, Any]) -> dict[str, Any]:
    """An FTOP record without the customer, its tenant, people's names or free text."""
    return {**document, "customer": PURGED, "production_tenant": PURGED,
            "fta": {**document.get("fta", {}), "name": PURGED},
            "tenant_history": [{**t, "value": PURGED, "by": PURGED}
                               for t in document.get("tenant_history", [])],
            "tasks": [{**t, "by": PURGED if t.get("by") else t.get("by"), "reason": ""}
                      for t in document.get("tasks", [])],
            "reviews": [{**r, "by": PURGED, "detail": ""} for r in document.get("reviews", [])],
            "fta_history": [{**f, "name": PURGED, "by": PURGED if f.get("by") else "",
                             "reason": ""} for f in document.get("fta_history", [])],
            "internal_call": None}


def purged_extensions(extensions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """A request's deadline extensions, their times kept for reports, not who or why."""
    return [{**e, "by": PURGED, "reason": ""} for e in extensions or []]


def purged_decision(decision: dict[str, Any]) -> dict[str, Any]:
    """A balancing decision as stored on an offer, without its sentences."""
    return {**{key: value for key, value in decision.items() if key not in DECISION_WORDS},
            "runners_up": [{key: value for key, value in runner.items() if key != "why"}
                           for runner in decision.get("runners_up", [])
                           if isinstance(runner, dict)]}
