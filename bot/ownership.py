"""Card actions name a request by id; the acting user must be the one it belongs to."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext

from bot.identity import person_id
from bot.replies import Refused, message_invoke
from domain.requests import FtaRequest, RequestRepository

NOT_YOURS = "This card belongs to someone else's request. Type **request FTA** to start your own."


def request_id_of(data: dict[str, Any]) -> int | None:
    value = data.get("request_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def owned_request(requests: RequestRepository, turn_context: TurnContext,
                        data: dict[str, Any]) -> FtaRequest:
    """The request a card points at, if the person acting is the one who made it."""
    request_id = request_id_of(data)
    request = await requests.get(request_id) if request_id is not None else None
    if request is None or not request.is_owned_by(person_id(turn_context.activity)):
        raise Refused(message_invoke(NOT_YOURS))
    return request
