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


def card_invoke(card: dict[str, Any]) -> InvokeBody:
    """Replace the card the user acted on with ``card``."""
    return {"statusCode": 200, "type": CARD_TYPE, "value": card}


def message_invoke(text: str) -> InvokeBody:
    """Leave the card as it is and show ``text`` to the user who acted."""
    return {"statusCode": 200, "type": MESSAGE_TYPE, "value": text}
