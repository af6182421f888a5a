"""Activities shaped like the ones Teams (and the Agents Playground) sends."""

from __future__ import annotations

import itertools
from typing import Any

TENANT = "00000000-0000-0000-0000-000000000001"
BOT_ID = "28:bot-id"
_ids = itertools.count(1)


def person(number: int = 0) -> dict[str, str]:
    return {"id": f"29:user-{number}", "name": f"Seller {number}",
            "aadObjectId": f"00000000-0000-0000-0000-{number:012d}"}


def activity(service_url: str, *, type: str = "message", user: dict[str, str] | None = None,
             conversation: str = "a:personal-0", kind: str = "personal",
             **fields: Any) -> dict[str, Any]:
    channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
    if kind == "channel":
        channel_data["team"] = {"id": "19:team@thread.tacv2", "name": "My Team"}
        channel_data["channel"] = {"id": conversation.split(";")[0]}
    body = {
        "type": type, "id": f"act-{next(_ids)}", "channelId": "msteams",
        "serviceUrl": service_url, "timestamp": "2026-11-24T10:00:00.000Z",
        "from": user or person(0), "recipient": {"id": BOT_ID, "name": "FTA Assign"},
        "conversation": {"id": conversation, "conversationType": kind, "tenantId": TENANT},
        "channelData": channel_data, "locale": "en-US",
    }
    body.update(fields)
    return body


def message(service_url: str, text: str, **fields: Any) -> dict[str, Any]:
    return activity(service_url, text=text, **fields)


def mention_message(service_url: str, text: str, **fields: Any) -> dict[str, Any]:
    """A channel message that @mentions the bot, as Teams sends it."""
    mention = {"type": "mention", "text": "<at>FTA Assign</at>",
               "mentioned": {"id": BOT_ID, "name": "FTA Assign"}}
    return activity(service_url, text=f"<at>FTA Assign</at> {text}", entities=[mention],
                    **fields)


def card_action(service_url: str, verb: str, data: dict[str, Any] | None = None,
                **fields: Any) -> dict[str, Any]:
    value = {"action": {"type": "Action.Execute", "verb": verb,
                        "data": {"verb": verb, **(data or {})}}, "trigger": "manual"}
    return activity(service_url, type="invoke", name="adaptiveCard/action", value=value,
                    **fields)


def bot_added(service_url: str, **fields: Any) -> dict[str, Any]:
    return activity(service_url, type="conversationUpdate",
                    membersAdded=[{"id": BOT_ID}], **fields)
