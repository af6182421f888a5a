"""Posting cards into a Teams channel or a person's chat, from a turn or from the worker."""

from __future__ import annotations

import logging
from typing import Any

from bot.messenger import DeliveryFailed, Messenger
from domain.conversations import ConversationDirectory

log = logging.getLogger(__name__)


class Poster:
    def __init__(self, directory: ConversationDirectory, messenger: Messenger) -> None:
        self._directory = directory
        self._messenger = messenger

    async def to_channel(self, channel_id: str, card: dict[str, Any]) -> bool:
        """Post in a channel by id; False (and logged) when it cannot be reached."""
        return await self.post_in_channel(channel_id, card) is not None

    async def post_in_channel(self, channel_id: str, card: dict[str, Any],
                              thread: str = "") -> str | None:
        """Post (as a reply in ``thread``, if given); the new post's id, None if unreachable."""
        if not channel_id:
            return None
        known = await self._directory.by_conversation(channel_id)
        reference = known.reference if known else await self._channel_reference(channel_id)
        if reference is None:
            log.warning("channel unreachable: the bot has no conversation to derive it from")
            return None
        if thread:
            conversation = {**reference["conversation"], "id": f"{channel_id};messageid={thread}"}
            reference = {**reference, "conversation": conversation}
        try:
            return await self._messenger.post_card(reference, card) or ""
        except DeliveryFailed as failure:
            log.warning("channel delivery failed: HTTP %s", failure.status)
            return None

    async def to_person(self, aad_id: str, card: dict[str, Any]) -> bool:
        """Post in a person's personal chat with the bot; False when there is none yet."""
        chat = await self._directory.personal_chat_of(aad_id) if aad_id else None
        if chat is None:
            return False
        return await self._deliver(chat.reference, card, "personal chat")

    async def _deliver(self, reference: dict[str, Any], card: dict[str, Any], what: str) -> bool:
        try:
            await self._messenger.post_card(reference, card)
        except DeliveryFailed as failure:  # 403 (app removed), 404, or retries used up
            log.warning("%s delivery failed: HTTP %s", what, failure.status)
            return False
        return True

    async def _channel_reference(self, channel_id: str) -> dict[str, Any] | None:
        # Teams accepts a post to a channel id through the service URL of the same tenant.
        latest = await self._directory.latest()
        if latest is None:
            return None
        return {"conversation": {"id": channel_id, "conversationType": "channel",
                                 "isGroup": True, "tenantId": latest.tenant_id},
                "serviceUrl": latest.service_url, "channelId": "msteams",
                "bot": latest.reference.get("bot")}
