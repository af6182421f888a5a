"""FTOP task 3298 over HTTP: Call completed records the date the internal call took place, and
a task still open after FIRST_CONTACT_BUSINESS_DAYS business days is chased (the FTA reminded,
the FTA managers told it is overdue, their card updated once the FTA records the call)."""

from __future__ import annotations

from datetime import timedelta

from domain.ftop import FIRST_CONTACT, TaskState
from tests.conftest import MANAGERS_CHANNEL
from tests.integration.test_assignment_work_over_http import accepted, ftop_record
from tests.integration.test_offers_over_http import cards_in, updates_in
from tests.support.driver import buttons, input_values, texts_of, tick

# FIXED_NOW is Tuesday 24 November 2026, 05:00 in the FTA's New York. Thanksgiving (Thursday
# 26) is no business day, so three business days later is Monday 30 November, 05:00 there.
BEFORE_DUE, AFTER_DUE = timedelta(days=5, hours=23), timedelta(days=6, minutes=1)


async def test_call_completed_records_the_date_the_call_took_place(bot, connector, clock,
                                                                   database_url) -> None:
    architect, _, request_id, work = await accepted(bot, connector, database_url,
                                                    "discovery_workshop")
    clock.advance(timedelta(days=2))
    state = {"request_id": request_id}

    future = await architect.press("call_completed", {**state, "call_date": "2026-11-27"})
    early = await architect.press("call_completed", {**state, "call_date": "2026-11-23"})
    done = await architect.press("call_completed", {**state, "call_date": "2026-11-25"})

    assert input_values(work)["call_date"] == "2026-11-24"  # today, in the FTA's zone
    assert "The call date cannot be after today" in texts_of(future["value"])
    assert "cannot be before the assignment (2026-11-24)" in texts_of(early["value"])
    assert "Held by Seller 5: 2026-11-25" in texts_of(done["value"])
    assert "Call completed (3298)" not in buttons(done["value"])
    record = await ftop_record(database_url, request_id)
    assert record.task(FIRST_CONTACT).state is TaskState.DONE
    held = record.reviews[0]
    assert (held.kind, held.outcome, held.detail) == ("internal_call", "held", "2026-11-25")


async def test_call_completed_without_a_date_means_today(bot, connector, database_url) -> None:
    architect, _, request_id, _ = await accepted(bot, connector, database_url, "ecif_review")

    done = await architect.press("call_completed", {"request_id": request_id, "call_date": ""})
    again = await architect.press("call_completed", {"request_id": request_id})

    assert "Held by Seller 5: 2026-11-24" in texts_of(done["value"])
    assert again["value"] == "Task 3298 is already done."


async def test_an_open_task_3298_is_chased_after_three_business_days(bot, connector, clock,
                                                                     database_url) -> None:
    architect, _, request_id, _ = await accepted(bot, connector, database_url,
                                                 "discovery_workshop")
    fta_cards = len(cards_in(connector, "a:personal-5"))

    clock.advance(BEFORE_DUE)
    await tick(bot)
    quiet = (cards_in(connector, "a:personal-5")[fta_cards:], cards_in(connector,
                                                                        MANAGERS_CHANNEL))
    clock.advance(AFTER_DUE - BEFORE_DUE)
    await tick(bot)
    [reminder] = cards_in(connector, "a:personal-5")[fta_cards:]
    [overdue] = cards_in(connector, MANAGERS_CHANNEL)
    done = await architect.press("call_completed", {"request_id": request_id,
                                                    "call_date": "2026-11-30"})

    assert quiet == ([], [])
    assert "Reminder: task 3298 for FTA-2026-" in texts_of(reminder)
    assert input_values(reminder)["call_date"] == "2026-11-30"
    assert "Call completed (3298)" in buttons(reminder)
    assert "Overdue: task 3298 for FTA-2026-" in texts_of(overdue)
    assert "Seller 5 has not recorded the internal call" in texts_of(overdue)
    assert "Held by Seller 5: 2026-11-30" in texts_of(done["value"])
    [(_, updated)] = updates_in(connector, MANAGERS_CHANNEL)
    assert "Task 3298 done for FTA-2026-" in texts_of(updated)


async def test_a_call_recorded_in_time_is_not_chased(bot, connector, clock,
                                                     database_url) -> None:
    architect, _, request_id, _ = await accepted(bot, connector, database_url, "ecif_review")
    await architect.press("call_completed", {"request_id": request_id})
    fta_cards = len(cards_in(connector, "a:personal-5"))

    clock.advance(AFTER_DUE)
    await tick(bot)

    assert cards_in(connector, "a:personal-5")[fta_cards:] == []
    assert cards_in(connector, MANAGERS_CHANNEL) == []
