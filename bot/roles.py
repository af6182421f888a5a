"""Who may do what beyond a request's own people: FTA managers act from their channel, the
FTCHelp team from theirs, and admins (configured by AAD object id, `ADMIN_AAD_IDS`) from any
conversation. Offers stay personal: only the FTA offered answers one, admin or not."""

from __future__ import annotations

from botbuilder.schema import Activity

from bot.addresses import base_conversation_id
from bot.identity import person_id
from domain.requests import FtaRequest


class Roles:
    def __init__(self, managers_channel_id: str, ftchelp_channel_id: str,
                 admin_ids: frozenset[str]) -> None:
        self._managers, self._ftchelp, self._admins = (managers_channel_id, ftchelp_channel_id,
                                                       admin_ids)

    def is_admin(self, activity: Activity) -> bool:
        sender = activity.from_property
        object_id = (sender.aad_object_id or "").lower() if sender else ""
        return bool(object_id) and object_id in self._admins

    def may_manage(self, activity: Activity) -> bool:
        """Assign by hand, see the roster and the balancer's reasons, edit capacity."""
        return self._in(activity, self._managers) or self.is_admin(activity)

    def may_work_tickets(self, activity: Activity) -> bool:
        """Take and answer FTCHelp tickets."""
        return self._in(activity, self._ftchelp) or self.is_admin(activity)

    def may_see(self, activity: Activity, request: FtaRequest) -> bool:
        """See a request's status: its seller, or an admin."""
        return request.is_owned_by(person_id(activity)) or self.is_admin(activity)

    @staticmethod
    def _in(activity: Activity, channel_id: str) -> bool:
        conversation = activity.conversation.id if activity.conversation else ""
        return bool(channel_id) and base_conversation_id(conversation or "") == channel_id
