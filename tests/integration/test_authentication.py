"""With an app id configured, /api/messages demands a Bot Framework token: refusals are 401."""

from __future__ import annotations

import pytest

from app import create_app
from settings import Settings
from tests.support.activities import message

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def secured(aiohttp_client, database_url):  # type: ignore[no-untyped-def]
    settings = Settings(database_url=database_url, app_id="11111111-2222-3333-4444-555555555555",
                        app_password="secret", worker_interval_seconds=3600)
    return await aiohttp_client(create_app(settings))


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer not-a-jwt", "Basic abc"])
async def test_a_missing_or_malformed_token_is_a_401(secured, connector, header) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = await secured.post("/api/messages", json=message(connector.url, "help"),
                                  headers=headers)
    assert response.status == 401
    assert connector.sent == []
