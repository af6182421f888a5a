"""`my assignments` over HTTP: an FTA's offers to answer, the FTOP tasks and reviews still to
do on the requests they accepted, each with its age; nothing for someone off the roster."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.balancer import Policy
from domain.ftop import EnterpriseAssignment
from domain.requests import FtaRequest
from domain.roster import Architect
from storage.assignments import SqlAssignmentDesk
from storage.database import open_database
from storage.ftop import SqlFtopGateway
from storage.requests import SqlRequestRepository
from storage.sample_data import ALEX
from tests.integration.test_assignment_work_over_http import accepted
from tests.integration.test_first_contact_over_http import AFTER_DUE
from tests.integration.test_offers_over_http import cards_in, fta, load_roster
from tests.support.driver import User, card_state, texts_of
from tests.support.requests import COMPLETE


async def my_assignments(architect: User, text: str = "my assignments") -> str:
    [sent] = await architect.say(text)
    return texts_of(sent.cards[0])


async def test_an_fta_sees_offers_to_answer_and_open_tasks_with_their_age(
        bot, connector, clock, database_url) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                      "engage_before_license")
    clock.advance(timedelta(hours=1))
    form = await seller.open_form("discovery_workshop")
    await seller.press("submit_request", {**card_state(form), **COMPLETE["discovery_workshop"]})
    offered = f"FTA-2026-{card_state(form)['request_id']:05d}"
    assert "New request for you" in texts_of(cards_in(connector, "a:personal-5")[-1])
    clock.advance(timedelta(hours=2))

    listed = await my_assignments(architect)
    await architect.press("call_completed", {"request_id": request_id})
    await architect.press("decide_engagement", {"request_id": request_id, "approve": True})
    after = await my_assignments(architect)

    assert f"FTA-2026-{request_id:05d}" in listed and "Assigned\n3 hours ago" in listed
    assert "Pre-Sales: First Account Team contact made: to do" in listed
    assert "Approve FastTrack engagement prior to license purchase: to do" in listed
    assert offered in listed and "to answer, offered 2 hours ago" in listed
    assert listed.index(f"FTA-2026-{request_id:05d}") < listed.index(offered)  # oldest first
    assert f"FTA-2026-{request_id:05d}" not in after and offered in after


async def test_task_3298_shows_overdue_and_the_review_due_once_past_the_days_allowed(
        bot, connector, clock, database_url) -> None:
    architect, _, _, _ = await accepted(bot, connector, database_url, "discovery_workshop")
    clock.advance(AFTER_DUE)

    listed = await my_assignments(architect)

    assert "First Account Team contact made: to do (overdue)" in listed
    assert "Discovery Workshop\nyour decision is due" in listed
    assert "Assigned\n6 days ago" in listed


async def test_a_decision_waiting_for_the_seller_is_not_the_ftas_open_work(
        bot, connector, database_url) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                      "migration_exception")
    await architect.press("call_completed", {"request_id": request_id})
    await architect.press("record_review", {"request_id": request_id, "outcome": "rejected",
                                            "detail": "Mailbox count looks wrong"})
    waiting = await my_assignments(architect)
    await seller.press("answer_review", {"request_id": request_id,
                                         "more_details": "1,200 active, 300 shared"})

    answered = await my_assignments(architect)

    assert "Nothing open" in waiting
    assert "Exception review\nyour decision is due" in answered


async def test_my_assignments_is_for_ftas_on_the_roster(bot, connector) -> None:
    [sent] = await User(bot, connector, number=1).say("my assignments")
    assert sent.text == "my assignments is for FastTrack Architects on the roster."


async def test_help_tells_ftas_about_my_assignments(bot, connector) -> None:
    [sent] = await User(bot, connector, number=1).say("help")
    assert "my assignments" in texts_of(sent.cards[0])


async def assigned_by_hand(database_url: str, architect: Architect, count: int,
                           start: datetime) -> list[str]:
    """``count`` Discovery Workshops assigned to ``architect`` an hour apart from ``start``,
    each with its FTOP record (task 3298 open): their numbers, oldest first."""
    database = open_database(database_url)
    requests, desk = SqlRequestRepository(database), SqlAssignmentDesk(database, 4)
    ftop = SqlFtopGateway(database)
    numbers = []
    try:
        for n in range(count):
            now = start + timedelta(hours=n)
            request = await requests.add(FtaRequest(ALEX, now))
            request.choose_type("discovery_workshop")
            request.fill({**COMPLETE["discovery_workshop"], "customer": f"Customer {n}"})
            request.submit(now, await requests.issue_number(now))
            await requests.save(request)
            await desk.assign_by_hand(request.id, architect.id, now, Policy("balanced"))
            await ftop.record(EnterpriseAssignment.open(request, architect.id, architect.name,
                                                        now))
            numbers.append(request.number)
    finally:
        await database.dispose()
    return numbers


async def test_an_fta_with_more_open_work_than_a_card_holds_sees_it_all_page_by_page(
        bot, connector, clock, database_url) -> None:
    architect = User(bot, connector, number=5)
    await architect.say("hi")
    await load_roster(database_url, fta(5, capacity=200))
    numbers = await assigned_by_hand(database_url, fta(5, capacity=200), 60,
                                     clock.now - timedelta(days=30))

    first, second, third = [await my_assignments(architect, f"my assignments {page}")
                            for page in (1, 2, 3)]

    assert "60 open items; page 1 of 3 shows 1 to 25, oldest first." in first
    assert "Type **my assignments 2** for the next 25." in first
    assert "page 3 of 3 shows 51 to 60" in third and "Type my assignments" not in third
    shown = [n for page in (first, second, third) for n in numbers if n in page]
    assert shown == numbers  # each once, oldest first, none left out
    assert numbers[0] in await my_assignments(architect)  # the oldest lead the first page
