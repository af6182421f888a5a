"""Card actions name a request by id; the acting user must be the one it belongs to."""

from __future__ import annotations

from typing import Any

from bot.replies import Refused, message_invoke
from bot.turn import Turn
from domain.requests import FtaRequest, RequestRepository

NOT_YOURS = "This card belongs to someone else's request. Type \"request FTA\" to start your own."


MAX_ID = 2**31 - 1  # ids are the database's INTEGER, 32 bits on PostgreSQL


def card_id(data: dict[str, Any], key: str) -> int | None:
    """The row id a card's data names under ``key``, if it could be one: a card posted back
    with 2**63 there is someone else's card, not a database failure."""
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return value
    return None


def request_id_of(data: dict[str, Any]) -> int | None:
    return card_id(data, "request_id")


async def owned_request(requests: RequestRepository, turn: Turn,
                        data: dict[str, Any]) -> FtaRequest:
    """The request a card points at, if the person acting is the one who made it."""
    request_id = request_id_of(data)
    request = await requests.get(request_id) if request_id is not None else None
    if request is None or not request.is_owned_by(turn.actor.id):
        raise Refused(message_invoke(NOT_YOURS))
    return request
