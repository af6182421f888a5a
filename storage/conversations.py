"""Conversation references, kept current on every turn so proactive notices can reach anyone."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import asdict
from typing import Any

from sqlalchemy import Select, bindparam, or_, select

from domain.conversations import PERSONAL, CardPost, ConversationAddress
from storage.database import Database
from storage.tables import card_posts
from storage.tables import conversation_references as table
from storage.upsert import upsert

_NEWEST = select(table).order_by(table.c.updated_at.desc()).limit(1)
_BY_CONVERSATION = _NEWEST.where(table.c.conversation_id == bindparam("conversation_id"))
# One read for a channel post: the channel's own row first, else the newest row (both by
# index: the key, ix_conversation_references_updated).
_IS_CHANNEL = table.c.conversation_id == bindparam("conversation_id")
_NEWEST_ID = _NEWEST.with_only_columns(table.c.conversation_id).scalar_subquery()
_CHANNEL_OR_NEWEST = (select(table).where(or_(_IS_CHANNEL, table.c.conversation_id == _NEWEST_ID))
                      .order_by(_IS_CHANNEL.desc()).limit(1))
_PERSONAL_CHAT = _NEWEST.where(table.c.user_aad_id == bindparam("user_aad_id"),
                               table.c.kind == PERSONAL)
_POSTS = select(card_posts).where(card_posts.c.request_id == bindparam("request_id"))
_POST = _POSTS.where(card_posts.c.role == bindparam("role"))


class SqlConversationDirectory:
    """Every turn reports where it came from; the row is written only when something in it
    changed, or an hour after this process last wrote it (so `latest` stays fresh)."""

    REWRITE_SECONDS = 3600.0
    KEPT = 10_000  # conversations whose last write this process remembers

    def __init__(self, database: Database) -> None:
        self._database = database
        # Conversation id -> (hash of what was written, when). The hash, not the values:
        # those kept 1 KB a conversation alive, 10 MB at the cap (the soak's slow climb).
        self._written: OrderedDict[str, tuple[int, float]] = OrderedDict()

    async def remember(self, address: ConversationAddress) -> None:
        reference = address.reference
        fingerprint = hash((address.kind, address.tenant_id, address.service_url,
                            address.user_aad_id, address.user_id, address.team_id,
                            repr(reference.get("bot")), repr(reference.get("user")),
                            repr(reference.get("conversation")), reference.get("locale")))
        known = self._written.get(address.conversation_id)
        now = time.monotonic()
        if known is not None and known[0] == fingerprint and now - known[1] < self.REWRITE_SECONDS:
            return
        statement = upsert(self._database.dialect, table, asdict(address), ["conversation_id"])
        async with self._database.begin() as connection:
            await connection.execute(*statement)
        self._written[address.conversation_id] = (fingerprint, now)
        self._written.move_to_end(address.conversation_id)
        if len(self._written) > self.KEPT:
            self._written.popitem(last=False)

    async def by_conversation(self, conversation_id: str) -> ConversationAddress | None:
        return await self._one(_BY_CONVERSATION, conversation_id=conversation_id)

    async def personal_chat_of(self, user_aad_id: str) -> ConversationAddress | None:
        return await self._one(_PERSONAL_CHAT, user_aad_id=user_aad_id)

    async def channel_or_newest(self, channel_id: str) -> ConversationAddress | None:
        return await self._one(_CHANNEL_OR_NEWEST, conversation_id=channel_id)

    async def _one(self, query: Select[Any], **values: str) -> ConversationAddress | None:
        async with self._database.connect() as connection:
            row = (await connection.execute(query, values)).mappings().first()
        return ConversationAddress(**row) if row else None


class SqlCardPosts:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def remember(self, post: CardPost) -> None:
        values = asdict(post)
        statement = upsert(self._database.dialect, card_posts, values, ["request_id", "role"])
        async with self._database.begin() as connection:
            await connection.execute(*statement)

    async def for_request(self, request_id: int) -> list[CardPost]:
        async with self._database.connect() as connection:
            rows = (await connection.execute(_POSTS, {"request_id": request_id})).mappings()
            return [CardPost(**row) for row in rows]

    async def get(self, request_id: int, role: str) -> CardPost | None:
        async with self._database.connect() as connection:
            row = (await connection.execute(_POST, {"request_id": request_id, "role": role})
                   ).mappings().first()
        return CardPost(**row) if row is not None else None
