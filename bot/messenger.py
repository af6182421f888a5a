"""Proactive messages: resume a stored conversation and post a card into it, retrying what
Teams asks to be retried (429 with Retry-After, 412, 5xx) within a few seconds."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ConversationReference
from msrest.exceptions import HttpOperationError

from bot.replies import card_message

log = logging.getLogger(__name__)
RETRIED = {412, 429, 502, 503, 504}


class DeliveryFailed(Exception):
    """Teams did not take the message; ``status`` is its last HTTP answer (0: no answer)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"delivery failed with HTTP {status}")
        self.status = status


class Messenger:
    def __init__(self, adapter: CloudAdapter, app_id: str, attempts: int = 3,
                 budget_seconds: float = 2.5) -> None:
        self._adapter = adapter
        self._app_id = app_id or None
        self._attempts, self._budget = attempts, budget_seconds

    async def post_card(self, reference: dict[str, Any], card: dict[str, Any]) -> str | None:
        """Post ``card`` into the referenced conversation; the new activity's id."""
        return await self._with_retries(lambda: self._send(reference, card))

    async def update_card(self, reference: dict[str, Any], activity_id: str,
                          card: dict[str, Any]) -> None:
        """Replace the card of an earlier message, for everyone who sees it."""
        await self._with_retries(lambda: self._update(reference, activity_id, card))

    async def _with_retries(self, operation: Callable[[], Awaitable[str | None]]) -> str | None:
        waited = 0.0
        for attempt in range(1, self._attempts + 1):
            try:
                return await operation()
            except HttpOperationError as error:
                status = error.response.status_code if error.response is not None else 0
                if status not in RETRIED or attempt == self._attempts:
                    raise DeliveryFailed(status) from error
                pause = _pause(error, attempt)
                if waited + pause > self._budget:
                    raise DeliveryFailed(status) from error
                log.info("Teams answered %s; retrying in %.2fs", status, pause)
                waited += pause
                await asyncio.sleep(pause)
        raise DeliveryFailed(0)

    async def _send(self, reference: dict[str, Any], card: dict[str, Any]) -> str | None:
        posted: list[str] = []
        failed: list[HttpOperationError] = []

        async def send(turn_context: TurnContext) -> None:
            # Caught here: the adapter's turn-error handler would swallow it otherwise.
            try:
                response = await turn_context.send_activity(card_message(card))
            except HttpOperationError as error:
                failed.append(error)
                return
            if response is not None and response.id:
                posted.append(response.id)

        conversation = ConversationReference().deserialize(reference)
        await self._adapter.continue_conversation(conversation, send, self._app_id)
        if failed:
            raise failed[0]
        return posted[0] if posted else None

    async def _update(self, reference: dict[str, Any], activity_id: str,
                      card: dict[str, Any]) -> str | None:
        failed: list[HttpOperationError] = []

        async def update(turn_context: TurnContext) -> None:
            activity = card_message(card)
            activity.id = activity_id
            try:
                await turn_context.update_activity(activity)
            except HttpOperationError as error:
                failed.append(error)

        conversation = ConversationReference().deserialize(reference)
        await self._adapter.continue_conversation(conversation, update, self._app_id)
        if failed:
            raise failed[0]
        return activity_id


def _pause(error: HttpOperationError, attempt: int) -> float:
    header = error.response.headers.get("Retry-After") if error.response is not None else None
    try:
        asked = float(header) if header else 0.0
    except ValueError:
        asked = 0.0
    return max(asked, 0.2 * 2 ** (attempt - 1) * (0.5 + random.random()))
