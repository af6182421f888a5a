"""Shapes of what the bot sends: card messages and Universal Action invoke bodies."""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity

CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
InvokeBody = dict[str, Any]


def card_message(card: dict[str, Any]) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(card))


def card_message_json(card: dict[str, Any]) -> dict[str, Any]:
    """A message carrying ``card``, as the JSON the Bot Connector takes."""
    return {"type": "message", "attachments": [{"contentType": CARD_TYPE, "content": card}]}


def activity_json(activity: Activity) -> dict[str, Any]:
    """``activity`` as JSON. msrest walks every attachment's content (a card: a deep tree of
    plain dicts) value by value, copying it; the content is JSON already, so it is set aside
    while the rest is serialized, then put back as it is. A third of a reply's cost, before."""
    attachments = activity.attachments or []
    contents = [attachment.content for attachment in attachments]
    for attachment in attachments:
        attachment.content = None
    try:
        body: dict[str, Any] = activity.serialize()
    finally:
        for attachment, content in zip(attachments, contents, strict=True):
            attachment.content = content
    for serialized, content in zip(body.get("attachments") or [], contents, strict=False):
        if content is not None:
            serialized["content"] = content
    return body


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
