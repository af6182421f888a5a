"""Where the bot can reach people and channels later: every notification is proactive."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

PERSONAL = "personal"
GROUP_CHAT = "groupChat"
CHANNEL = "channel"


def base_conversation_id(conversation_id: str) -> str:
    """A channel thread's id carries ';messageid=...'; the channel itself is what we keep."""
    return conversation_id.split(";", 1)[0]


@dataclass(frozen=True)
class ConversationAddress:
    """A conversation the bot has seen, with the opaque channel reference to resume it."""

    conversation_id: str
    kind: str
    tenant_id: str
    service_url: str
    updated_at: datetime
    user_aad_id: str = ""
    user_id: str = ""
    team_id: str = ""
    reference: dict[str, Any] = field(default_factory=dict)


class ConversationDirectory(Protocol):
    async def remember(self, address: ConversationAddress) -> None: ...

    async def personal_chat_of(self, user_aad_id: str) -> ConversationAddress | None: ...

    async def channel_or_newest(self, channel_id: str) -> ConversationAddress | None:
        """The channel's own address if the bot has one; else the newest address of any
        conversation (a post to a channel goes through its tenant's service URL)."""
        ...


@dataclass(frozen=True)
class CardPost:
    """A card the bot posted about a request, so it can be updated in place later."""

    request_id: int
    role: str  # "seller", "ticket", "offer-<id>"
    reference: dict[str, Any]
    activity_id: str


class CardPosts(Protocol):
    async def remember(self, post: CardPost) -> None: ...

    async def for_request(self, request_id: int) -> list[CardPost]: ...

    async def get(self, request_id: int, role: str) -> CardPost | None: ...
