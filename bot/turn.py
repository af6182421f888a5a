"""What a journey needs of a turn: who acts, where, what they sent, and a way to answer.

The edge builds one from the SDK's turn (bot/edge/turn.py, from botbuilder's TurnContext);
journeys see only this, so they never import an SDK and a move to another one rewrites the
edge alone. As small as what the journeys use, not a copy of TurnContext."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

# An outgoing activity as the Bot Connector's JSON (replies.card_message builds one).
Message = dict[str, Any]


@dataclass(frozen=True)
class Actor:
    """Who is acting."""

    id: str  # the AAD object id (stable across chats) where Teams sends one, else the Teams id
    teams_id: str
    aad_object_id: str
    name: str


@dataclass(frozen=True)
class Place:
    """Where the turn happens: the conversation as Teams names it."""

    conversation_id: str  # a channel thread's carries ";messageid=…"
    kind: str  # personal, groupChat or channel ("" when Teams does not say)


@dataclass(frozen=True)
class SentFile:
    """A file the user sent the bot (Teams' file.download.info attachment)."""

    name: str | None
    content_url: str
    download_url: str


class Turn(Protocol):
    @property
    def actor(self) -> Actor: ...

    @property
    def place(self) -> Place: ...

    @property
    def text(self) -> str:
        """The message's text as sent ("" for an invoke)."""

    @property
    def files(self) -> tuple[SentFile, ...]: ...

    @property
    def reply_to_id(self) -> str:
        """The activity acted on (the card whose button was pressed); "" if none."""

    @property
    def client_timezone(self) -> str:
        """The IANA time zone the client reports (its clientInfo entity); "" if none."""

    @property
    def client_country(self) -> str:
        """The country the client reports; "" if none."""

    def reference(self, with_activity_id: bool = False) -> dict[str, Any]:
        """The conversation reference (Bot Framework JSON), to write back here later."""

    async def send(self, message: str | Message) -> str:
        """Send a message into the turn's conversation; the id Teams gave it ("" if none)."""

    async def sender_email(self) -> str:
        """The actor's e-mail from the Teams roster; "" when Teams will not say."""


class UserProperty(Protocol):
    """One value kept per user across turns and instances (the edge keeps it in the SDK's
    user state)."""

    async def get(self, turn: Turn) -> Any:
        """The actor's value; None if none was kept."""

    async def set(self, turn: Turn, value: Any) -> None:
        """Keep ``value`` for the actor now, over a write made meanwhile elsewhere."""
