"""How long personal and customer data of a closed request is kept, and what is kept after."""

from __future__ import annotations

from typing import Any

from domain.requests import State

PURGED = "(purged)"
CLOSED = (State.RESOLVED, State.CANCELLED, State.ANSWERED_BY_FAQ, State.ASSIGNED, State.DRAFT,
          State.WITHDRAWN)
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
            "internal_call": None}
