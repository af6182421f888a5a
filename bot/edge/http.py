"""HTTP edge: /api/messages with strict input checks and Bot Framework authentication."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from msrest.exceptions import DeserializationError

from bot.edge.admission import Admission, Busy
from bot.edge.gate import overlong, refusal
from bot.ownership import request_id_of
from bot.replies import message_invoke
from bot.telemetry import Metrics, correlated, turn_outcome
from domain.conversations import base_conversation_id
from domain.operations import ActivityLog, Entry
from settings import Settings

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024
FREE_FORM = ("value", "channelData")
MAX_NAME = 256  # characters of a display name in Entra ID
adapter_key = web.AppKey("adapter", CloudAdapter)
bot_key = web.AppKey("bot", Bot)
settings_key = web.AppKey("settings", Settings)
metrics_key = web.AppKey("metrics", Metrics)
activity_log_key = web.AppKey("activity_log", ActivityLog)
admission_key = web.AppKey("admission", Admission)
# The app's clock: the audit log's times are read by the retention purge, which runs on it.
Clock = Callable[[], datetime]
clock_key: web.AppKey[Clock] = web.AppKey("clock")
STILL_WORKING = message_invoke("Still working on that; the card will update when it is done.")
UNAVAILABLE = message_invoke("I can't reach my records right now, so nothing was changed and "
                             "nothing you typed was lost. Please press the button again in a "
                             "moment.")
BUSY = message_invoke("I'm handling a lot of requests right now, so nothing was changed and "
                      "nothing you typed was lost. Please press the button again in a moment.")
RETRY_AFTER_SECONDS = "5"


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
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json can read
        return problem(400, "Body is not valid JSON")
    activity = _activity(body)
    if activity is None:
        return problem(400, "Body is not a Bot Framework activity")
    try:
        auth = await request.app[adapter_key].bot_framework_authentication.authenticate_request(
            activity, request.headers.get("Authorization", ""))
    except Exception as error:  # botbuilder raises many types for a bad token; all mean 401
        log.warning("rejected activity: %s", type(error).__name__)
        return problem(401, "Unauthorized")
    refused = refusal(activity, auth, request.app[settings_key])
    if refused is not None:
        log.warning("refused an activity: %s", refused[1])
        return problem(*refused)
    too_long = overlong(activity)
    if too_long is not None:
        log.warning("refused an activity: its %s is longer than %d bytes", *too_long)
        return _too_long(activity, *too_long)
    with correlated(activity.id or ""), request.app[metrics_key].turn(activity.type or ""):
        try:
            async with request.app[admission_key].turn():
                return await _once(request, activity, auth)
        except Busy:
            log.warning("turn refused: too many waiting", extra={"activity_id": activity.id})
            return _unavailable(activity, BUSY)
        except Exception:  # the database is out of reach, say: nothing was done
            log.exception("turn could not run", extra={"activity_id": activity.id})
            turn_outcome.set("failed")
            return _unavailable(activity)


def _too_long(activity: Activity, name: str, limit: int) -> web.Response:
    """Teams never sends such an id: nothing is done, and an invoke is still answered 200."""
    if activity.type == "invoke":
        return web.json_response(message_invoke(
            f"This activity carries an id longer than Teams uses ({name}, over {limit} bytes), "
            "so I did not act on it. Nothing was changed."))
    return problem(400, f"{name} is longer than {limit} bytes")


def _unavailable(activity: Activity, answer: dict[str, Any] = UNAVAILABLE) -> web.Response:
    """A turn that could not run: an invoke is answered 200 all the same, as Teams expects,
    with a message to try again; anything else 503, and Teams delivers it again later."""
    if activity.type == "invoke":
        return web.json_response(answer)
    return web.Response(status=503, headers={"Retry-After": RETRY_AFTER_SECONDS})


async def _once(request: web.Request, activity: Activity, auth: Any) -> web.Response:
    """Run the turn, unless Teams already delivered this activity: then answer as before."""
    activities = request.app[activity_log_key]
    entry = entry_of(activity)
    if entry is not None:
        before = await activities.claim(entry, request.app[clock_key]())
        if before is not None:
            log.info("activity delivered again; not run twice (first one: %s)", before.outcome)
            if activity.type == "invoke":
                return web.json_response(before.response or STILL_WORKING)
            return web.Response(status=201)
    try:
        response = await request.app[adapter_key].process_activity(
            auth, activity, request.app[bot_key].on_turn)
    except BaseException:
        if entry is not None:  # a retry may run it again
            await activities.release(entry)
        raise
    if turn_outcome.get() == "failed" and activity.type == "invoke" and (
            response is None or response.body is None):
        # The turn broke before the bot answered (botbuilder would say 501): not run, then.
        if entry is not None:
            await activities.release(entry)
        return _unavailable(activity)
    body = response.body if response is not None else None
    if entry is not None:
        try:
            await activities.finish(entry, turn_outcome.get(),
                                    body if isinstance(body, dict) else None,
                                    request.app[clock_key]())
        except Exception:  # the turn's work is done and committed: answer it all the same
            log.exception("activity log not finished", extra={"activity_id": activity.id})
    if response is None:
        return web.Response(status=201)
    return web.json_response(body, status=response.status)


def entry_of(activity: Activity) -> Entry | None:
    """The audit line of an activity: who, what, on which request. No text: it may hold
    customer data."""
    if not activity.id:
        return None
    action, subject = activity.type or "", None
    if activity.type == "invoke":
        action = activity.name or "invoke"
        value: dict[str, Any] = activity.value if isinstance(activity.value, dict) else {}
        card: dict[str, Any] = value["action"] if isinstance(value.get("action"), dict) else {}
        data: dict[str, Any] = card["data"] if isinstance(card.get("data"), dict) else {}
        if isinstance(card.get("verb"), str):
            action = card["verb"]
        subject = request_id_of(data)
    sender = activity.from_property
    # A retry repeats the activity whole; an id reused for another kind of activity is not one.
    key = f"{activity.id}|{activity.type}|{activity.name or ''}"
    # A forged card may name any verb; ours are short, and the column is sized for them.
    return Entry(base_conversation_id(activity.conversation.id), key,
                 (sender.aad_object_id or sender.id or "") if sender else "", action[:80],
                 subject)


def _activity(body: Any) -> Activity | None:
    """The activity in ``body``, or None when its envelope is not one Teams would send."""
    if not _is_envelope(body):
        return None
    # A card's data (value) and channelData are free-form JSON: msrest would walk and copy
    # them value by value. They are set aside, the envelope deserialized, then put back as is.
    shell = {key: value for key, value in body.items() if key not in FREE_FORM}
    try:
        activity = Activity().deserialize(shell)
    except (DeserializationError, TypeError, ValueError, AttributeError, RecursionError):
        return None
    activity.value = body.get("value")
    if activity.from_property.name:  # kept and shown on cards: no longer than Entra allows
        activity.from_property.name = activity.from_property.name[:MAX_NAME]
    # Teams names the tenant conversation.tenantId; botbuilder's schema reads tenantID.
    tenant = body["conversation"].get("tenantId")
    if isinstance(tenant, str) and tenant:
        activity.conversation.tenant_id = tenant
    data = body.get("channelData")  # an object whenever Teams sends one
    activity.channel_data = data if isinstance(data, dict) else {}
    return activity


def _is_envelope(body: Any) -> bool:
    # msrest coerces silently (7 becomes "7"), so the raw shape is checked first.
    if not isinstance(body, dict):
        return False
    conversation, sender, bot = body.get("conversation"), body.get("from"), body.get("recipient")
    return (_text(body.get("type")) and _text(body.get("serviceUrl"))
            and isinstance(conversation, dict) and _text(conversation.get("id"))
            and isinstance(sender, dict) and _text(sender.get("id"))
            and isinstance(bot, dict) and _text(bot.get("id")))


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
