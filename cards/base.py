"""What every card shares: the schema version and how a card becomes JSON."""

from __future__ import annotations

from typing import Any, Literal

from microsoft_teams.cards import AdaptiveCard, CardElement, ExecuteAction, TextBlock

VERSION: Literal["1.5"] = "1.5"
Card = dict[str, Any]


def build(body: list[Any], actions: list[Any] | None = None) -> Card:
    """Dump a 1.5 card the way Teams expects it: camelCase, nothing left as null."""
    card = AdaptiveCard(version=VERSION, body=body, actions=actions or None)
    dumped: Card = card.model_dump(by_alias=True, exclude_none=True)
    dumped["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json"
    return dumped


def title(text: str) -> CardElement:
    return TextBlock(text=text, size="Large", weight="Bolder", wrap=True)


def paragraph(text: str, **style: Any) -> CardElement:
    return TextBlock(text=text, wrap=True, **style)


def execute(label: str, verb: str, data: dict[str, Any] | None = None,
            **options: Any) -> ExecuteAction:
    payload = {"verb": verb, **(data or {})}
    return ExecuteAction(title=label, verb=verb, data=payload, **options)
