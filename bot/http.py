"""HTTP edge: /api/messages with strict input checks and Bot Framework authentication."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from msrest.exceptions import DeserializationError

from bot.addresses import tenant_of
from bot.telemetry import Metrics, correlated
from settings import Settings

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024
FREE_FORM = ("value", "channelData")
adapter_key = web.AppKey("adapter", CloudAdapter)
bot_key = web.AppKey("bot", Bot)
settings_key = web.AppKey("settings", Settings)
metrics_key = web.AppKey("metrics", Metrics)


def problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def messages(request: web.Request) -> web.Response:
    """Receive one activity from the Bot Framework channel and run a turn."""
    if request.content_type != "application/json":
        return problem(415, "Content-Type must be application/json")
    if (request.content_length or 0) > MAX_BODY:
        return problem(413, f"Body larger than {MAX_BODY} bytes")
    try:
        body: Any = await request.json()
    except web.HTTPRequestEntityTooLarge:
        return problem(413, f"Body larger than {MAX_BODY} bytes")
    except ValueError:
        return problem(400, "Body is not valid JSON")
    activity = _activity(body)
    if activity is None:
        return problem(400, "Body is not a Bot Framework activity")
    adapter = request.app[adapter_key]
    try:
        auth = await adapter.bot_framework_authentication.authenticate_request(
            activity, request.headers.get("Authorization", ""))
    except Exception as error:  # botbuilder raises many types for a bad token; all mean 401
        log.warning("rejected activity: %s", type(error).__name__)
        return problem(401, "Unauthorized")
    allowed = request.app[settings_key].allowed_tenant_ids
    if allowed and tenant_of(activity) not in allowed:
        log.warning("refused an activity from a tenant that is not allowed")
        return problem(403, "Tenant not allowed")
    with correlated(activity.id or ""), request.app[metrics_key].turn(activity.type or ""):
        response = await adapter.process_activity(auth, activity,
                                                  request.app[bot_key].on_turn)
    if response is None:
        return web.Response(status=201)
    return web.json_response(response.body, status=response.status)


def _activity(body: Any) -> Activity | None:
    """The activity in ``body``, or None when its envelope is not one Teams would send."""
    if not _is_envelope(body):
        return None
    # A card's data (value) and channelData are free-form JSON: msrest would walk and copy
    # them value by value. They are set aside, the envelope deserialized, then put back as is.
    shell = {key: value for key, value in body.items() if key not in FREE_FORM}
    try:
        activity = Activity().deserialize(shell)
    except (DeserializationError, TypeError, ValueError, AttributeError):
        return None
    activity.value = body.get("value")
    activity.channel_data = body.get("channelData")
    return activity


def _is_envelope(body: Any) -> bool:
    # msrest coerces silently (7 becomes "7"), so the raw shape is checked first.
    if not isinstance(body, dict):
        return False
    conversation, sender = body.get("conversation"), body.get("from")
    return (_text(body.get("type")) and _text(body.get("serviceUrl"))
            and isinstance(conversation, dict) and _text(conversation.get("id"))
            and isinstance(sender, dict) and _text(sender.get("id")))


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
