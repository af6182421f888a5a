"""Who is in a channel, as Teams' roster says: FTA managers are the members of their channel,
FTCHelp agents of theirs (bot/roles.py, bot/desk_auth.py). A standard channel's members are its
team's (the team id from the stored conversation reference); a private or shared channel has
its own roster. Read through the Bot Connector and kept for a while (ROLES_CACHE_SECONDS): a
tab polling every 5 s must not ask Teams every time."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from domain.conversations import ConversationAddress

log = logging.getLogger(__name__)
RETRY_SECONDS = 30.0  # after a failed read: try again this soon, not at the end of the TTL
OWN_ROSTER = frozenset({"private", "shared"})
Members = dict[str, str]  # AAD object id (lower case) -> display name


class Directory(Protocol):
    async def channel_or_newest(self, channel_id: str) -> ConversationAddress | None: ...


class Roster(Protocol):
    async def members(self, service_url: str, conversation_id: str,
                      timeout_seconds: float | None = None) -> list[dict[str, Any]]: ...


class ChannelMembers:
    def __init__(self, directory: Directory, roster: Roster, ttl_seconds: float = 600.0,
                 clock: Callable[[], float] = time.monotonic,
                 timeout_seconds: float = 5.0) -> None:
        self._directory, self._roster = directory, roster
        self._ttl, self._clock, self._timeout = ttl_seconds, clock, timeout_seconds
        self._kept: dict[str, tuple[float, Members]] = {}
        self._reads: dict[str, asyncio.Task[Members]] = {}

    async def of(self, channel_id: str) -> Members:
        """The channel's members; {} when the bot cannot tell (no channel, Teams away and
        nothing kept), so that nobody gains a role from an error."""
        if not channel_id:
            return {}
        kept = self._kept.get(channel_id)
        if kept is not None and self._clock() < kept[0]:
            return kept[1]
        read = self._reads.get(channel_id)
        if read is None or read.done():  # one read for every request waiting on it
            read = self._reads[channel_id] = asyncio.ensure_future(self._read(channel_id))
        return await asyncio.shield(read)

    async def is_member(self, channel_id: str, aad_id: str) -> bool:
        return bool(aad_id) and aad_id.lower() in await self.of(channel_id)

    async def _read(self, channel_id: str) -> Members:
        kept = self._kept.get(channel_id)
        try:
            members = await self._fetch(channel_id)
        except Exception as error:  # Teams away, throttled, the bot removed from the team
            log.warning("channel roster not read (%s)%s", type(error).__name__,
                        "; the one read earlier stays in use" if kept else "")
            members = kept[1] if kept else {}
            self._kept[channel_id] = (self._clock() + RETRY_SECONDS, members)
            return members
        self._kept[channel_id] = (self._clock() + self._ttl, members)
        return members

    async def _fetch(self, channel_id: str) -> Members:
        address = await self._directory.channel_or_newest(channel_id)
        if address is None:
            raise LookupError("no conversation to reach Teams through")
        roster_id = _roster_of(channel_id, address)
        found = await self._roster.members(address.service_url, roster_id, self._timeout)
        return {str(member["aadObjectId"]).lower(): str(member.get("name") or "")
                for member in found if member.get("aadObjectId")}


def _roster_of(channel_id: str, address: ConversationAddress) -> str:
    """Whose roster to read: the team's for a standard channel, the channel's own for a
    private or shared one (or when the bot knows no team for it)."""
    if address.conversation_id != channel_id or not address.team_id:
        return channel_id
    membership = str(address.reference.get("conversation", {}).get("membershipType") or "")
    return channel_id if membership.lower() in OWN_ROSTER else address.team_id

