"""Monday's digest to the FTA managers' channel: last week's figures, computed by the same
function as the desk's reports (domain/reports.py). A timer due Monday 09:00 in the managers'
time zone runs it; timers are leased, so one instance sends it however many run, and its
outbox key (the week) keeps a second post of the same week out."""

from __future__ import annotations

from datetime import datetime

from bot.channels import Poster
from cards.digest import create_digest_card
from domain import reports
from storage.desk import SqlDesk

WEEKLY_DIGEST = "weekly_digest"


class WeeklyDigest:
    def __init__(self, desk: SqlDesk, poster: Poster, managers_channel_id: str,
                 timezone: str) -> None:
        self._desk, self._poster = desk, poster
        self._managers, self._zone = managers_channel_id, timezone

    def next_due(self, now: datetime) -> datetime:
        return reports.next_digest_at(now, self._zone)

    async def send(self, now: datetime) -> bool:
        """Post last week's digest; False if the managers' channel cannot be addressed."""
        period = reports.last_week(now, self._zone)
        rows = [row async for row in self._desk.reported(period.start, period.end)]
        declines = await self._desk.decline_counts(period.start, period.end)
        card = create_digest_card(reports.week_in_review(rows, declines, period, now))
        return await self._poster.to_channel(
            self._managers, card, audience="the FTA managers' channel",
            what="The weekly digest", key=f"{WEEKLY_DIGEST}:{period.first.isoformat()}")
