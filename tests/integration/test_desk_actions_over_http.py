"""The managers' desk in chat, over HTTP through the real adapter: reassign and extend from a
manager's view of a request, assign and re-offer from the SLA alerts (updated in place as
anyone acts), each with its audit line and its notices, and refused when it must be: a seller,
a stale card, an FTA who may not take it, a deadline in the past. The engine never undoes a
manager's choice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import database_key
from storage.activity_log import SqlActivityLog
from storage.assignments import SqlAssignmentDesk
from storage.ftop import SqlFtopGateway
from storage.requests import SqlRequestRepository
from storage.tables import timers
from tests.conftest import ACCOUNT_TEAM_CHANNEL, MANAGERS_CHANNEL
from tests.integration.test_escalations_over_http import posted_id
from tests.integration.test_offers_over_http import (
    cards_in,
    fta,
    load_roster,
    offer_data,
    submit,
    updates_in,
)
from tests.support.driver import User, buttons, texts_of, tick


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    """Offers wait a week for an answer here, so an SLA alert finds one still open."""
    from dataclasses import replace

    return replace(settings, offer_timeout_hours=40.0)


@pytest.fixture
def manager(bot, connector) -> User:  # type: ignore[no-untyped-def]
    return User(bot, connector, number=9, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                kind="channel")


async def audit(bot, request_id: int) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    trail = await SqlActivityLog(bot.server.app[database_key]).for_request(request_id)
    return [(t["actor"][-2:], t["action"], t["outcome"]) for t in trail]


async def view(manager: User, request_id: int) -> dict:
    [answer] = await manager.say(f"status FTA-2026-{request_id:05d}")
    return dict(answer.cards[0])


async def test_a_manager_reassigns_an_accepted_request_and_everyone_concerned_is_told(
        bot, connector, manager, database_url) -> None:
    await load_roster(database_url, fta(5), fta(6))
    await User(bot, connector, number=5).say("hi")
    await User(bot, connector, number=6).say("hi")
    request_id = await submit(User(bot, connector, number=1))
    [offer] = cards_in(connector, "a:personal-5")
    await User(bot, connector, number=5).press("accept_offer", offer_data(offer))
    shown = await view(manager, request_id)
    assert "Reassign to another FTA" in texts_of(shown)
    reassign = buttons(shown)["Reassign"]["data"]

    answer = await manager.press("manager_reassign", {**reassign, "reassign_to": "fta-6",
                                                      "reassign_reason": "Seller 5 is ill"})

    assert "FTA-2026-00001 reassigned from Seller 5 to Seller 6" in texts_of(answer["value"])
    told_old = cards_in(connector, "a:personal-5")[-1]
    assert "FTA-2026-00001 was reassigned to Seller 6" in texts_of(told_old)
    assert "Seller 5 is ill" in texts_of(told_old)
    assert any("reassigned to Seller 6" in texts_of(card)
               for _, card in updates_in(connector, "a:personal-5"))  # their work card too
    work = cards_in(connector, "a:personal-6")[-1]
    assert "A manager reassigned this request to you (Seller 5 had it)" in texts_of(work)
    assert "FTA-2026-00001 is assigned to Seller 6" in texts_of(
        cards_in(connector, "a:personal-1")[-1])
    [(_, post)] = updates_in(connector, ACCOUNT_TEAM_CHANNEL)  # the post names the new FTA
    assert "<at>Seller 6</at> is the FastTrack Architect" in texts_of(post)
    [reply] = [c for s in connector.sent if s.method == "POST"
               and s.conversation_id.startswith(f"{ACCOUNT_TEAM_CHANNEL};messageid=")
               for c in s.cards]  # and a reply in its thread, so the account team hears
    assert "<at>Seller 6</at>" in texts_of(reply)
    database = bot.server.app[database_key]
    record = await SqlFtopGateway(database).get(request_id)
    assert record is not None and record.fta_id == "fta-6"
    assert [(f.fta_name, f.reason) for f in record.ftas] == [("Seller 5", ""),
                                                             ("Seller 6", "Seller 5 is ill")]
    loads = await SqlAssignmentDesk(database).points_by_architect(_now(bot))
    assert loads.get("fta-5", 0) == 0 and loads["fta-6"] == 3
    assert ("09", "desk_reassign", "done") in await audit(bot, request_id)


def _now(bot):  # type: ignore[no-untyped-def]
    from bot.edge.http import clock_key

    return bot.server.app[clock_key]()


async def test_a_reassignment_is_refused_to_a_seller_on_a_stale_card_and_without_a_reason(
        bot, connector, manager, database_url) -> None:
    await load_roster(database_url, fta(5), fta(6), fta(7))
    for number in (5, 6, 7):
        await User(bot, connector, number=number).say("hi")
    request_id = await submit(User(bot, connector, number=1))
    [offer] = cards_in(connector, "a:personal-5")
    await User(bot, connector, number=5).press("accept_offer", offer_data(offer))
    data = buttons(await view(manager, request_id))["Reassign"]["data"]
    seller = User(bot, connector, number=1)

    by_seller = await seller.press("manager_reassign", {**data, "reassign_to": "fta-6",
                                                        "reassign_reason": "mine"})
    no_reason = await manager.press("manager_reassign", {**data, "reassign_to": "fta-6"})
    await manager.press("manager_reassign", {**data, "reassign_to": "fta-6",
                                             "reassign_reason": "Seller 5 is ill"})
    stale = await manager.press("manager_reassign", {**data, "reassign_to": "fta-7",
                                                      "reassign_reason": "another"})

    assert "Only FTA managers" in by_seller["value"]
    assert "Say why it is reassigned" in texts_of(no_reason["value"])
    assert "Nothing changed on FTA-2026-00001: it is assigned to Seller 6" in texts_of(
        stale["value"])
    assert cards_in(connector, "a:personal-7") == []
    lines = await audit(bot, request_id)
    assert ("01", "desk_reassign", "refused") in lines
    assert lines.count(("09", "desk_reassign", "refused")) == 2


async def test_an_fta_out_of_office_cannot_be_given_a_request_by_hand(
        bot, connector, manager, database_url) -> None:
    from dataclasses import replace

    from domain.roster import Absence

    away = replace(fta(6), out_of_office=(Absence(_now(bot).date(),
                                                  _now(bot).date() + timedelta(days=9)),))
    await load_roster(database_url, fta(5, capacity=2), away)
    request_id = await submit(User(bot, connector, number=1))

    refused = await manager.press("manager_assign", {"request_id": request_id,
                                                     "architect_id": "fta-6"})

    assert "was not assigned: Seller 6 is out of office" in texts_of(refused["value"])
    assert ("09", "desk_assign", "refused") in await audit(bot, request_id)


async def test_a_manager_extends_the_deadline_and_the_sla_clock_moves_with_it(
        bot, connector, manager, clock, database_url) -> None:
    await load_roster(database_url, fta(5, capacity=2))  # nobody can take it
    request_id = await submit(User(bot, connector, number=1))
    database = bot.server.app[database_key]
    before = await SqlRequestRepository(database).get(request_id)
    assert before is not None and before.deadline is not None
    shown = await view(manager, request_id)
    extend = buttons(shown)["Extend deadline"]["data"]
    later = (before.deadline + timedelta(days=7)).date().isoformat()

    past = await manager.press("manager_extend", {**extend, "deadline": "2026-01-02",
                                                  "extend_reason": "late"})
    answer = await manager.press("manager_extend", {**extend, "deadline": later,
                                                    "extend_reason": "The customer asked "
                                                                     "for January"})

    assert "The new deadline is in the past" in texts_of(past["value"])
    assert "The deadline of FTA-2026-00001 moved to" in texts_of(answer["value"])
    after = await SqlRequestRepository(database).get(request_id)
    assert after is not None and after.original_deadline == before.deadline
    assert after.deadline == before.deadline + timedelta(days=7)
    [extension] = after.extensions
    assert (extension.reason, extension.by) == ("The customer asked for January", "Seller 9")
    notice = cards_in(connector, "a:personal-1")[-1]
    assert "the FTA managers moved its deadline" in texts_of(notice)
    assert "The customer asked for January" in texts_of(notice)
    clock.advance(before.deadline - clock() + timedelta(minutes=1))  # the old breach time
    await tick(bot)
    assert not any("SLA breached" in texts_of(c) for c in cards_in(connector, MANAGERS_CHANNEL))
    clock.advance(timedelta(days=7))
    await tick(bot)
    assert any("SLA breached" in texts_of(c) for c in cards_in(connector, MANAGERS_CHANNEL))
    async with database.connect() as connection:
        done = (await connection.execute(select(timers.c.kind).where(
            timers.c.request_id == request_id, timers.c.due_at == before.deadline))).all()
    assert done  # the first breach timer was cancelled, not deleted
    lines = await audit(bot, request_id)
    assert ("09", "desk_extend", "done") in lines and ("09", "desk_extend", "refused") in lines


async def test_the_sla_card_offers_the_managers_actions_and_follows_what_they_do(
        bot, connector, manager, clock, database_url) -> None:
    for number in (5, 6):
        await User(bot, connector, number=number).say("hi")
    await load_roster(database_url, fta(5), fta(6, capacity=4))
    request_id = await submit(User(bot, connector, number=1))
    [offer] = cards_in(connector, "a:personal-5")  # Seller 5 sits on it
    clock.advance(timedelta(days=1, hours=13))
    await tick(bot)
    [alert] = [c for c in cards_in(connector, MANAGERS_CHANNEL) if "SLA at risk" in texts_of(c)]
    assert {"Assign", "Re-offer to the next FTA"} <= set(buttons(alert))
    assert "Offered to Seller 5, who has not answered yet" in texts_of(alert)
    assert "Seller 6 (0/4 points)" in texts_of(alert)

    answer = await manager.press("manager_reoffer", {"request_id": request_id})

    assert "re-offered to Seller 6" in texts_of(answer["value"])
    [(_, withdrawn)] = [u for u in updates_in(connector, "a:personal-5")]
    assert "passed to another FTA" in texts_of(withdrawn)
    assert "New request for you" in texts_of(cards_in(connector, "a:personal-6")[-1])
    updated = dict(updates_in(connector, MANAGERS_CHANNEL))
    assert "FTA-2026-00001 was offered to Seller 6" in texts_of(
        updated[posted_id(connector, alert)])
    stale = await User(bot, connector, number=5).press("accept_offer", offer_data(offer))
    assert "already expired" in stale["value"]
    assert ("09", "desk_reoffer", "done") in await audit(bot, request_id)


async def test_a_decline_of_a_managers_offer_goes_back_to_the_managers_not_the_balancer(
        bot, connector, manager, database_url) -> None:
    for number in (5, 6, 7):
        await User(bot, connector, number=number).say("hi")
    await load_roster(database_url, fta(5), fta(6), fta(7))
    request_id = await submit(User(bot, connector, number=1))
    await manager.press("manager_reoffer", {"request_id": request_id})  # from 5 to 6
    [managers_offer] = cards_in(connector, "a:personal-6")

    declined = await User(bot, connector, number=6).press(
        "decline_offer", {**offer_data(managers_offer), "decline_reason": "On leave"})
    await tick(bot)  # the queue's pass leaves it to the managers

    assert "went back to the FTA managers" in texts_of(declined["value"])
    assert cards_in(connector, "a:personal-7") == []
    back = cards_in(connector, MANAGERS_CHANNEL)[-1]
    assert "FTA-2026-00001 is back with the FTA managers" in texts_of(back)
    assert "declined: On leave" in texts_of(back)
    again = await manager.press("manager_reoffer", {"request_id": request_id})
    assert "re-offered to Seller 7" in texts_of(again["value"])


async def test_assigning_from_the_sla_card_updates_it_and_a_second_assign_is_stale(
        bot, connector, manager, clock, database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5, capacity=2))
    request_id = await submit(User(bot, connector, number=1))
    clock.advance(timedelta(days=1, hours=13))
    await tick(bot)
    [alert] = [c for c in cards_in(connector, MANAGERS_CHANNEL) if "SLA at risk" in texts_of(c)]

    answer = await manager.press("manager_assign", {"request_id": request_id,
                                                    "architect_id": "fta-5"})
    again = await manager.press("manager_reoffer", {"request_id": request_id})

    assert "assigned to Seller 5 (over capacity, flagged)" in texts_of(answer["value"])
    updated = dict(updates_in(connector, MANAGERS_CHANNEL))
    assert "assigned to Seller 5" in texts_of(updated[posted_id(connector, alert)])
    assert "Nothing changed on FTA-2026-00001: it is already assigned to Seller 5" in texts_of(
        again["value"])
    assert "A manager assigned this request to you" in texts_of(
        cards_in(connector, "a:personal-5")[-1])

