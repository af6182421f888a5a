"""Roles: an admin (ADMIN_AAD_IDS) does what FTA managers do in their channel and FTCHelp
agents in theirs, from any chat, and may look any request up; anyone else is refused politely,
and the refusal is in the audit log. An offer stays the offered FTA's own, admin or not."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from app import database_key
from bot.ftchelp import ONLY_FTCHELP
from bot.roster_desk import MANAGERS_ONLY
from settings import Settings
from storage.tables import activity_log
from tests.integration.test_ftchelp_over_http import submit, tickets
from tests.integration.test_offers_over_http import offer_data, offered_to_fta_5
from tests.support.driver import User, card_state, texts_of

ADMIN = 9  # the test user whose AAD object id is configured as an admin's
ADMIN_ID = f"00000000-0000-0000-0000-{ADMIN:012d}"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, admin_aad_ids=frozenset({ADMIN_ID}))


async def outcomes_of(bot, action: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    query = select(activity_log.c.actor, activity_log.c.outcome).where(
        activity_log.c.action == action)
    async with bot.server.app[database_key].connect() as connection:
        return [(actor[-2:], outcome) for actor, outcome in (await connection.execute(query))]


async def test_an_admin_sees_the_roster_from_a_personal_chat_and_a_seller_does_not(
        bot, connector) -> None:
    [roster] = await User(bot, connector, number=ADMIN).say("roster")
    assert roster.cards and "capacity" in texts_of(roster.cards[0]).lower()

    [refused] = await User(bot, connector, number=2).say("roster")
    assert refused.text == MANAGERS_ONLY
    assert ("02", "refused") in await outcomes_of(bot, "message")


async def test_an_admin_looks_up_any_request_a_seller_only_their_own(bot, connector) -> None:
    await submit(User(bot, connector, number=1), "land_ftc_benefit")

    [found] = await User(bot, connector, number=ADMIN).say("status FTA-2026-00001")
    assert "FTA-2026-00001" in texts_of(found.cards[0])
    [hidden] = await User(bot, connector, number=2).say("status FTA-2026-00001")
    assert "can't find FTA-2026-00001" in hidden.text


async def test_an_admin_takes_an_ftchelp_ticket_from_anywhere(bot, connector) -> None:
    await submit(User(bot, connector, number=1), "land_ftc_benefit")
    [ticket] = tickets(connector)

    outsider = await User(bot, connector, number=2).press("ticket_assign_to_me",
                                                          card_state(ticket))
    assert outsider["value"] == ONLY_FTCHELP
    taken = await User(bot, connector, number=ADMIN).press("ticket_assign_to_me",
                                                           card_state(ticket))
    assert "Seller 9" in texts_of(taken["value"])
    assert ("02", "refused") in await outcomes_of(bot, "ticket_assign_to_me")


async def test_an_offer_is_the_offered_ftas_own_even_for_an_admin(bot, connector,
                                                                  database_url) -> None:
    _, offer = await offered_to_fta_5(bot, connector, database_url)
    answer = await User(bot, connector, number=ADMIN).press("accept_offer", offer_data(offer))
    assert answer["value"] == "This offer was made to someone else."
