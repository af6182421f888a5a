"""The internal ATU/CSU/FTA call through Graph, driven from the FTA's card over HTTP: a fake
Graph and an https token endpoint on loopback, the real msal and the real adapter."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app import create_app
from domain.ftop import FIRST_CONTACT, TaskState
from tests.conftest import ACCOUNT_TEAM_CHANNEL
from tests.integration.test_assignment_work_over_http import ftop_record
from tests.integration.test_offers_over_http import cards_in, fta, load_roster, offer_data
from tests.support.driver import User, buttons, card_state, texts_of
from tests.support.requests import COMPLETE

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
FTA_MAIL = "fta5@contoso.com"


@pytest.fixture
async def bot(aiohttp_client, settings, clock, fakes):  # type: ignore[no-untyped-def]
    entra, graph = fakes
    with_graph = replace(settings, graph_base_url=graph.url, graph_authority=entra.authority,
                         graph_client_id="client", graph_client_secret="secret",
                         ftav2_attendees=("ftav2@contoso.com",),
                         assignment_mail_sender="fta-assign@contoso.com")
    return await aiohttp_client(create_app(with_graph, clock=clock))


async def accept(bot, connector, database_url):  # type: ignore[no-untyped-def]
    architect, seller = User(bot, connector, number=5), User(bot, connector, number=1)
    await architect.say("hi")
    await load_roster(database_url, replace(fta(5), email=FTA_MAIL))
    form = await seller.open_form("discovery_workshop")
    await seller.press("submit_request", {**card_state(form), **COMPLETE["discovery_workshop"]})
    [offer] = cards_in(connector, "a:personal-5")
    work = (await architect.press("accept_offer", offer_data(offer)))["value"]
    return architect, int(card_state(form)["request_id"]), work


async def test_the_fta_schedules_the_call_and_the_account_team_gets_it_in_the_thread(
        bot, connector, fakes, database_url) -> None:
    _, graph = fakes
    architect, request_id, work = await accept(bot, connector, database_url)
    graph.views[FTA_MAIL] = "2" * 4 + "0" * 400  # busy for the first two hours
    schedule = buttons(work)["Schedule internal call"]

    booked = (await architect.press("schedule_call", schedule["data"]))["value"]

    method, path, body = next(c for c in graph.calls if c[1].endswith("/getSchedule"))
    assert method == "POST"
    assert path == f"/v1.0/users/{FTA_MAIL}/calendar/getSchedule"
    assert body["schedules"] == [FTA_MAIL, "ae@contoso.com", "csam@contoso.com",
                                 "ftav2@contoso.com"]
    [event] = graph.events.values()
    assert event["isOnlineMeeting"] and event["transactionId"].endswith("-internal-call")
    assert "Internal call booked" in texts_of(booked)
    assert "Booked by Seller 5: {{DATE(2026-11-24T14:00:00Z, SHORT)}}" in texts_of(booked)
    # Tuesday 10:00 UTC is 05:00 in New York: the first common slot is 09:00 there (14:00 UTC).
    assert event["start"]["dateTime"] == "2026-11-24T14:00:00"
    [thread_post] = [s for s in connector.sent
                     if s.conversation_id.startswith(f"{ACCOUNT_TEAM_CHANNEL};messageid=")]
    assert "Internal call scheduled" in texts_of(thread_post.cards[0])
    assert "Join the call" in buttons(booked)
    moves = [title for title in buttons(booked) if title.startswith("Move to")]
    assert len(moves) == 2

    moved = (await architect.press("move_call", buttons(booked)[moves[0]]["data"]))["value"]

    assert graph.calls[-1][0] == "PATCH" and "Moved" in texts_of(moved)
    record = await ftop_record(database_url, request_id)
    assert record.call is not None and record.call.start.isoformat().startswith("2026-11-24T14:30")
    assert [r.outcome for r in record.reviews if r.kind == "internal_call"] == [
        "scheduled", "moved"]


async def test_a_mailbox_in_any_windows_time_zone_keeps_its_working_hours(
        bot, connector, fakes, database_url) -> None:
    _, graph = fakes
    architect, _, work = await accept(bot, connector, database_url)
    # Bogota (UTC-5, no daylight saving) under its Windows name, which Graph reports: the
    # account executive works 13:00-18:00 there, 18:00-23:00 UTC.
    graph.hours["ae@contoso.com"] = ("13:00:00", "18:00:00", "SA Pacific Standard Time")

    booked = (await architect.press("schedule_call",
                                    buttons(work)["Schedule internal call"]["data"]))["value"]

    [event] = graph.events.values()
    assert event["start"]["dateTime"] == "2026-11-24T18:00:00"  # not 14:00, before their day
    assert "Booked by Seller 5: {{DATE(2026-11-24T18:00:00Z, SHORT)}}" in texts_of(booked)


async def test_with_graph_the_card_offers_the_booking_and_readyz_says_graph_is_there(
        bot, connector, database_url) -> None:
    _, _, work = await accept(bot, connector, database_url)

    ready = await bot.get("/readyz")

    assert "Schedule internal call" in buttons(work)
    assert "cannot book the internal call" not in texts_of(work)
    assert ready.status == 200 and (await ready.json())["graph"] == {"configured": True}


async def test_call_completed_closes_task_3298(bot, connector, database_url) -> None:
    architect, request_id, work = await accept(bot, connector, database_url)
    await architect.press("schedule_call", buttons(work)["Schedule internal call"]["data"])

    done = await architect.press("call_completed", {"request_id": request_id})

    assert "Task 3298 done" in texts_of(done["value"])
    record = await ftop_record(database_url, request_id)
    assert record.task(FIRST_CONTACT).state is TaskState.DONE


async def test_graph_down_books_nothing_and_says_so(bot, connector, fakes,
                                                    database_url) -> None:
    _, graph = fakes
    architect, request_id, work = await accept(bot, connector, database_url)
    for _ in range(6):
        graph.fail_next(503)

    answer = await architect.press("schedule_call",
                                   buttons(work)["Schedule internal call"]["data"])

    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert "Nothing was booked" in answer["value"]
    assert graph.events == {}
    assert (await ftop_record(database_url, request_id)).call is None


async def test_the_requester_gets_the_assignment_email(bot, connector, fakes,
                                                       database_url) -> None:
    _, graph = fakes
    await accept(bot, connector, database_url)

    [(sender, mail)] = graph.mails
    assert sender == "fta-assign@contoso.com"
    assert [r["emailAddress"]["address"] for r in mail["toRecipients"]] == [
        "user-1@contoso.com"]  # read from the Teams roster when the request was created
    assert [r["emailAddress"]["address"] for r in mail["ccRecipients"]] == [
        "ae@contoso.com", FTA_MAIL]
    assert mail["subject"].startswith("FTA-2026-00001: FastTrack Architect assigned")
    assert "schedules and runs the Discovery Workshop" in mail["body"]["content"]


async def test_withdrawing_cancels_the_booked_call_through_graph(bot, connector, fakes,
                                                                 database_url) -> None:
    _, graph = fakes
    architect, request_id, work = await accept(bot, connector, database_url)
    await architect.press("schedule_call", buttons(work)["Schedule internal call"]["data"])
    [event_id] = graph.events

    answer = await User(bot, connector, number=1).press("withdraw_request",
                                                        {"request_id": request_id})

    method, path, _ = graph.calls[-1]
    assert (method, path) == ("POST", f"/v1.0/users/{FTA_MAIL}/events/{event_id}/cancel")
    assert graph.events == {} and "no longer needed" in graph.cancelled[event_id]["comment"]
    assert "Cancelled by Seller 1: {{DATE(2026-11-24T14:00:00Z, SHORT)}}" in texts_of(
        answer["value"])
    [reply] = [s for s in connector.sent
               if s.conversation_id.startswith(f"{ACCOUNT_TEAM_CHANNEL};messageid=")
               and "Withdrawn" in texts_of(s.cards[0])]
    assert "was cancelled; its attendees were told" in texts_of(reply.cards[0])
    record = await ftop_record(database_url, request_id)
    assert [r.outcome for r in record.reviews if r.kind == "internal_call"] == [
        "scheduled", "cancelled"]


async def test_a_call_graph_cannot_cancel_is_left_to_the_fta(bot, connector, fakes,
                                                             database_url) -> None:
    _, graph = fakes
    architect, request_id, work = await accept(bot, connector, database_url)
    await architect.press("schedule_call", buttons(work)["Schedule internal call"]["data"])
    graph.fail_next(403)

    await User(bot, connector, number=1).press("withdraw_request", {"request_id": request_id})

    assert len(graph.events) == 1 and graph.cancelled == {}
    notice = cards_in(connector, "a:personal-5")[-1]
    assert "could not be cancelled through Microsoft Graph: the FTA cancels it" in texts_of(
        notice)
    record = await ftop_record(database_url, request_id)
    assert [r.outcome for r in record.reviews if r.kind == "internal_call"] == ["scheduled"]
