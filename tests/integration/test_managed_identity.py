"""MicrosoftAppType=UserAssignedMSI: tokens for the Bot Connector and for Graph come from the
managed identity's endpoint (a fake one on loopback, as App Service serves it), with no secret
and no tenant id; and a deployment that relied on the old MultiTenant default is told what to
set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import aiohttp
import pytest

from app import create_app
from gateways.graph import GraphCalendar
from settings import Settings
from tests.integration.test_authentication import APP_ID, provider, secured_settings
from tests.integration.test_command_line import run
from tests.support.activities import message
from tests.support.graph import FakeGraph, FakeIdentityEndpoint

__all__ = ["provider"]  # the local identity provider fixture, for inbound tokens
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture
async def identity(monkeypatch) -> AsyncIterator[FakeIdentityEndpoint]:  # type: ignore[no-untyped-def]
    endpoint = FakeIdentityEndpoint()
    await endpoint.start()
    monkeypatch.setenv("IDENTITY_ENDPOINT", endpoint.url)  # as Azure sets them on the host
    monkeypatch.setenv("IDENTITY_HEADER", endpoint.header)
    yield endpoint
    await endpoint.close()


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake = FakeGraph()
    await fake.start()
    yield fake
    await fake.close()


def msi_settings(database_url, provider, identity, graph) -> Settings:  # type: ignore[no-untyped-def]
    return replace(secured_settings(database_url, provider), app_type="UserAssignedMSI",
                   app_password="", app_tenant_id="", graph_authority="",
                   graph_client_id=APP_ID, graph_client_secret="", graph_base_url=graph.url,
                   identity_endpoint=identity.url)


async def test_replies_to_teams_carry_the_managed_identitys_token(
        aiohttp_client, connector, database_url, provider, identity, graph) -> None:
    bot = await aiohttp_client(create_app(msi_settings(database_url, provider, identity,
                                                       graph)))

    response = await bot.post("/api/messages", json=message(connector.url, "help"),
                              headers={"Authorization":
                                       f"Bearer {provider.token(APP_ID, connector.url)}"})

    assert response.status < 300 and connector.sent
    assert set(connector.authorizations) == {
        "Bearer msi-token-for https://api.botframework.com"}
    assert identity.asked[0]["client_id"] == APP_ID
    assert identity.asked[0]["resource"] == "https://api.botframework.com"


async def test_scheduling_through_graph_stays_on_with_the_managed_identity(
        aiohttp_client, connector, database_url, provider, identity, graph) -> None:
    settings = msi_settings(database_url, provider, identity, graph)
    bot = await aiohttp_client(create_app(settings))

    ready = await (await bot.get("/readyz")).json()

    assert ready["graph"] == {"configured": True}
    async with aiohttp.ClientSession() as session:
        calendar = GraphCalendar(session, base_url=graph.url, authority="", client_id=APP_ID,
                                 client_secret="", managed_identity=True)
        found = await calendar.availability("fta@contoso.com", ["fta@contoso.com"], START,
                                            START)
    assert [a.attendee for a in found] == ["fta@contoso.com"]  # Graph took the token
    assert {"client_id": APP_ID, "resource": "https://graph.microsoft.com"}.items() <= \
        identity.asked[-1].items()


def test_a_deployment_on_the_old_multi_tenant_default_is_told_to_set_it(
        database_url: str) -> None:
    result = run("serve", MicrosoftAppId=APP_ID, MicrosoftAppPassword="secret",
                 MicrosoftAppType="", MicrosoftAppTenantId="")
    assert result.returncode == 2
    assert "set MicrosoftAppType=MultiTenant to keep running as before" in result.stderr
