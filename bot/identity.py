"""Who is acting, and in which time zone and country, from what Teams sends with a turn."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.turn import Turn
from domain.requests import Requester


def requester_of(turn: Turn, default_timezone: str, default_country: str) -> Requester:
    zone = turn.client_timezone
    timezone = zone if _is_zone(zone) else default_timezone
    country = turn.client_country or default_country
    if not (len(country) == 2 and country.isalpha()):
        country = default_country
    return Requester(turn.actor.id, turn.actor.name or "A seller", timezone, country.upper())


def _is_zone(name: str) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
