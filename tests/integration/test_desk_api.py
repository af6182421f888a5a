"""The desk's API over HTTP with an app id set: the tab's Teams SSO token is checked as an Entra
ID token from a local identity provider (every bad kind is a 401); roles come from the
channels' rosters through the fake Bot Connector (a manager is a member of the managers'
channel's team), so a seller gets their part and a 403 for more, a manager and an admin the
whole desk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import jwt
import pytest

from app import create_app, database_key
from domain.conversations import ConversationAddress
from settings import Settings
from storage import sample_data
from storage.conversations import SqlConversationDirectory
from tests.conftest import FTCHELP_CHANNEL, MANAGERS_CHANNEL, empty_database
from tests.support.activities import person
from tests.support.entra import (
    APP_ID,
    APP_ID_URI,
    TENANT,
    LocalEntra,
    v1_issuer,
    v2_issuer,
)
from tests.support.graph import FakeIdentityEndpoint
from tests.support.identity import new_key

TEAM = "19:team@thread.tacv2"
OTHER_TENANT = "00000000-0000-0000-0000-0000000000ff"
MANAGER, OUTSIDER, ADMIN = (person(n)["aadObjectId"] for n in (7, 8, 9))
ALEX = sample_data.ALEX.id  # the sample requests' seller


@pytest.fixture
async def entra() -> AsyncIterator[LocalEntra]:
    running = LocalEntra()
    await running.start()
    yield running
    await running.close()


@pytest.fixture
async def identity(monkeypatch) -> AsyncIterator[FakeIdentityEndpoint]:  # type: ignore[no-untyped-def]
    """The bot's own outbound tokens (for the roster reads), from a managed identity."""
    endpoint = FakeIdentityEndpoint()
    await endpoint.start()
    monkeypatch.setenv("IDENTITY_ENDPOINT", endpoint.url)
    monkeypatch.setenv("IDENTITY_HEADER", endpoint.header)
    yield endpoint
    await endpoint.close()


def secured(settings: Settings, entra: LocalEntra, identity: FakeIdentityEndpoint) -> Settings:
    return replace(settings, app_id=APP_ID, app_type="UserAssignedMSI", app_password="",
                   app_tenant_id=TENANT, allowed_tenant_ids=frozenset({TENANT}),
                   tab_app_id_uri=APP_ID_URI, tab_openid_metadata_url=entra.metadata_url,
                   identity_endpoint=identity.url, admin_aad_ids=frozenset({ADMIN}))


async def remember_channel(client: Any, service_url: str, channel: str = MANAGERS_CHANNEL,
                           membership: str = "") -> None:
    """The managers' channel as the bot knows it once installed in its team."""
    conversation = {"id": channel, "conversationType": "channel", "tenantId": TENANT,
                    **({"membershipType": membership} if membership else {})}
    database = client.server.app[database_key]
    await SqlConversationDirectory(database).remember(ConversationAddress(
        conversation_id=channel, kind="channel", tenant_id=TENANT, service_url=service_url,
        updated_at=sample_data.datetime.now(sample_data.UTC), team_id=TEAM,
        reference={"conversation": conversation, "serviceUrl": service_url,
                   "channelId": "msteams"}))


@pytest.fixture
async def desk(aiohttp_client, settings, database_url, clock, connector, entra,  # type: ignore[no-untyped-def]
               identity):
    await empty_database(database_url)
    client = await aiohttp_client(create_app(secured(settings, entra, identity), clock=clock))
    await remember_channel(client, connector.url)
    connector.rosters[TEAM] = [{"id": "29:user-7", "name": "Mona Manager",
                                "aadObjectId": MANAGER}]
    await sample_data.load(client.server.app[database_key], clock.now)
    return client


async def get(client: Any, path: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await client.get(path, headers=headers)


BAD_TOKENS = ["no token", "not a token", "unsigned", "signed HS256", "expired",
              "without expiry", "wrong audience", "wrong issuer", "issuer of another tenant",
              "another tenant", "bad signature", "unknown key"]


@pytest.mark.parametrize("case", BAD_TOKENS)
async def test_every_kind_of_bad_token_is_a_401_with_a_json_reason(desk, entra, case) -> None:
    now = int(sample_data.datetime.now(sample_data.UTC).timestamp())
    tokens: dict[str, Any] = {
        "no token": lambda: None, "not a token": lambda: "not-a-jwt",
        "unsigned": lambda: entra.token(MANAGER, algorithm="none"),
        "signed HS256": lambda: jwt.encode(
            {"aud": APP_ID_URI, "iss": v2_issuer(), "tid": TENANT, "oid": MANAGER,
             "exp": now + 600}, "a-shared-secret-of-enough-length-32b", algorithm="HS256",
            headers={"kid": entra.kid}),
        "expired": lambda: entra.token(MANAGER, expires_in=-600),
        "without expiry": lambda: entra.token(MANAGER, expires_in=None),
        "wrong audience": lambda: entra.token(MANAGER, audience="api://elsewhere/other-app"),
        "wrong issuer": lambda: entra.token(MANAGER, issuer=f"https://evil.example/{TENANT}/"),
        "issuer of another tenant": lambda: entra.token(MANAGER, issuer=v2_issuer(OTHER_TENANT)),
        "another tenant": lambda: entra.token(MANAGER, tenant=OTHER_TENANT),
        "bad signature": lambda: entra.token(MANAGER, key=new_key()),
        "unknown key": lambda: entra.token(MANAGER, kid="not-published"),
    }
    for path in ("/api/queue", "/api/reports/requests.csv"):
        response = await get(desk, path, tokens[case]())
        assert response.status == 401, path
        assert (await response.json())["error"]


@pytest.mark.parametrize("issuer", [v1_issuer(), v2_issuer()])
@pytest.mark.parametrize("audience", [APP_ID, APP_ID_URI])
async def test_a_v1_or_v2_token_for_the_client_id_or_the_app_id_uri_is_accepted(
        desk, entra, issuer, audience) -> None:
    response = await get(desk, "/api/queue",
                         entra.token(ALEX, "Alex Wilber", issuer=issuer, audience=audience))
    assert response.status == 200, await response.text()
    answer = await response.json()
    # Alex is also an FTA in the sample roster
    assert answer["viewer"] == {"name": "Alex Wilber", "roles": ["fta", "seller"],
                                "demo": False}


async def test_keys_are_fetched_once_and_an_unknown_kid_refetches_at_most_once_a_minute(
        desk, entra) -> None:
    newer = entra.rotate("entra-key-2")  # published before first use: both keys work
    for key, kid in ((None, None), (newer, "entra-key-2"), (None, None)):
        response = await get(desk, "/api/queue", entra.token(ALEX, key=key, kid=kid))
        assert response.status == 200
    assert entra.key_requests == 1
    for _ in range(3):  # an unknown kid: one fetch at most within the minute, then refused
        assert (await get(desk, "/api/queue", entra.token(ALEX, kid="nope"))).status == 401
    assert entra.key_requests == 1


async def test_a_seller_sees_their_own_requests_and_is_refused_the_rest(desk, entra) -> None:
    mine = await (await get(desk, "/api/queue", entra.token(ALEX, "Alex Wilber"))).json()
    assert [row["customer"] for row in mine["rows"]] == ["Fabrikam Inc"]
    assert mine["rows"][0]["actions"] == []
    others = await (await get(desk, "/api/queue", entra.token(OUTSIDER))).json()
    assert others["rows"] == [] and others["total"] == 0

    for section in ("architects", "reports", "tickets"):
        response = await get(desk, f"/api/queue?section={section}", entra.token(ALEX))
        assert response.status == 403
        assert "FTA managers" in (await response.json())["error"]
    response = await get(desk, "/api/reports/requests.csv", entra.token(ALEX))
    assert response.status == 403 and "managers" in (await response.json())["error"]


async def test_a_member_of_the_managers_team_sees_the_whole_desk(desk, entra,
                                                                  connector) -> None:
    token = entra.token(MANAGER, "Mona Manager")
    answer = await (await get(desk, "/api/queue", token)).json()
    assert answer["viewer"]["roles"] == ["manager", "seller"]
    [row] = answer["rows"]
    assert row["customer"] == "Fabrikam Inc" and row["state"] == "waiting"
    assert row["actions"] == ["assign", "extend"]
    assert row["original_deadline"] == row["deadline"] and row["extensions"] == []

    for section, rows in (("tickets", 1), ("architects", 4), ("reports", 12)):
        response = await get(desk, f"/api/queue?section={section}", token)
        assert response.status == 200, section
        assert len((await response.json())["rows"]) == rows, section
    assert connector.roster_reads.count(TEAM) == 1  # read once, then kept
    assert FTCHELP_CHANNEL in connector.roster_reads


async def test_a_private_managers_channel_is_read_from_its_own_roster(
        desk, entra, connector) -> None:
    await remember_channel(desk, connector.url, membership="private")
    connector.rosters[MANAGERS_CHANNEL] = []  # the manager is in the team, not the channel

    answer = await (await get(desk, "/api/queue", entra.token(MANAGER))).json()

    assert "manager" not in answer["viewer"]["roles"]
    assert connector.roster_reads[-2:] == [MANAGERS_CHANNEL, FTCHELP_CHANNEL]


async def test_an_admin_sees_the_whole_desk_without_being_in_the_channel(desk, entra) -> None:
    response = await get(desk, "/api/queue?section=architects", entra.token(ADMIN))
    assert response.status == 200
    assert (await response.json())["viewer"]["roles"] == ["manager", "ftchelp", "admin",
                                                          "seller"]
