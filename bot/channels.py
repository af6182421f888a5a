"""Posting cards into a Teams channel or a person's chat, and updating them in place, through
the outbox: each notice is written in the unit of work of the state change that causes it and
delivered afterwards by the dispatcher (bot.dispatcher)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bot.replies import card_message
from cards.delivery import create_undelivered_card
from domain.conversations import (
    CardPost,
    CardPosts,
    ConversationAddress,
    ConversationDirectory,
    base_conversation_id,
)
from domain.outbox import DEAD_LETTER_NOTICE, Kind, Notice, Outbox, OutboxItem

log = logging.getLogger(__name__)

Remember = tuple[int, str] | None  # (request id, role) to record the post under
WHAT = {Kind.POST: "A message", Kind.UPDATE: "An update of a card",
        Kind.MAIL: "An e-mail", Kind.SYNC: "A record sent to the FTOP mirror"}


class Poster:
    def __init__(self, directory: ConversationDirectory, outbox: Outbox, posts: CardPosts,
                 managers_channel_id: str = "") -> None:
        self._directory = directory
        self._outbox = outbox
        self._posts = posts
        self._managers = managers_channel_id

    async def to_channel(self, channel_id: str, card: dict[str, Any], *,
                         remember: Remember = None, thread_of: Remember = None,
                         audience: str = "", what: str = "",
                         purpose: dict[str, Any] | None = None, key: str = "") -> bool:
        """Post in a channel by id (as a reply in the thread of the post remembered as
        ``thread_of``, if it went out); False when the bot cannot address that channel.
        A ``key`` already in the outbox is not posted twice."""
        if not channel_id:
            return False
        found = await self._directory.channel_or_newest(channel_id)
        if found is None:
            log.warning("channel unreachable: the bot has no conversation to derive it from")
            return False
        reference = found.reference if found.conversation_id == channel_id \
            else _channel_reference(channel_id, found)
        await self._post(reference, card, remember=remember, thread_of=thread_of,
                         audience=audience or "a channel", what=what, purpose=purpose, key=key)
        return True

    async def to_person(self, aad_id: str, card: dict[str, Any], *, remember: Remember = None,
                        audience: str = "", what: str = "",
                        purpose: dict[str, Any] | None = None) -> bool:
        """Post in a person's personal chat with the bot; False when there is none yet."""
        chat = await self._directory.personal_chat_of(aad_id) if aad_id else None
        if chat is None:
            return False
        await self._post(chat.reference, card, remember=remember, audience=audience,
                         what=what, purpose=purpose)
        return True

    async def update(self, request_id: int, role: str, card: dict[str, Any]) -> None:
        """Replace the card posted as ``role`` for the request, once it has gone out."""
        lane = (await self.card_lanes(request_id)).get(role)
        if lane is None:
            return  # no such card: nothing to update
        await self._outbox.add(Notice(
            Kind.UPDATE, lane, {"request_id": request_id, "role": role,
                                "activity": card_message(card)},
            audience="a card's viewers"))

    async def mail(self, sender: str, to: Sequence[str], cc: Sequence[str], subject: str,
                   body: str, audience: str) -> None:
        await self._outbox.add(Notice(
            Kind.MAIL, f"mail:{sender.lower()}",
            {"sender": sender, "to": list(to), "cc": list(cc), "subject": subject,
             "body": body}, audience=audience, purpose={"what": "The assignment e-mail"}))

    async def card_lanes(self, request_id: int) -> dict[str, str]:
        """Each card about the request, by role, with the lane (conversation) it is in:
        those delivered and those still waiting in the outbox."""
        lanes = await self._outbox.pending_posts(request_id)
        for post in await self._posts.for_request(request_id):
            lanes.setdefault(post.role, base_conversation_id(post.reference["conversation"]["id"]))
        return lanes

    async def remember_card_acted_on(self, request_id: int, role: str,
                                     reference: dict[str, Any], activity_id: str) -> None:
        await self._posts.remember(CardPost(request_id, role, reference, activity_id))

    async def undelivered(self, item: OutboxItem, status: int) -> None:
        """Tell the FTA managers' channel what could not be delivered to whom."""
        what = item.notice.purpose.get("what") or WHAT.get(item.notice.kind, "A notice")
        card = create_undelivered_card(item.notice.audience, str(what), status, item.attempts)
        if not await self.to_channel(self._managers, card, audience="the FTA managers' channel",
                                     purpose={DEAD_LETTER_NOTICE: True}):
            log.error("outbox item %s is dead and the managers' channel is unreachable",
                      item.id)

    async def _post(self, reference: dict[str, Any], card: dict[str, Any], *,
                    remember: Remember, audience: str, what: str,
                    purpose: dict[str, Any] | None, thread_of: Remember = None,
                    key: str = "") -> None:
        conversation = reference["conversation"]
        payload = {"reference": reference, "activity": card_message(card),
                   "remember": list(remember) if remember else None,
                   "thread_of": list(thread_of) if thread_of else None}
        await self._outbox.add(Notice(
            Kind.POST, base_conversation_id(conversation["id"]), payload,
            tenant_id=conversation.get("tenantId") or "", audience=audience, key=key,
            purpose={**(purpose or {}), **({"what": what} if what else {})}))


def _channel_reference(channel_id: str, newest: ConversationAddress) -> dict[str, Any]:
    """Teams accepts a post to a channel id through the service URL of the same tenant."""
    return {"conversation": {"id": channel_id, "conversationType": "channel",
                             "isGroup": True, "tenantId": newest.tenant_id},
            "serviceUrl": newest.service_url, "channelId": "msteams",
            "bot": newest.reference.get("bot")}
