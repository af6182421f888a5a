"""The deadline queue's late lane in the app, over HTTP on SQLite and PostgreSQL: a request
past its deadline is held (offered only to an FTA who keeps room to spare after it), the
seller's status and the managers' `why` say so and until when, and past the hold it takes the
room there is; and the app's worker serves the queue in the simulator's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from domain.balancer import Policy, decide
from domain.calendar import business_days_later
from domain.queue import DEFAULT_HOLD, LateLane
from domain.simulation import Simulation, deadline_of
from domain.sla import HOLD_ENDS
from domain.trace import parse_trace
from storage.assignments import SqlAssignmentDesk
from storage.database import open_database
from storage.requests import SqlRequestRepository
from storage.tables import timers
from storage.timers import SqlTimers
from tests.conftest import FIXED_NOW, MANAGERS_CHANNEL
from tests.integration.test_assignment_work_over_http import accepted
from tests.integration.test_engine_over_http import full_and_one_waiting, offers_to_fta_5, submit
from tests.integration.test_offers_over_http import cards_in, offer_data, updates_in
from tests.support.driver import User, texts_of, tick


@pytest.fixture
def manager(bot, connector) -> User:  # type: ignore[no-untyped-def]
    return User(bot, connector, number=9, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                kind="channel")


async def deadline_of_request(database_url: str, request_id: int) -> datetime:
    database = open_database(database_url)
    request = await SqlRequestRepository(database).get(request_id)
    await database.dispose()
    assert request is not None and request.deadline is not None
    return request.deadline


def stamp(at: datetime) -> str:
    """How a card writes an instant for Teams to show in the reader's zone (cards/text.py)."""
    return f"{{{{DATE({at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}, SHORT)}}}}"


def offered(connector, numbers: dict[int, str]) -> list[str]:  # type: ignore[no-untyped-def]
    """The requests offered to FTA 5 so far, by their names in ``numbers``, in order."""
    return [name for card in offers_to_fta_5(connector) for number, name in numbers.items()
            if f"FTA-2026-{number:05d}" in texts_of(card)]


async def test_a_late_request_is_held_with_room_left_explained_then_offered_past_the_hold(
        bot, connector, clock, database_url, manager) -> None:
    # FTA 5 (capacity 9) full with three workshops; a fourth waits and misses its deadline.
    architect, seller, first, _, late = await full_and_one_waiting(bot, connector, database_url)
    deadline = await deadline_of_request(database_url, late)
    clock.advance(timedelta(days=3))  # Friday: the Tuesday request's deadline passed
    assert deadline < clock.now < deadline + DEFAULT_HOLD

    await architect.press("engagement_finished", {"request_id": first})  # 3 points free
    await tick(bot)

    assert len(offers_to_fta_5(connector)) == 3  # held: 3 free, not the 3 + 3 it needs
    [status] = await seller.say(f"status FTA-2026-{late:05d}")
    told = texts_of(status.cards[0])
    assert f"It missed its deadline, so it is held until {stamp(deadline + DEFAULT_HOLD)}" \
        in told
    assert "Until then it goes only to an FTA with room to spare after it" in told
    assert "from then, to the first FTA with room" in told
    assert "The FTA managers have it as well" in told  # nobody could take it when filed
    [why] = await manager.say(f"why FTA-2026-{late:05d}")
    explained = texts_of(why.cards[0])
    assert f"Now: held until {stamp(deadline + DEFAULT_HOLD)}" in explained
    assert f"It missed its deadline ({stamp(deadline)}" in explained
    assert "1 FTA has room for it, but not with the 3 points kept free" in explained
    assert "Not eligible: 1 has room for it but not with the points kept free" in explained

    clock.advance(timedelta(days=7))  # past its deadline by more than the hold
    await tick(bot)

    assert f"FTA-2026-{late:05d}" in texts_of(offers_to_fta_5(connector)[-1])


def _trace(requests: list[dict[str, Any]]) -> dict[str, Any]:
    fta_5 = {"id": "fta-5", "capacity": 9, "timezone": "America/New_York",
             "holiday_country": "US", "skills": {}, "segments": ["enterprise"],
             "regions": ["NA"], "active": True, "out_of_office": []}
    return {"start": "2026-11-23", "end": "2026-12-31", "weights": {"discovery_workshop": 3},
            "architects": [fta_5], "requests": requests}


def _workshop(name: str, at: datetime, days: int = 30) -> dict[str, Any]:
    """Seller 1's workshop as the app files it (Paris, France: its deadline's calendar)."""
    return {"id": name, "submitted_at": at.isoformat(), "type": "discovery_workshop",
            "segment": "enterprise", "region": "NA", "country": "FR",
            "timezone": "Europe/Paris", "workloads": ["exchange", "teams"],
            "customer": "Contoso Ltd", "declined_by": [], "engagement_business_days": days}


async def test_the_apps_worker_serves_the_late_lane_in_the_simulators_order(
        bot, connector, clock, database_url) -> None:
    # FTA 5 full with w1, w2, w3 (w1 ends after 3 business days, w2 and w3 after 8); "late"
    # filed with them misses its deadline; "fresh" can still meet its own when w1 ends, and
    # "late2" has just missed its own when w2 and w3 end.
    late_at = FIXED_NOW + timedelta(minutes=1)  # after the three (the trace sorts by time)
    fresh_at, late2_at = datetime(2026, 11, 27, 10, tzinfo=UTC), \
        datetime(2026, 11, 30, 12, tzinfo=UTC)
    raw = _trace([_workshop("w1", FIXED_NOW, 3), _workshop("w2", FIXED_NOW, 8),
                  _workshop("w3", FIXED_NOW, 8), _workshop("late", late_at),
                  _workshop("fresh", fresh_at), _workshop("late2", late2_at)])
    trace = parse_trace(raw)
    w1_ends, w2_ends = (business_days_later(FIXED_NOW, days, "America/New_York", "US")
                        for days in (3, 8))
    late2_unheld = deadline_of(trace.requests[-1]) + DEFAULT_HOLD
    steps = [w1_ends, w2_ends, late2_unheld]
    simulated = Simulation(trace, Policy("skilled")).run()
    by_step = [[a.request.demand.request_id for a in simulated.assignments
                if a.assigned_at == step] for step in steps]

    architect, seller, w1, _ = await accepted(bot, connector, database_url,
                                              "discovery_workshop")
    names = {w1: "w1"}
    for name in ("w2", "w3"):
        names[await submit(seller)] = name
        await architect.press("accept_offer", offer_data(offers_to_fta_5(connector)[-1]))
    clock.now = late_at
    names[await submit(seller)] = "late"
    clock.now = fresh_at
    names[await submit(seller)] = "fresh"
    by_name = {name: request_id for request_id, name in names.items()}

    async def step(at: datetime, finished: tuple[str, ...] = ()) -> list[str]:
        """At ``at``: FTA 5 marks ``finished`` done, the worker ticks, FTA 5 accepts what it
        is offered; which requests it was offered."""
        before = len(offers_to_fta_5(connector))
        clock.now = at
        for name in finished:
            await architect.press("engagement_finished", {"request_id": by_name[name]})
        await tick(bot)
        for card in offers_to_fta_5(connector)[before:]:
            await architect.press("accept_offer", offer_data(card))
        return offered(connector, names)[before:]

    app_steps = [await step(w1_ends, ("w1",))]
    clock.now = late2_at
    names[await submit(seller)] = "late2"
    app_steps += [await step(w2_ends, ("w2", "w3")), await step(late2_unheld)]
    for request_id, name in names.items():  # the app's deadlines are the simulator's
        assert await deadline_of_request(database_url, request_id) == \
            deadline_of(next(r for r in trace.requests if r.demand.request_id == name))

    # w1 ends: "fresh" before the held "late"; w2 and w3 end (6 free): "late", now past the
    # hold, before the held "late2" (which with 3 left cannot keep 3 free); "late2"'s hold
    # ends: it takes the room left.
    assert by_step == [["fresh"], ["late"], ["late2"]]
    assert app_steps == by_step


async def test_a_look_ahead_match_for_a_held_request_stands_only_if_the_reserve_is_still_free(
        bot, connector, clock, database_url) -> None:
    architect, _, first, _, late = await full_and_one_waiting(bot, connector, database_url)
    clock.advance(timedelta(days=3))  # past its deadline: held
    await architect.press("engagement_finished", {"request_id": first})  # 3 points free
    database = open_database(database_url)
    desk = SqlAssignmentDesk(database)
    # as the engine would match it if it held nothing back
    [waiting], roster, loads = await desk.lookahead_state(clock.now)
    match = decide(waiting.demand, roster, loads, clock.now,
                   Policy("skilled", late=LateLane(reserve=0)))

    held = await desk.offer_matched(late, match, clock.now, LateLane())
    unheld = await desk.offer_matched(late, match, clock.now, LateLane(reserve=0))
    await database.dispose()

    assert (held.offer, held.note) == (None, "changed")
    assert unheld.offer is not None and unheld.offer.architect_id == "fta-5"


async def test_the_sellers_card_says_so_when_the_deadline_passes_and_when_the_hold_ends(
        bot, connector, clock, database_url) -> None:
    _, seller, _, _, late = await full_and_one_waiting(bot, connector, database_url)
    deadline = await deadline_of_request(database_url, late)

    clock.now = deadline + timedelta(minutes=1)
    await tick(bot)
    at_deadline = texts_of(updates_in(connector, seller.conversation)[-1][1])
    alerts = len(cards_in(connector, MANAGERS_CHANNEL))
    clock.now = deadline + DEFAULT_HOLD + timedelta(minutes=1)
    await tick(bot)
    past_hold = texts_of(updates_in(connector, seller.conversation)[-1][1])

    assert f"FTA-2026-{late:05d}" in at_deadline
    assert f"so it is held until {stamp(deadline + DEFAULT_HOLD)}" in at_deadline
    assert "held until" not in past_hold
    assert "first FTA with room left after the requests that can still meet" in past_hold
    assert not [card for card in cards_in(connector, MANAGERS_CHANNEL)[alerts:]  # alerted at
                if f"FTA-2026-{late:05d}" in texts_of(card)]  # the deadline, not again


async def hold_ends_of(database_url: str, request_id: int) -> list[datetime]:
    database = open_database(database_url)
    async with database.connect() as connection:
        due = (await connection.execute(select(timers.c.due_at).where(
            timers.c.kind == HOLD_ENDS, timers.c.request_id == request_id))).scalars().all()
    await database.dispose()
    return list(due)


async def test_a_request_past_its_deadline_before_releases_kept_the_hold_end_gets_it_at_start(
        bot, connector, clock, database_url, aiohttp_client, settings) -> None:
    """A release before the hold's end existed ran the breach without setting it: the next
    start sets it, so the seller's card still drops "held until" once the hold is over."""
    from app import create_app, worker_key

    _, seller, _, _, late = await full_and_one_waiting(bot, connector, database_url)
    deadline = await deadline_of_request(database_url, late)
    clock.now = deadline + timedelta(minutes=1)
    await tick(bot)  # the breach: the card says "held until", and the hold's end is set
    database = open_database(database_url)
    await SqlTimers(database, worker="test").forget(HOLD_ENDS, late)  # as older releases left it
    await database.dispose()

    restarted = await aiohttp_client(create_app(settings, clock=clock))
    assert await hold_ends_of(database_url, late) == [deadline + DEFAULT_HOLD]
    await restarted.server.app[worker_key].schedule_hold_ends()  # as a second instance starts
    assert await hold_ends_of(database_url, late) == [deadline + DEFAULT_HOLD]
    clock.now = deadline + DEFAULT_HOLD + timedelta(minutes=1)
    await tick(restarted)

    past_hold = texts_of(updates_in(connector, seller.conversation)[-1][1])
    assert f"FTA-2026-{late:05d}" in past_hold and "held until" not in past_hold
    assert "first FTA with room left after the requests that can still meet" in past_hold


async def test_no_hold_end_is_added_at_start_for_a_request_whose_deadline_is_ahead(
        bot, connector, clock, database_url, aiohttp_client, settings) -> None:
    from app import create_app

    *_, late = await full_and_one_waiting(bot, connector, database_url)
    await aiohttp_client(create_app(settings, clock=clock))
    assert await hold_ends_of(database_url, late) == []
