"""Teams' rate limits hold for the whole deployment, not per instance: three `app.py serve`
processes on one database deliver a backlog into one busy conversation and many others of one
tenant, and the fake Teams connector never sees more than Teams allows in any window (7 sends
in a second and 8 in two into one conversation, the tenant's budget across all of them)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import utc_now
from bench.instances import instance, instance_env
from bench.turns import Server
from domain.outbox import Kind, Notice
from storage.database import Database
from storage.outbox import SqlOutbox
from tests.support.connector import FakeConnector

pytestmark = pytest.mark.alone  # it measures time: run with the machine to itself

TENANT, BUSY, TENANT_RATE = "tenant-1", "a:busy", 10
BUSY_NOTICES, OTHER_NOTICES = 24, 36


@pytest.fixture
def instances(database_url: str, tmp_path: Path) -> Iterator[list[Server]]:
    env = instance_env(database_url, {"OUTBOX_TENANT_RATE": str(TENANT_RATE)})
    started: list[Server] = []
    try:
        for n in range(3):
            started.append(instance(n + 1, env, tmp_path))
        yield started
    finally:
        for server in started:
            server.stop()


async def delivered(connector: FakeConnector, count: int, within: float) -> None:
    """Until the connector has taken ``count`` sends, or ``within`` seconds are up."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if len(connector.sent) >= count:
            return
        await asyncio.sleep(0.1)


def most_within(times: list[float], seconds: float) -> int:
    """The largest number of arrivals inside any window of ``seconds``."""
    times = sorted(times)
    return max((sum(1 for t in times[i:] if t < start + seconds)
                for i, start in enumerate(times)), default=0)


async def test_three_instances_together_keep_one_conversation_and_one_tenant_within_limits(
        database: Database, connector: FakeConnector, instances: list[Server]) -> None:
    store = SqlOutbox(database, utc_now)
    for n in range(BUSY_NOTICES + OTHER_NOTICES):
        conversation = BUSY if n % 5 < 2 else f"a:person-{n}"
        reference = {"conversation": {"id": conversation, "tenantId": TENANT},
                     "serviceUrl": connector.url, "bot": {"id": "28:bot"},
                     "channelId": "msteams"}
        await store.add(Notice(Kind.POST, conversation, {
            "reference": reference, "activity": {"type": "message", "text": f"n{n}"}},
            tenant_id=TENANT))

    await delivered(connector, BUSY_NOTICES + OTHER_NOTICES, within=90)

    busy = [s.at for s in connector.sent if s.conversation_id == BUSY]
    assert len(busy) == BUSY_NOTICES and len(connector.sent) == BUSY_NOTICES + OTHER_NOTICES
    assert most_within(busy, 1.0) <= 7 and most_within(busy, 2.0) <= 8
    assert most_within([s.at for s in connector.sent], 1.0) <= TENANT_RATE
