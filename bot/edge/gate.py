"""Which activities the bot serves once their token is checked: a token that expires, from an
allowed channel (Teams unless told otherwise) and an allowed tenant, named the same wherever
the activity names it, with ids no longer than Teams uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botbuilder.schema import Activity

from settings import Settings

UNAUTHORIZED = (401, "Unauthorized")
# Bytes of UTF-8 allowed per id, far above what Teams sends (a personal chat's id can reach
# 450 characters). They are stored in indexed columns, and PostgreSQL refuses an index entry
# over 2,704 bytes: the audit log's key (conversation id, then activity id, type and name)
# stays below that with these.
ID_LIMITS: tuple[tuple[str, int, Callable[[Activity], Any]], ...] = (
    ("conversation.id", 1024, lambda a: a.conversation.id),
    ("conversation.tenantId", 512, lambda a: a.conversation.tenant_id),
    ("id", 512, lambda a: a.id), ("replyToId", 512, lambda a: a.reply_to_id),
    ("type", 128, lambda a: a.type), ("name", 128, lambda a: a.name),
    ("channelId", 128, lambda a: a.channel_id), ("serviceUrl", 1024, lambda a: a.service_url),
    ("from.id", 512, lambda a: a.from_property.id),
    ("from.aadObjectId", 512, lambda a: a.from_property.aad_object_id),
    ("recipient.id", 512, lambda a: a.recipient.id),
    ("channelData.tenant.id", 512, lambda a: _channel_data_id(a, "tenant")),
    ("channelData.team.id", 1024, lambda a: _channel_data_id(a, "team")))


def refusal(activity: Activity, auth: Any, settings: Settings) -> tuple[int, str] | None:
    """The status and reason to refuse ``activity`` with, or None to serve it."""
    if not settings.anonymous and not _expires(auth):
        return UNAUTHORIZED
    if (activity.channel_id or "").lower() not in settings.allowed_channel_ids:
        return 403, "Channel not allowed"
    tenants = {t.lower() for t in tenants_named(activity)}
    if len(tenants) > 1:
        return 403, "Tenant named twice, differently"
    allowed = {t.lower() for t in settings.allowed_tenant_ids}
    if allowed and not tenants & allowed:
        return 403, "Tenant not allowed"
    return None


def overlong(activity: Activity) -> tuple[str, int] | None:
    """The first id of ``activity`` longer than its limit, and that limit; None if none is."""
    for name, limit, read in ID_LIMITS:
        value = read(activity)
        if isinstance(value, str) and len(value.encode("utf-8", "replace")) > limit:
            return name, limit
    return None


def _channel_data_id(activity: Activity, key: str) -> Any:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    found = data.get(key)
    return found.get("id") if isinstance(found, dict) else None


def tenants_named(activity: Activity) -> list[str]:
    """The tenant ids ``activity`` carries: channelData.tenant.id and conversation.tenantId."""
    named = [_channel_data_id(activity, "tenant"), activity.conversation.tenant_id]
    return [t for t in named if isinstance(t, str) and t]


def _expires(auth: Any) -> bool:
    """PyJWT checks ``exp`` only when the token has one: a token without it would be good
    forever, so it is refused."""
    identity = getattr(auth, "claims_identity", None)
    claims = getattr(identity, "claims", None)
    return isinstance(claims, dict) and "exp" in claims
