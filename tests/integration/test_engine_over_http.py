"""The assignment engine in the app: capacity freed when the FTA marks the engagement
finished, and the worker serving the waiting queue in the simulator's order (the requests
that can still meet their deadline first), over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.test_assignment_work_over_http import accepted
from tests.integration.test_offers_over_http import cards_in, fta, load_roster, offer_data
from tests.support.driver import User, buttons, card_state, texts_of, tick
from tests.support.requests import COMPLETE


async def submit(seller: User, type_key: str = "discovery_workshop") -> int:
    form = await seller.open_form(type_key)
    await seller.press("submit_request", {**card_state(form), **COMPLETE[type_key]})
    return int(card_state(form)["request_id"])


def offers_to_fta_5(connector) -> list[dict]:  # type: ignore[no-untyped-def]
    return [c for c in cards_in(connector, "a:personal-5") if "accept_offer" in str(c)]


async def full_and_one_waiting(bot, connector, database_url):  # type: ignore[no-untyped-def]
    """FTA 5 (capacity 9) holding three Discovery Workshops (3 points each), so full, and a
    fourth waiting: (the FTA, the seller, the first request, its work card, the fourth)."""
    architect, seller, first, work = await accepted(bot, connector, database_url,
                                                    "discovery_workshop")
    for _ in range(2):
        await submit(seller)
        await architect.press("accept_offer", offer_data(offers_to_fta_5(connector)[-1]))
    return architect, seller, first, work, await submit(seller)


async def test_marking_the_engagement_finished_frees_the_capacity_for_a_waiting_request(
        bot, connector, database_url) -> None:
    architect, _, first, work, waiting = await full_and_one_waiting(bot, connector,
                                                                    database_url)
    assert len(offers_to_fta_5(connector)) == 3  # nobody could take the fourth

    assert "Engagement finished" in buttons(work)
    answer = await architect.press("engagement_finished", {"request_id": first})
    again = await architect.press("engagement_finished", {"request_id": first})
    await tick(bot)

    assert "the capacity it held is free" in texts_of(answer["value"])
    assert "Engagement finished" not in buttons(answer["value"])
    assert "already marked finished" in texts_of(again["value"])
    offer = offers_to_fta_5(connector)[-1]
    assert offer_data(offer)["offer_id"] and f"FTA-2026-{waiting:05d}" in texts_of(offer)


async def test_only_the_assigned_fta_can_mark_the_engagement_finished(
        bot, connector, database_url) -> None:
    _, seller, request_id, _ = await accepted(bot, connector, database_url,
                                              "discovery_workshop")

    answer = await seller.press("engagement_finished", {"request_id": request_id})
    garbled = await seller.press("engagement_finished", {"request_id": "x"})

    assert "Only the FTA assigned" in answer["value"]
    assert "Only the FTA assigned" in garbled["value"]


async def test_the_worker_offers_freed_capacity_to_the_request_that_can_still_meet_its_deadline(
        bot, connector, clock, database_url) -> None:
    # FTA 5 full with three workshops; a fourth request waits and misses its deadline.
    architect, _, first, _, late = await full_and_one_waiting(bot, connector, database_url)
    clock.advance(timedelta(days=3))  # Friday: the Tuesday request's deadline passed
    fresh = await submit(User(bot, connector, number=2))

    await architect.press("engagement_finished", {"request_id": first})
    await tick(bot)

    offer = offers_to_fta_5(connector)[-1]
    assert f"FTA-2026-{fresh:05d}" in texts_of(offer)
    assert f"FTA-2026-{late:05d}" not in texts_of(offer)


async def test_past_the_estimate_the_fta_is_asked_and_still_working_holds_the_capacity(
        bot, connector, clock, database_url) -> None:
    architect, seller, first, _ = await accepted(bot, connector, database_url,
                                                 "discovery_workshop")
    await load_roster(database_url, fta(5, capacity=3))  # the workshop fills FTA 5
    clock.advance(timedelta(days=22))  # past its 15 business days
    await tick(bot)
    [question] = [c for c in cards_in(connector, "a:personal-5") if "finished?" in str(c)]
    assert "Still working on it" in buttons(question) and "Engagement finished" in buttons(question)

    held = await architect.press("engagement_continues", {"request_id": first})
    waiting = await submit(seller)
    assert "Your capacity stays held for it until" in texts_of(held["value"])
    assert len(offers_to_fta_5(connector)) == 1  # only the first: the capacity is held

    await architect.press("engagement_finished", {"request_id": first})
    await tick(bot)
    assert f"FTA-2026-{waiting:05d}" in texts_of(offers_to_fta_5(connector)[-1])


async def test_nobody_is_asked_about_an_engagement_marked_finished_before_its_estimate(
        bot, connector, clock, database_url) -> None:
    architect, _, first, _ = await accepted(bot, connector, database_url, "discovery_workshop")
    await architect.press("engagement_finished", {"request_id": first})
    clock.advance(timedelta(days=22))
    await tick(bot)

    assert not [c for c in cards_in(connector, "a:personal-5") if "finished?" in str(c)]


async def test_a_withdrawn_engagement_is_never_asked_about_nor_held_again(
        bot, connector, clock, database_url) -> None:
    architect, seller, first, _ = await accepted(bot, connector, database_url,
                                                 "discovery_workshop")
    [status] = await seller.say(f"status FTA-2026-{first:05d}")
    await seller.press("withdraw_request", buttons(status.cards[0])["Withdraw request"]["data"])
    clock.advance(timedelta(days=22))  # past the workshop's 15 business days
    await tick(bot)
    held = await architect.press("engagement_continues", {"request_id": first})

    assert not [c for c in cards_in(connector, "a:personal-5") if "finished?" in str(c)]
    assert "Your capacity stays held" not in str(held["value"])


async def test_the_worker_offers_freed_points_to_the_lighter_request_due_the_same_day(
        bot, connector, database_url) -> None:
    # FTA 5 full with three workshops; a fourth workshop waits, then a migration exception
    # (1 point, 5 business days estimated, against 3 points and 15) due the same day.
    architect, seller, first, _, workshop = await full_and_one_waiting(bot, connector,
                                                                       database_url)
    migration = await submit(seller, "migration_exception")
    offered_before = len(offers_to_fta_5(connector))

    await architect.press("engagement_finished", {"request_id": first})
    await tick(bot)

    offered = [texts_of(card) for card in offers_to_fta_5(connector)[offered_before:]]
    assert len(offered) == 1 and f"FTA-2026-{migration:05d}" in offered[0]
    assert f"FTA-2026-{workshop:05d}" not in offered[0]
    # 2 points left: the workshop waits for the next room, still in time for its deadline
