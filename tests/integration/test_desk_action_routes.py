"""The desk's actions over HTTP, as the tab calls them, with an app id set: who acts comes from
the Teams SSO token (a local identity provider), roles from the channels' rosters through the
fake Bot Connector. Each route calls the service the cards call, so its audit line and notices
are the cards' own; refusals are 4xx with a JSON reason, never 500."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app import database_key
from storage.activity_log import SqlActivityLog
from storage.requests import SqlRequestRepository
from tests.conftest import FTCHELP_CHANNEL
from tests.integration.test_desk_api import (  # noqa: F401 (fixtures)
    ALEX,
    MANAGER,
    OUTSIDER,
    desk,
    entra,
    identity,
    remember_channel,
)

FIRST = 1  # the sample data's Discovery Workshop for Fabrikam, waiting for an FTA


async def post(client: Any, path: str, token: str | None, body: Any = None,
               **headers: str) -> Any:
    sent = {"Authorization": f"Bearer {token}"} if token is not None else {}
    if body is not None:
        return await client.post(path, json=body, headers={**sent, **headers})
    return await client.post(path, headers=sent)


async def audit(client: Any, request_id: int) -> list[tuple[str, str]]:
    trail = await SqlActivityLog(client.server.app[database_key]).for_request(request_id)
    return [(t["action"], t["outcome"]) for t in trail]


async def test_acting_needs_a_valid_token(desk, entra) -> None:  # noqa: F811
    for token in (None, "not-a-token", entra.token(MANAGER, expires_in=-600)):
        response = await post(desk, f"/api/requests/{FIRST}/reoffer", token, {})
        assert response.status == 401
        assert (await response.json())["error"]


async def test_a_manager_assigns_by_hand_from_the_tab_with_the_cards_rules_and_audit(
        desk, entra, connector) -> None:  # noqa: F811
    token = entra.token(MANAGER, "Mona Manager")

    response = await post(desk, f"/api/requests/{FIRST}/assign", token,
                          {"architect_id": "fta-alex"})

    assert response.status == 200, await response.text()
    assert "assigned to Alex Wilber" in (await response.json())["message"]
    request = await SqlRequestRepository(desk.server.app[database_key]).get(FIRST)
    assert request is not None and request.agent_name == "Alex Wilber"
    assert ("desk_assign", "done") in await audit(desk, FIRST)
    shown = await (await desk.get("/api/queue?state=accepted",
                                  headers={"Authorization": f"Bearer {token}"})).json()
    assert [row["fta"]["name"] for row in shown["rows"]] == ["Alex Wilber"]

    again = await post(desk, f"/api/requests/{FIRST}/assign", token,
                       {"architect_id": "fta-megan"})
    assert again.status == 409
    assert "Nothing changed on FTA-" in (await again.json())["error"]


async def test_a_seller_cannot_act_and_the_refusal_is_audited(desk, entra) -> None:  # noqa: F811
    for who in (ALEX, OUTSIDER):
        response = await post(desk, f"/api/requests/{FIRST}/assign", entra.token(who),
                              {"architect_id": "fta-alex"})
        assert response.status == 403
        assert "manager" in (await response.json())["error"]
    assert ("desk_assign", "refused") in await audit(desk, FIRST)
    request = await SqlRequestRepository(desk.server.app[database_key]).get(FIRST)
    assert request is not None and request.agent_name == ""


async def test_bad_input_is_a_400_saying_what_to_send(desk, entra, clock) -> None:  # noqa: F811
    token = entra.token(MANAGER)
    cases = [
        (f"/api/requests/{FIRST}/assign", {"architect_id": ""}, "the FTA"),
        ("/api/requests/abc/assign", {"architect_id": "fta-alex"}, "not a request id"),
        (f"/api/requests/{FIRST}/extend", {"deadline": "next week", "reason": "x"},
         "ISO 8601"),
        (f"/api/requests/{FIRST}/extend", {"deadline": "2026-12-04T17:00:00", "reason": "x"},
         "ISO 8601"),  # no zone: whose 17:00?
        (f"/api/requests/{FIRST}/extend",
         {"deadline": (clock.now - timedelta(days=1)).isoformat(), "reason": "late"},
         "later"),
        (f"/api/requests/{FIRST}/assign", ["fta-alex"], "JSON object"),
    ]
    for path, body, says in cases:
        response = await post(desk, path, token, body)
        assert response.status == 400, (path, body, await response.text())
        assert says in (await response.json())["error"], (path, body)
    not_json = await desk.post(f"/api/requests/{FIRST}/reoffer", data="architect_id=x",
                               headers={"Authorization": f"Bearer {token}",
                                        "Content-Type": "application/x-www-form-urlencoded"})
    assert not_json.status == 400
    assert "application/json" in (await not_json.json())["error"]
    missing = await post(desk, "/api/requests/999/reoffer", token, {})
    assert missing.status == 404


async def test_a_manager_extends_the_deadline_and_the_desk_keeps_the_original(
        desk, entra, clock) -> None:  # noqa: F811
    token = entra.token(MANAGER, "Mona Manager")
    before = await SqlRequestRepository(desk.server.app[database_key]).get(FIRST)
    assert before is not None and before.deadline is not None
    later = before.deadline + timedelta(days=3)

    response = await post(desk, f"/api/requests/{FIRST}/extend", token,
                          {"deadline": later.isoformat().replace("+00:00", "Z"),
                           "reason": "Customer asked to wait"})

    assert response.status == 200, await response.text()
    [row] = [r for r in (await (await desk.get(
        "/api/queue", headers={"Authorization": f"Bearer {token}"})).json())["rows"]
        if r["id"] == FIRST]
    assert row["deadline"].startswith(later.strftime("%Y-%m-%dT%H:%M"))
    assert row["original_deadline"].startswith(before.deadline.strftime("%Y-%m-%dT%H:%M"))
    assert [e["reason"] for e in row["extensions"]] == ["Customer asked to wait"]
    assert ("desk_extend", "done") in await audit(desk, FIRST)


async def test_a_ticket_goes_only_to_a_member_of_the_ftchelp_channel(
        desk, entra, connector) -> None:  # noqa: F811
    await remember_channel(desk, connector.url, FTCHELP_CHANNEL, membership="private")
    connector.rosters[FTCHELP_CHANNEL] = [
        {"id": "29:user-7", "name": "Mona Manager", "aadObjectId": MANAGER}]
    token = entra.token(MANAGER, "Mona Manager")

    stranger = await post(desk, "/api/tickets/2/transfer", token,
                          {"agent_id": OUTSIDER, "agent_name": "Someone"})

    assert stranger.status == 400
    assert "not a member of the FTCHelp channel" in (await stranger.json())["error"]
