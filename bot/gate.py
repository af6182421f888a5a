"""Which activities the bot serves once their token is checked: a token that expires, from an
allowed channel (Teams unless told otherwise) and an allowed tenant, named the same wherever
the activity names it."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity

from settings import Settings

UNAUTHORIZED = (401, "Unauthorized")


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


def tenants_named(activity: Activity) -> list[str]:
    """The tenant ids ``activity`` carries: channelData.tenant.id and conversation.tenantId."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    named = [tenant.get("id") if isinstance(tenant, dict) else None,
             activity.conversation.tenant_id if activity.conversation else None]
    return [t for t in named if isinstance(t, str) and t]


def _expires(auth: Any) -> bool:
    """PyJWT checks ``exp`` only when the token has one: a token without it would be good
    forever, so it is refused."""
    identity = getattr(auth, "claims_identity", None)
    claims = getattr(identity, "claims", None)
    return isinstance(claims, dict) and "exp" in claims
