"""Who may do what beyond a request's own people, one rule for cards and the desk's tab: FTA
managers are the members of the FTA managers' channel, FTCHelp agents of the FTCHelp channel
(Teams' roster, bot/members.py), and admins (configured by AAD object id, `ADMIN_AAD_IDS`) are
both, from any conversation. Acting from the channel itself counts too (whoever can post there
is in it). Offers stay personal: only the FTA offered answers one, admin or not."""

from __future__ import annotations

from bot.members import ChannelMembers
from bot.turn import Turn
from domain.conversations import base_conversation_id
from domain.requests import FtaRequest


class Roles:
    def __init__(self, managers_channel_id: str, ftchelp_channel_id: str,
                 admin_ids: frozenset[str], members: ChannelMembers | None = None) -> None:
        self._managers, self._ftchelp, self._admins = (managers_channel_id, ftchelp_channel_id,
                                                       admin_ids)
        self._members = members

    def is_admin(self, turn: Turn) -> bool:
        return self.is_admin_id(_object_id(turn))

    def is_admin_id(self, object_id: str) -> bool:
        return bool(object_id) and object_id.lower() in self._admins

    async def may_manage(self, turn: Turn) -> bool:
        """Assign by hand, see the roster and the balancer's reasons, edit capacity."""
        return self._in(turn, self._managers) or await self.is_manager(_object_id(turn))

    async def may_work_tickets(self, turn: Turn) -> bool:
        """Take and answer FTCHelp tickets."""
        return self._in(turn, self._ftchelp) or await self.is_ftchelp(_object_id(turn))

    async def is_manager(self, object_id: str) -> bool:
        """An admin, or a member of the FTA managers' channel."""
        return self.is_admin_id(object_id) or await self._is_member(self._managers, object_id)

    async def is_ftchelp(self, object_id: str) -> bool:
        """An admin, or a member of the FTCHelp channel."""
        return self.is_admin_id(object_id) or await self._is_member(self._ftchelp, object_id)

    async def ftchelp_agents(self) -> dict[str, str]:
        """The FTCHelp channel's members, AAD object id to name."""
        return await self._members.of(self._ftchelp) if self._members is not None else {}

    def may_see(self, turn: Turn, request: FtaRequest) -> bool:
        """See a request's status: its seller, or an admin."""
        return request.is_owned_by(turn.actor.id) or self.is_admin(turn)

    async def _is_member(self, channel_id: str, object_id: str) -> bool:
        if self._members is None or not channel_id or not object_id:
            return False
        return await self._members.is_member(channel_id, object_id)

    @staticmethod
    def _in(turn: Turn, channel_id: str) -> bool:
        return bool(channel_id) and base_conversation_id(turn.place.conversation_id) == channel_id


def _object_id(turn: Turn) -> str:
    return turn.actor.aad_object_id.lower()
