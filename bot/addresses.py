"""Turn an incoming activity into the address the bot can later write back to."""

from __future__ import annotations

from datetime import datetime

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from domain.conversations import PERSONAL, ConversationAddress


def base_conversation_id(conversation_id: str) -> str:
    """A channel thread's id carries ';messageid=...'; the channel itself is what we keep."""
    return conversation_id.split(";", 1)[0]


def tenant_of(activity: Activity) -> str:
    tenant = (activity.channel_data or {}).get("tenant") or {}
    return tenant.get("id") or (activity.conversation.tenant_id or "")


def address_of(activity: Activity, now: datetime) -> ConversationAddress:
    conversation = activity.conversation
    kind = conversation.conversation_type or PERSONAL
    personal = kind == PERSONAL
    reference = TurnContext.get_conversation_reference(activity)
    reference.conversation.id = base_conversation_id(conversation.id)
    reference.activity_id = None
    team = (activity.channel_data or {}).get("team") or {}
    return ConversationAddress(
        conversation_id=base_conversation_id(conversation.id),
        kind=kind,
        tenant_id=tenant_of(activity),
        service_url=activity.service_url or "",
        updated_at=now,
        user_aad_id=(activity.from_property.aad_object_id or "") if personal else "",
        user_id=activity.from_property.id if personal else "",
        team_id=team.get("id", ""),
        reference=reference.serialize(),
    )
