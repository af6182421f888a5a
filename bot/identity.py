"""Who is acting, and in which time zone and country, from what Teams sends with a turn."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity

from domain.requests import Requester


def person_id(activity: Activity) -> str:
    """The AAD object id (stable across chats) where Teams sends one, else the Teams user id."""
    sender = activity.from_property
    return sender.aad_object_id or sender.id


def requester_of(activity: Activity, default_timezone: str, default_country: str) -> Requester:
    client = next((e for e in activity.entities or [] if e.type == "clientInfo"), None)
    info = client.additional_properties if client is not None else {}
    zone = info.get("timezone")
    timezone = zone if isinstance(zone, str) and _is_zone(zone) else default_timezone
    country = info.get("country") or default_country
    if not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
        country = default_country
    return Requester(person_id(activity), activity.from_property.name or "A seller",
                     timezone, country.upper())


def _is_zone(name: object) -> bool:
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


async def email_of(turn_context: TurnContext) -> str:
    """The sender's e-mail from the Teams roster; empty when Teams will not say."""
    try:
        member = await TeamsInfo.get_member(turn_context, turn_context.activity.from_property.id)
    except Exception:  # an unknown member, a chat without roster, a connector hiccup
        return ""
    return (member.email or member.user_principal_name or "") if member else ""
