"""Turn an incoming activity into the address the bot can later write back to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botbuilder.schema import Activity

from domain.conversations import PERSONAL, ConversationAddress, base_conversation_id


def reference_json(activity: Activity, with_activity_id: bool = False) -> dict[str, Any]:
    """The conversation reference of ``activity`` as botbuilder serializes it (what
    TurnContext.get_conversation_reference gives), built directly: msrest's serializer cost
    more than the rest of a simple turn. Without display names or the chat's title: sending
    needs only ids, and a reference is kept for as long as its person uses the bot."""
    conversation = activity.conversation
    reference = {
        "user": _account(activity.from_property), "bot": _account(activity.recipient),
        "conversation": _present({"id": conversation.id,
                                  "conversationType": conversation.conversation_type,
                                  "isGroup": conversation.is_group,
                                  "tenantId": conversation.tenant_id}),
        "channelId": activity.channel_id, "locale": activity.locale,
        "serviceUrl": activity.service_url,
        "activityId": activity.id if with_activity_id else None}
    return _present(reference)


def _account(account: Any) -> dict[str, Any] | None:
    if account is None:
        return None
    return _present({"id": account.id,
                     "aadObjectId": account.aad_object_id, "role": account.role})


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def tenant_of(activity: Activity) -> str:
    return _channel_id(activity, "tenant") or (activity.conversation.tenant_id or "")


def _channel_id(activity: Activity, key: str) -> str:
    """The id of channelData's ``key`` object (tenant, team): "" when either is absent or of
    another shape (channelData is free-form JSON, set aside from msrest's checks)."""
    data = activity.channel_data
    found = data.get(key) if isinstance(data, dict) else None
    identifier = found.get("id") if isinstance(found, dict) else None
    return identifier if isinstance(identifier, str) else ""


def _membership_type(activity: Activity) -> str:
    """A channel's membership type as Teams names it in channelData.channel (standard,
    private, shared); "" when Teams does not say."""
    data = activity.channel_data
    channel = data.get("channel") if isinstance(data, dict) else None
    if not isinstance(channel, dict):
        return ""
    found = channel.get("membershipType") or channel.get("type")
    return found.lower() if isinstance(found, str) and len(found) <= 20 else ""


def address_of(activity: Activity, now: datetime) -> ConversationAddress:
    conversation = activity.conversation
    kind = conversation.conversation_type or PERSONAL
    personal = kind == PERSONAL
    reference = reference_json(activity)
    reference["conversation"]["id"] = base_conversation_id(conversation.id)
    membership = _membership_type(activity)
    if membership:  # whose roster is the channel's: its team's (standard) or its own
        reference["conversation"]["membershipType"] = membership
    return ConversationAddress(
        conversation_id=base_conversation_id(conversation.id),
        kind=kind,
        tenant_id=tenant_of(activity),
        service_url=activity.service_url or "",
        updated_at=now,
        user_aad_id=(activity.from_property.aad_object_id or "") if personal else "",
        user_id=activity.from_property.id if personal else "",
        team_id=_channel_id(activity, "team"),
        reference=reference,
    )
