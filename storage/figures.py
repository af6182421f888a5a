"""Operational figures for /metrics, read from the database at scrape time so that every
instance reports the same numbers (the outbox and the offers are shared)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from domain.offers import OfferState
from domain.operations import Figures
from domain.requests import State
from storage.database import Database
from storage.outbox import SqlOutbox
from storage.tables import offers, requests


async def figures(database: Database, outbox: SqlOutbox, now: Callable[[], datetime]
                  ) -> Figures:
    depth = await outbox.depth(finished=False)
    moment = now()
    async with database.connect() as connection:
        pending = (await connection.execute(select(func.count()).where(
            offers.c.state == OfferState.OFFERED.value))).scalar() or 0
        late = (await connection.execute(select(func.count()).where(
            requests.c.state == State.AWAITING_FTA.value,
            requests.c.deadline < moment))).scalar() or 0
    oldest = (moment - depth.oldest).total_seconds() if depth.oldest else 0.0
    return Figures(depth.waiting, max(oldest, 0.0), depth.by_state.get("dead", 0),
                   int(pending), int(late))
