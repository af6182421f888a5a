"""The Graph gateway against a fake Graph and a fake https token endpoint: real msal, real
aiohttp, Graph's own shapes and its 429/503 answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from gateways.graph import GraphCalendar, GraphError
from tests.support.graph import FakeEntra, FakeGraph

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def graph(fakes) -> AsyncIterator[tuple[GraphCalendar, FakeGraph, FakeEntra]]:  # type: ignore[no-untyped-def]
    entra, fake = fakes
    async with aiohttp.ClientSession() as session:
        yield (GraphCalendar(session, base_url=fake.url, authority=entra.authority,
                             client_id="client", client_secret="secret"), fake, entra)


async def test_free_busy_is_read_for_every_readable_mailbox(graph, database_url) -> None:
    calendar, fake, _ = graph
    fake.views["atu@contoso.com"] = "2200"
    found = await calendar.availability("fta@contoso.com", [
        "fta@contoso.com", "atu@contoso.com", "csu@external.example"], START, START)
    assert [a.attendee for a in found] == ["fta@contoso.com", "atu@contoso.com"]
    assert found[1].view == "2200"
    assert found[0].working_hours is not None
    assert found[0].working_hours.timezone == "America/New_York"
    assert fake.calls[0][2]["availabilityViewInterval"] == 30


async def test_a_meeting_has_a_teams_link_and_a_retry_never_doubles_it(graph,
                                                                       database_url) -> None:
    calendar, fake, entra = graph
    fake.fail_next(429, retry_after=0)
    fake.fail_next(503)

    meeting = await calendar.create_meeting("fta@contoso.com", "Internal call", "Agenda",
                                            ["atu@contoso.com"], START, "fta-2026-00001-call")
    again = await calendar.create_meeting("fta@contoso.com", "Internal call", "Agenda",
                                          ["atu@contoso.com"], START, "fta-2026-00001-call")

    assert meeting.join_url.startswith("https://teams/meet/") and again.id == meeting.id
    [event] = fake.events.values()
    assert event["isOnlineMeeting"] and event["onlineMeetingProvider"] == "teamsForBusiness"
    assert event["start"] == {"dateTime": "2026-11-23T14:00:00", "timeZone": "UTC"}
    assert entra.tokens_issued == 1  # msal caches the app token


async def test_a_meeting_moves_to_another_slot(graph, database_url) -> None:
    calendar, _, _ = graph
    meeting = await calendar.create_meeting("fta@contoso.com", "Call", "", [], START, "k")
    moved = await calendar.move_meeting("fta@contoso.com", meeting.id,
                                        START.replace(hour=15))
    assert moved.start == START.replace(hour=15) and moved.id == meeting.id


async def test_graph_that_keeps_failing_gives_up_with_a_clear_error(graph,
                                                                    database_url) -> None:
    calendar, fake, _ = graph
    for _ in range(4):
        fake.fail_next(503)
    with pytest.raises(GraphError, match="did not answer in time"):
        await calendar.create_meeting("fta@contoso.com", "Call", "", [], START, "k")
    fake.fail_next(403)
    with pytest.raises(GraphError, match="HTTP 403"):
        await calendar.create_meeting("fta@contoso.com", "Call", "", [], START, "k2")


async def test_only_the_organizer_cancels_a_meeting_and_one_already_gone_is_fine(
        graph, database_url) -> None:
    calendar, fake, _ = graph
    meeting = await calendar.create_meeting("fta@contoso.com", "Internal call", "Agenda",
                                            ["atu@contoso.com"], START, "key-cancel")

    with pytest.raises(GraphError, match="HTTP 400"):
        await calendar.cancel_meeting("atu@contoso.com", meeting.id, "No longer needed")
    await calendar.cancel_meeting("fta@contoso.com", meeting.id, "No longer needed")
    await calendar.cancel_meeting("fta@contoso.com", meeting.id, "No longer needed")

    assert fake.cancelled[meeting.id]["comment"] == "No longer needed"
    assert fake.events == {}
