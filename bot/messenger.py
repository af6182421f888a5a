"""Proactive messages: resume a stored conversation and post a card into it."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ConversationReference

from bot.replies import card_message

log = logging.getLogger(__name__)


class Messenger:
    def __init__(self, adapter: CloudAdapter, app_id: str) -> None:
        self._adapter = adapter
        self._app_id = app_id or None

    async def post_card(self, reference: dict[str, Any], card: dict[str, Any]) -> str | None:
        """Post ``card`` into the referenced conversation; the new activity's id, or None."""
        posted: list[str] = []

        async def send(turn_context: TurnContext) -> None:
            response = await turn_context.send_activity(card_message(card))
            if response is not None and response.id:
                posted.append(response.id)

        conversation = ConversationReference().deserialize(reference)
        await self._adapter.continue_conversation(conversation, send, self._app_id)
        return posted[0] if posted else None
