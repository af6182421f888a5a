"""With an app id configured, /api/messages demands a valid Bot Framework JWT: every kind of
bad token is a 401 and nothing is processed. Tokens come from a local identity provider."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app import create_app
from settings import Settings
from tests.support.activities import TENANT, card_action, message
from tests.support.identity import IdentityProvider, new_key

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
APP_ID = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def provider() -> Iterator[IdentityProvider]:
    with IdentityProvider() as running:
        yield running


def secured_settings(database_url: str, provider: IdentityProvider, **extra) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(database_url=database_url, app_id=APP_ID, app_password="secret",
                    app_tenant_id="tenant-id",
                    openid_metadata_url=provider.metadata_url,
                    token_issuer="https://api.botframework.com", worker_interval_seconds=3600,
                    **extra)


@pytest.fixture
async def secured(aiohttp_client, database_url, provider):  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(secured_settings(database_url, provider)))


async def post(client, connector, token: str | None, body=None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await client.post("/api/messages", headers=headers,
                             json=body or card_action(connector.url, "show_help"))


async def test_a_valid_token_is_accepted(secured, connector, provider) -> None:
    response = await post(secured, connector, provider.token(APP_ID, connector.url))
    assert response.status == 200
    assert (await response.json())["type"] == "application/vnd.microsoft.card.adaptive"


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer not-a-jwt", "Basic abc"])
async def test_a_missing_or_malformed_token_is_a_401(secured, connector, header) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = await secured.post("/api/messages", json=message(connector.url, "help"),
                                  headers=headers)
    assert response.status == 401
    assert connector.sent == []


@pytest.mark.parametrize("case", ["bad signature", "unknown key id", "wrong audience",
                                  "wrong issuer", "expired", "never expires", "not yet valid",
                                  "service url mismatch"])
async def test_every_kind_of_bad_token_is_a_401_and_nothing_is_processed(
        secured, connector, provider, case) -> None:
    tokens = {
        "bad signature": lambda: provider.token(APP_ID, connector.url, key=new_key()),
        "unknown key id": lambda: provider.token(APP_ID, connector.url, kid="other-key"),
        "wrong audience": lambda: provider.token("someone-else", connector.url),
        "wrong issuer": lambda: provider.token(APP_ID, connector.url,
                                               issuer="https://evil.example"),
        "expired": lambda: provider.token(APP_ID, connector.url, expires_in=-600),
        "never expires": lambda: provider.token(APP_ID, connector.url, expires_in=None),
        "not yet valid": lambda: provider.token(APP_ID, connector.url, not_before_in=600),
        "service url mismatch": lambda: provider.token(APP_ID, "https://elsewhere.example"),
    }
    response = await post(secured, connector, tokens[case](),
                          message(connector.url, "help"))
    assert response.status == 401
    assert connector.sent == []


@pytest.mark.parametrize(("allowed", "status"), [({"another-tenant"}, 403), ({TENANT}, 200)])
async def test_only_allowed_tenants_are_served(aiohttp_client, database_url, provider,
                                               connector, allowed, status) -> None:
    client = await aiohttp_client(create_app(secured_settings(
        database_url, provider, allowed_tenant_ids=frozenset(allowed))))
    response = await post(client, connector, provider.token(APP_ID, connector.url))
    assert response.status == status


LETTERED = "72f988bf-86f1-41af-91ab-2d7cd011db47"  # with letters, to tell their case apart


def tenants(connector, channel_data: str | None, conversation: str | None):  # type: ignore[no-untyped-def]
    """A card action naming its tenant in channelData, in conversation.tenantId, or both."""
    body = card_action(connector.url, "show_help")
    body["channelData"] = {"tenant": {"id": channel_data}} if channel_data else {}
    body["conversation"] = {key: value for key, value in {
        **body["conversation"], "tenantId": conversation}.items() if value is not None}
    return body


@pytest.mark.parametrize(("channel_data", "conversation", "status"), [
    (None, LETTERED, 200),  # botbuilder reads conversation.tenantID, so this one was refused
    (LETTERED.upper(), None, 200),
    (LETTERED, LETTERED.upper(), 200),
    (None, "another-tenant", 403),
    ("another-tenant", None, 403),
    (LETTERED, "another-tenant", 403),  # two names for the tenant: which one is true?
    ("another-tenant", LETTERED, 403),
    (None, None, 403),
])
async def test_the_tenant_is_read_from_channel_data_and_the_conversation_and_must_agree(
        aiohttp_client, database_url, provider, connector, channel_data, conversation,
        status) -> None:
    client = await aiohttp_client(create_app(secured_settings(
        database_url, provider, allowed_tenant_ids=frozenset({LETTERED}))))
    response = await post(client, connector, provider.token(APP_ID, connector.url),
                          tenants(connector, channel_data, conversation))
    assert response.status == status
    assert connector.sent == []


@pytest.mark.parametrize(("channel", "allowed", "status"), [
    ("msteams", {"msteams"}, 200), ("webchat", {"msteams"}, 403),
    ("directline", {"msteams"}, 403), ("webchat", {"msteams", "webchat"}, 200)])
async def test_only_teams_activities_are_served_unless_other_channels_are_allowed(
        aiohttp_client, database_url, provider, connector, channel, allowed, status) -> None:
    # The Bot Framework's own keys endorse many channels; the bot must pick Teams itself.
    provider.jwks["keys"][0]["endorsements"] = ["msteams", "webchat", "directline"]
    client = await aiohttp_client(create_app(secured_settings(
        database_url, provider, allowed_channel_ids=frozenset(allowed))))
    body = {**card_action(connector.url, "show_help"), "channelId": channel}
    response = await post(client, connector, provider.token(APP_ID, connector.url), body)
    assert response.status == status
