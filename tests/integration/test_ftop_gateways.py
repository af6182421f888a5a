"""FTOP records round-trip through the database, and the HTTP mirror retries like a client of
a real portal should (Retry-After on 429, 5xx and timeouts retried, other 4xx not)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from domain.outbox import Kind
from gateways.ftop_mirror import FtopSync, HttpFtopMirror
from storage.ftop import SqlFtopGateway
from tests.support.outbox import dispatcher_for, drain
from tests.unit.test_ftop import NOW, assignment


async def test_a_record_round_trips_through_the_database(database) -> None:
    gateway = SqlFtopGateway(database)
    record = assignment("engage_before_license", tenant="")
    record.replace_tenant("contoso.onmicrosoft.com", "Alex", NOW)
    record.decide_engagement(True, "", "Alex", NOW)

    await gateway.record(record)
    await gateway.record(record)  # an update, not a second record

    assert await gateway.get(42) == record


class FakePortal:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.answers: list[tuple[int, dict[str, str]]] = []
        self.hang = 0

    async def handle(self, request: web.Request) -> web.Response:
        if self.hang:
            self.hang -= 1
            await asyncio.sleep(5)
        status, headers = self.answers.pop(0) if self.answers else (201, {})
        if status < 300:
            self.received.append(await request.json())
        return web.json_response({}, status=status, headers=headers)


@pytest.fixture
async def portal() -> AsyncIterator[tuple[FakePortal, str]]:
    fake = FakePortal()
    app = web.Application()
    app.router.add_post("/ftop/assignments", fake.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield fake, str(server.make_url("/ftop/assignments"))
    await server.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("answers", "delivered"), [
    ([], 1), ([(429, {"Retry-After": "0"})], 1), ([(503, {}), (502, {}), (500, {})], 1),
    ([(400, {})], 0), ([(503, {})] * 4, 0)])
async def test_the_mirror_posts_the_record_and_retries_what_is_worth_retrying(
        database, portal, answers, delivered) -> None:
    fake, url = portal
    fake.answers = list(answers)
    async with aiohttp.ClientSession() as session:
        dispatcher, outbox, dead = dispatcher_for(
            database, session, {Kind.SYNC: FtopSync(session).deliver})
        mirror = HttpFtopMirror(SqlFtopGateway(database), database, outbox, url)
        await mirror.record(assignment("discovery_workshop"))
        await drain(dispatcher, outbox)
        assert await mirror.get(42) is not None  # the local record is kept whatever happens
    assert len(fake.received) == delivered
    assert len(dead.items) == 1 - delivered  # what never went is dead-lettered, not dropped
    if delivered:
        assert fake.received[0]["request"] == "FTA-2026-00042"
        assert fake.received[0]["tasks"][0]["id"] == 3298


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_portal_that_hangs_is_retried_after_the_timeout(database, portal) -> None:
    fake, url = portal
    fake.hang = 1
    async with aiohttp.ClientSession() as session:
        dispatcher, outbox, _ = dispatcher_for(
            database, session, {Kind.SYNC: FtopSync(session, timeout_seconds=0.3).deliver})
        await HttpFtopMirror(SqlFtopGateway(database), database, outbox, url).record(
            assignment("discovery_workshop"))
        await drain(dispatcher, outbox)
    assert len(fake.received) == 1
