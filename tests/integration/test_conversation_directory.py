"""The directory's one read for a channel post: the channel's own address when the bot has
one, however old; else the newest address of any conversation; else none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.conversations import CHANNEL, PERSONAL, ConversationAddress
from storage.conversations import SqlConversationDirectory
from storage.database import Database

CHANNEL_ID = "19:account-team@thread.tacv2"
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def address(conversation_id: str, kind: str, minutes: int) -> ConversationAddress:
    return ConversationAddress(
        conversation_id, kind, "tenant-1", f"https://smba.example/{conversation_id}/",
        START + timedelta(minutes=minutes),
        reference={"conversation": {"id": conversation_id}, "bot": {"id": "28:bot"}})


async def test_channel_or_newest(database: Database) -> None:
    directory = SqlConversationDirectory(database)
    assert await directory.channel_or_newest(CHANNEL_ID) is None

    for conversation_id, minutes in (("a:seller-1", 5), ("a:seller-2", 30), ("a:seller-3", 10)):
        await directory.remember(address(conversation_id, PERSONAL, minutes))
    newest = await directory.channel_or_newest(CHANNEL_ID)
    assert newest is not None and newest.conversation_id == "a:seller-2"

    await directory.remember(address(CHANNEL_ID, CHANNEL, 1))  # older than every chat
    own = await directory.channel_or_newest(CHANNEL_ID)
    assert own is not None and own.conversation_id == CHANNEL_ID
    assert own.service_url == f"https://smba.example/{CHANNEL_ID}/"
