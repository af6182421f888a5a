"""Shapes of what the bot sends, as plain JSON: card messages and Universal Action invoke
bodies (the edge hands them to the SDK)."""

from __future__ import annotations

from typing import Any

from bot.turn import Message

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
InvokeBody = dict[str, Any]


def card_message(card: dict[str, Any]) -> Message:
    """A message carrying ``card``, as the JSON the Bot Connector takes."""
    return {"type": "message", "attachments": [{"contentType": CARD_TYPE, "content": card}]}


def card_invoke(card: dict[str, Any]) -> InvokeBody:
    """Replace the card the user acted on with ``card``."""
    return {"statusCode": 200, "type": CARD_TYPE, "value": card}


def message_invoke(text: str) -> InvokeBody:
    """Leave the card as it is and show ``text`` to the user who acted."""
    return {"statusCode": 200, "type": MESSAGE_TYPE, "value": text}


class Refused(Exception):
    """A card action that must not go ahead; ``body`` tells the user why (and changes nothing)."""

    def __init__(self, body: InvokeBody) -> None:
        super().__init__(body.get("value") if isinstance(body.get("value"), str) else "refused")
        self.body = body


def card_inputs(data: dict[str, Any], field_ids: set[str]) -> dict[str, str]:
    """The typed values among an Action.Execute's data, as text, for the given field ids."""
    values = {}
    for key in field_ids & data.keys():
        value = data[key]
        if isinstance(value, bool):
            values[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            values[key] = str(int(value)) if isinstance(value, float) and value.is_integer() \
                else str(value)
    return values
