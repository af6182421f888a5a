"""The Bot Framework's signing keys are fetched without holding up the process: while the key
endpoint hangs, /healthz answers and tokens signed by a cached key still validate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from app import create_app
from bot.edge.signing_keys import KeySet
from tests.integration.test_authentication import APP_ID, post, secured_settings
from tests.integration.test_hung_region import until
from tests.support.identity import IdentityProvider

pytestmark = pytest.mark.alone  # it measures time: run with the machine to itself

# Authentication happens before any database work: one database is enough.
on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TIME_OUT = 0.5


@pytest.fixture
def provider() -> Iterator[IdentityProvider]:
    with IdentityProvider() as running:
        yield running


@pytest.fixture
async def secured(aiohttp_client, database_url, provider, clock):  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(secured_settings(
        database_url, provider, openid_timeout_seconds=TIME_OUT), clock=clock))


async def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    response = await call
    return response, time.monotonic() - started


@on_sqlite
async def test_healthz_answers_while_the_key_endpoint_hangs(secured, connector,
                                                            provider) -> None:
    provider.hang_keys()
    started = time.monotonic()
    first = asyncio.create_task(post(secured, connector, provider.token(APP_ID, connector.url)))
    await until(lambda: provider.key_requests == 1, seconds=5)
    health = await secured.get("/healthz")
    assert (health.status, time.monotonic() - started < 0.3) == (200, True)
    refused, took = await timed(first)  # no keys yet, none to be had: refused in time
    assert (refused.status, took < 2 * TIME_OUT) == (401, True)


@on_sqlite
async def test_a_token_signed_by_a_cached_key_validates_while_the_daily_refresh_hangs(
        secured, connector, provider, clock) -> None:
    assert (await post(secured, connector, provider.token(APP_ID, connector.url))).status == 200
    provider.hang_keys()
    clock.advance(timedelta(days=1, seconds=1))  # the keys are a day old: time to refresh
    started = time.monotonic()
    during = asyncio.create_task(timed(post(secured, connector,
                                            provider.token(APP_ID, connector.url))))
    await until(lambda: provider.key_requests == 2, seconds=5)
    health = await secured.get("/healthz")
    assert (health.status, time.monotonic() - started < 0.3) == (200, True)
    validated, took = await during  # the refresh gave up in time; the cached key served
    assert (validated.status, took < 2 * TIME_OUT) == (200, True)
    after, took = await timed(post(secured, connector, provider.token(APP_ID, connector.url)))
    assert (after.status, took < 0.3, provider.key_requests) == (200, True, 2)


async def test_keys_past_their_day_stay_in_use_while_the_daily_refresh_fails(provider) -> None:
    now = [0.0]
    keys = KeySet(provider.metadata_url, TIME_OUT, clock=lambda: now[0])
    kept = await keys.get(provider.kid)
    provider.hang_keys()
    now[0] = 24 * 3600.0 + 1  # a day later: time to refresh, and the refresh hangs
    stale, took = await timed(keys.get(provider.kid))
    assert (stale, took < 2 * TIME_OUT) == (kept, True)
    again, took = await timed(keys.get(provider.kid))  # not tried again at once
    assert (again, took < 0.1, provider.key_requests) == (kept, True, 2)
    provider.release_keys()
    now[0] += 301  # after the retry pause, the refresh goes through
    assert await keys.get(provider.kid) == kept
    assert provider.key_requests == 3
