"""The roster in Teams: an FTA's out of office, and the managers' roster and decision views."""

from __future__ import annotations

import pytest

from storage.database import open_database
from storage.roster import SqlRoster
from tests.conftest import MANAGERS_CHANNEL
from tests.integration.test_offers_over_http import fta, load_roster, submit
from tests.support.driver import User, texts_of

MESSAGE = "application/vnd.microsoft.activity.message"


async def roster_of(database_url: str) -> dict:
    database = open_database(database_url)
    architects = {a.id: a for a in await SqlRoster(database).all()}
    await database.dispose()
    return architects


@pytest.fixture
def manager(bot, connector) -> User:  # type: ignore[no-untyped-def]
    return User(bot, connector, number=9, conversation=f"{MANAGERS_CHANNEL};messageid=1",
                kind="channel")


async def test_an_fta_sets_and_clears_their_out_of_office(bot, connector, database_url) -> None:
    await load_roster(database_url, fta(5))
    architect = User(bot, connector, number=5)

    [set_] = await architect.say("ooo 2026-12-21 to 2027-01-01")
    [shown] = await architect.say("ooo")

    assert "Noted: no new requests for you from Mon 21 Dec to Fri 01 Jan 2027" in \
        texts_of(set_.cards[0])
    assert "Mon 21 Dec 2026" in texts_of(shown.cards[0])
    away = (await roster_of(database_url))["fta-5"]
    assert [(a.start.isoformat(), a.end.isoformat()) for a in away.out_of_office] == [
        ("2026-12-21", "2027-01-01")]
    await architect.say("ooo clear")
    assert (await roster_of(database_url))["fta-5"].out_of_office == ()


@pytest.mark.parametrize("text", ["ooo 2027-01-05 to 2027-01-01", "ooo 2020-01-01"])
async def test_an_impossible_period_is_refused(bot, connector, database_url, text) -> None:
    await load_roster(database_url, fta(5))
    [reply] = await User(bot, connector, number=5).say(text)
    assert "ends before it starts" in reply.text


@pytest.mark.parametrize("text", ["ooo 2026-02-30", "ooo 2026-12-21 to 2026-13-01"])
async def test_a_day_that_is_not_in_the_calendar_is_refused(bot, connector, database_url,
                                                           text) -> None:
    await load_roster(database_url, fta(5))
    [reply] = await User(bot, connector, number=5).say(text)
    assert reply.text.startswith("That is not a day of the calendar")
    assert (await roster_of(database_url))["fta-5"].out_of_office == ()


async def test_someone_not_on_the_roster_has_no_out_of_office(bot, connector) -> None:
    [reply] = await User(bot, connector, number=1).say("ooo 2026-12-21 to 2027-01-01")
    assert reply.text.startswith("Only FastTrack Architects")


async def test_managers_see_load_against_capacity_and_change_it(bot, connector, manager,
                                                                database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5), fta(6, capacity=4))
    await submit(User(bot, connector, number=1))

    [shown] = await manager.say("roster")
    saved = await manager.press("roster_update", {"architect_id": "fta-6", "capacity": 12,
                                                  "active": "inactive"})

    assert "3/9 points · active" in texts_of(shown.cards[0])
    assert "Saved Seller 6: capacity 12, inactive." in texts_of(saved["value"])
    changed = (await roster_of(database_url))["fta-6"]
    assert (changed.capacity, changed.active) == (12, False)


async def test_the_roster_is_for_managers_only(bot, connector) -> None:
    seller = User(bot, connector, number=1)
    [reply] = await seller.say("roster")
    pressed = await seller.press("roster_update", {"architect_id": "fta-6", "capacity": 0})
    assert "FTA managers" in reply.text
    assert pressed["type"] == MESSAGE and "FTA managers" in pressed["value"]


async def test_managers_read_why_a_request_went_where_it_did(bot, connector, manager,
                                                             database_url) -> None:
    await User(bot, connector, number=5).say("hi")
    await load_roster(database_url, fta(5), fta(6, capacity=30))
    request_id = await submit(User(bot, connector, number=1))

    [why] = await manager.say(f"why FTA-2026-{request_id:05d}")

    text = texts_of(why.cards[0])
    assert "Offered to Seller 6" in text
    assert "Seller 5" in text and "higher relative load after assignment (0.33 vs 0.10)" in text
