"""A dispatcher over a test's own database, for delivering outbox items outside the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp

from bot.dispatcher import Deliver, Dispatcher
from bot.edge.connector import BotConnector
from domain.outbox import Kind, OutboxItem, RetryPolicy
from storage.conversations import SqlCardPosts
from storage.database import Database
from storage.outbox import SqlOutbox
from storage.send_ledger import SqlSendLedger


@dataclass
class DeadLetters:
    items: list[tuple[OutboxItem, int]] = field(default_factory=list)

    async def __call__(self, item: OutboxItem, status: int) -> None:
        self.items.append((item, status))


def dispatcher_for(database: Database, session: aiohttp.ClientSession,
                   deliverers: dict[Kind, Deliver] | None = None, attempts: int = 4,
                   ) -> tuple[Dispatcher, SqlOutbox, DeadLetters]:
    outbox = SqlOutbox(database, lambda: datetime.now(UTC))
    dead = DeadLetters()
    dispatcher = Dispatcher(store=outbox, posts=SqlCardPosts(database),
                            connector=BotConnector(session),
                            ledger=SqlSendLedger(database, lambda: datetime.now(UTC)),
                            worker="test",
                            policy=RetryPolicy(max_attempts=attempts, base_seconds=0.01),
                            undelivered=dead, unit_of_work=database.unit_of_work,
                            deliverers=deliverers)
    return dispatcher, outbox, dead


async def drain(dispatcher: Dispatcher, outbox: SqlOutbox) -> None:
    async def waiting() -> int:
        return (await outbox.depth()).waiting

    await dispatcher.drain(10.0, waiting)
