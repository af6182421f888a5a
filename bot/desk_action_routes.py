"""The managers' desk acting over HTTP: the tab's buttons call these routes, which call the
same service as the cards (bot/desk_actions.py), so the rules, the audit line and the notices
are the cards' own. Each answers 200 {"message"} or 400/403/404/409 {"error"} saying why;
who acts comes from the SSO token (401 without one), never from the body.

A body must be JSON sent as application/json: a page on another site cannot send that without
a CORS preflight this app never answers, so in demo mode (no token) no other site's form can
act through a browser that has the desk open."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.desk_actions import Actor, DeskActions, Refused
from bot.desk_auth import Viewer, viewer_of
from bot.desk_reader import desk_reader_key, refused

log = logging.getLogger(__name__)
desk_actions_key = web.AppKey("desk_actions", DeskActions)
MAX_BODY = 16 * 1024
Act = Callable[[DeskActions, int, dict[str, Any], Actor, web.Request], Awaitable[str]]


class BadInput(ValueError):
    """A body the route cannot act on; the message says what to send."""


def add_desk_action_routes(app: web.Application) -> None:
    for path, act in ACTIONS.items():
        app.router.add_post(path, _route(act))


def _route(act: Act) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        viewer = await viewer_of(request)
        try:
            request_id = _request_id(request)
            body = await _body(request)
            message = await act(request.app[desk_actions_key], request_id, body,
                                _actor(viewer), request)
        except BadInput as error:
            return refused(400, str(error))
        except Refused as error:
            return refused(error.status, str(error))
        except Exception as error:  # the database away: say so, with no detail of it
            log.warning("desk action failed: %s", type(error).__name__)
            return refused(503, "That could not be done right now; nothing changed. "
                                "Try again shortly.")
        return web.json_response({"message": str(message)})
    return handle


def _actor(viewer: Viewer) -> Actor:
    return Actor(viewer.id, viewer.name or "a manager", viewer.is_manager, viewer.is_ftchelp)


def _request_id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not raw.isdigit() or len(raw) > 12:
        raise BadInput(f"{raw[:40]!r} is not a request id.")
    return int(raw)


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise BadInput("Send the action as JSON (Content-Type: application/json).")
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise BadInput("That body is too large for an action.")
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise BadInput("That body is too large for an action.")
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise BadInput("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadInput("The body must be a JSON object.")
    return body


def _text(body: dict[str, Any], key: str, what: str, *, required: bool = True) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadInput(f"Give {what} ({key}).")
    return value.strip()


def _instant(body: dict[str, Any], key: str) -> datetime:
    value = body.get(key)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")) \
            if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadInput(f"Give {key} as an ISO 8601 time with its zone, e.g. "
                       "2026-12-04T17:00:00Z.")
    return moment


async def _assign(actions: DeskActions, request_id: int, body: dict[str, Any], actor: Actor,
                  _: web.Request) -> str:
    return await actions.assign(request_id, _text(body, "architect_id", "the FTA"), actor)


async def _reoffer(actions: DeskActions, request_id: int, body: dict[str, Any], actor: Actor,
                   _: web.Request) -> str:
    return await actions.reoffer(request_id, actor)


async def _reassign(actions: DeskActions, request_id: int, body: dict[str, Any], actor: Actor,
                    _: web.Request) -> str:
    return await actions.reassign(request_id, _text(body, "architect_id", "the new FTA"),
                                  _text(body, "reason", "the reason", required=False), actor)


async def _extend(actions: DeskActions, request_id: int, body: dict[str, Any], actor: Actor,
                  _: web.Request) -> str:
    return await actions.extend(request_id, _instant(body, "deadline"),
                                _text(body, "reason", "the reason", required=False), actor)


async def _transfer(actions: DeskActions, request_id: int, body: dict[str, Any], actor: Actor,
                    request: web.Request) -> str:
    """The agent must be a member of the FTCHelp channel; their name is the roster's, not the
    body's."""
    agent_id = _text(body, "agent_id", "the agent").lower()
    agents = await request.app[desk_reader_key].roles.ftchelp_agents()
    name = agents.get(agent_id)
    if name is None:
        raise BadInput("That person is not a member of the FTCHelp channel; pick one of the "
                       "agents listed.")
    return await actions.transfer_ticket(request_id, agent_id, name, actor)


ACTIONS: dict[str, Act] = {
    "/api/requests/{id}/assign": _assign,
    "/api/requests/{id}/reoffer": _reoffer,
    "/api/requests/{id}/reassign": _reassign,
    "/api/requests/{id}/extend": _extend,
    "/api/tickets/{id}/transfer": _transfer,
}
