"""Posting cards into a Teams channel or a person's chat, from a turn or from the worker."""

from __future__ import annotations

import logging
from typing import Any

from bot.messenger import DeliveryFailed, Messenger
from domain.conversations import CardPost, CardPosts, ConversationDirectory

log = logging.getLogger(__name__)


Remember = tuple[int, str] | None  # (request id, role) to record the post under


class Poster:
    def __init__(self, directory: ConversationDirectory, messenger: Messenger,
                 posts: CardPosts) -> None:
        self._directory = directory
        self._messenger = messenger
        self._posts = posts

    async def to_channel(self, channel_id: str, card: dict[str, Any],
                         remember: Remember = None) -> bool:
        """Post in a channel by id; False (and logged) when it cannot be reached."""
        return await self.post_in_channel(channel_id, card, remember=remember) is not None

    async def post_in_channel(self, channel_id: str, card: dict[str, Any], thread: str = "",
                              remember: Remember = None) -> str | None:
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
            posted = await self._messenger.post_card(reference, card) or ""
        except DeliveryFailed as failure:
            log.warning("channel delivery failed: HTTP %s", failure.status)
            return None
        await self._remember(remember, reference, posted)
        return posted

    async def to_person(self, aad_id: str, card: dict[str, Any],
                        remember: Remember = None) -> bool:
        """Post in a person's personal chat with the bot; False when there is none yet."""
        chat = await self._directory.personal_chat_of(aad_id) if aad_id else None
        if chat is None:
            return False
        try:
            posted = await self._messenger.post_card(chat.reference, card)
        except DeliveryFailed as failure:  # 403 (app removed), 404, or retries used up
            log.warning("personal chat delivery failed: HTTP %s", failure.status)
            return False
        await self._remember(remember, chat.reference, posted or "")
        return True

    async def update(self, post: CardPost, card: dict[str, Any]) -> bool:
        """Replace an earlier card in place; False (logged) when Teams would not."""
        try:
            await self._messenger.update_card(post.reference, post.activity_id, card)
        except DeliveryFailed as failure:
            log.warning("card update failed: HTTP %s", failure.status)
            return False
        return True

    async def remember_card_acted_on(self, request_id: int, role: str,
                                     reference: dict[str, Any], activity_id: str) -> None:
        await self._remember((request_id, role), reference, activity_id)

    async def posts_for(self, request_id: int) -> list[CardPost]:
        return await self._posts.for_request(request_id)

    async def _remember(self, remember: Remember, reference: dict[str, Any],
                        activity_id: str) -> None:
        if remember is not None and activity_id:
            await self._posts.remember(CardPost(remember[0], remember[1], reference,
                                                activity_id))

    async def _channel_reference(self, channel_id: str) -> dict[str, Any] | None:
        # Teams accepts a post to a channel id through the service URL of the same tenant.
        latest = await self._directory.latest()
        if latest is None:
            return None
        return {"conversation": {"id": channel_id, "conversationType": "channel",
                                 "isGroup": True, "tenantId": latest.tenant_id},
                "serviceUrl": latest.service_url, "channelId": "msteams",
                "bot": latest.reference.get("bot")}
