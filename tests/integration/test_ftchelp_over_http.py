"""Non-funding requests go to FTCHelp: the FAQ first where it fits, then a ticket in FTCHelp's
channel that an agent takes and resolves, with the answer sent back to the seller."""

from __future__ import annotations

import pytest

from cards.text import inert
from domain.requests import State
from storage.database import open_database
from storage.requests import SqlRequestRepository
from tests.conftest import FTCHELP_CHANNEL
from tests.support.driver import User, buttons, card_state, texts_of
from tests.support.requests import COMPLETE

MESSAGE = "application/vnd.microsoft.activity.message"


def shipped_faq():  # type: ignore[no-untyped-def]
    from app import load_faq
    from settings import Settings

    return load_faq(Settings().faq_path)


@pytest.fixture
def seller(bot, connector) -> User:  # type: ignore[no-untyped-def]
    return User(bot, connector, number=1)


def agent(bot, connector, number: int = 5) -> User:  # type: ignore[no-untyped-def]
    return User(bot, connector, number=number, conversation=f"{FTCHELP_CHANNEL};messageid=7",
                kind="channel")


async def state_of(database_url: str, request_id: int) -> State:
    database = open_database(database_url)
    try:
        request = await SqlRequestRepository(database).get(request_id)
    finally:
        await database.dispose()
    assert request is not None
    return request.state


async def submit(seller: User, type_key: str, **changes: str) -> dict:
    form = await seller.open_form(type_key)
    return await seller.press("submit_request",
                              {**card_state(form), **COMPLETE[type_key], **changes})


def tickets(connector) -> list[dict]:  # type: ignore[no-untyped-def]
    """The ticket cards posted in FTCHelp's channel (not its SLA reminders)."""
    return [card for sent in connector.sent if sent.conversation_id == FTCHELP_CHANNEL
            and sent.method == "POST" for card in sent.cards
            if card["body"][0]["text"].startswith("FTCHelp ticket")]


async def test_an_faq_topic_is_answered_from_the_faq_first(seller, connector,
                                                           database_url) -> None:
    answer = await submit(seller, "sales_support", topic="eligibility")

    card = answer["value"]
    assert "FastTrack eligibility" in texts_of(card) and "150 or more" in texts_of(card)
    assert await state_of(database_url, card_state(card)["request_id"]) is State.FAQ_OFFERED
    assert tickets(connector) == []


async def test_this_answers_it_closes_the_inquiry(seller, connector, database_url) -> None:
    faq = (await submit(seller, "sales_support", topic="gcc"))["value"]

    closed = await seller.press("faq_answered", card_state(faq))

    assert "Glad that helped" in texts_of(closed["value"])
    assert await state_of(database_url, card_state(faq)["request_id"]) is State.ANSWERED_BY_FAQ
    assert tickets(connector) == []


async def test_i_still_need_help_posts_a_ticket_in_the_ftchelp_channel(seller, connector,
                                                                       database_url) -> None:
    faq = (await submit(seller, "sales_support", topic="windows10"))["value"]

    answer = await seller.press("faq_need_help", card_state(faq))

    assert "It went to the FTCHelp team" in texts_of(answer["value"])
    [ticket] = tickets(connector)
    assert "Unassigned" in texts_of(ticket) and "Windows 10" in texts_of(ticket)
    assert await state_of(database_url, card_state(faq)["request_id"]) is State.FTCHELP_OPEN


@pytest.mark.parametrize(("type_key", "changes"), [("sales_support", {"topic": "other"}),
                                                   ("land_ftc_benefit", {})])
async def test_other_non_funding_requests_go_straight_to_ftchelp(seller, connector, type_key,
                                                                 changes) -> None:
    answer = await submit(seller, type_key, **changes)
    assert "It went to the FTCHelp team" in texts_of(answer["value"])
    assert len(tickets(connector)) == 1


async def test_an_agent_takes_and_resolves_a_ticket_and_the_seller_gets_the_answer(
        bot, connector, seller, database_url) -> None:
    await submit(seller, "land_ftc_benefit")
    [ticket] = tickets(connector)
    pat = agent(bot, connector)

    taken = await pat.press("ticket_assign_to_me", card_state(ticket))
    assert "Assigned to Seller 5" in texts_of(taken["value"])
    resolved = await pat.press("ticket_resolve",
                               {**card_state(taken["value"]), "answer": "Benefit landed."})

    assert "Resolved by Seller 5" in texts_of(resolved["value"])
    [to_seller] = [s for s in connector.sent if s.conversation_id == "a:personal-1" and s.cards
                   and s.method == "POST" and "FTCHelp answered" in texts_of(s.cards[0])]
    assert "Benefit landed." in texts_of(to_seller.cards[0])
    request_id = card_state(ticket)["request_id"]
    assert await state_of(database_url, request_id) is State.RESOLVED


async def test_a_second_agent_sees_who_already_took_the_ticket(bot, connector, seller) -> None:
    await submit(seller, "land_ftc_benefit")
    [ticket] = tickets(connector)
    await agent(bot, connector, 5).press("ticket_assign_to_me", card_state(ticket))

    late = await agent(bot, connector, 6).press("ticket_assign_to_me", card_state(ticket))

    assert "Assigned to Seller 5" in texts_of(late["value"])


async def test_only_the_agent_who_took_it_resolves_and_only_with_an_answer(bot, connector,
                                                                           seller) -> None:
    await submit(seller, "land_ftc_benefit")
    [ticket] = tickets(connector)
    taken = (await agent(bot, connector, 5).press("ticket_assign_to_me", card_state(ticket)))
    state = card_state(taken["value"])

    other = await agent(bot, connector, 6).press("ticket_resolve", {**state, "answer": "Mine"})
    empty = await agent(bot, connector, 5).press("ticket_resolve", {**state, "answer": "  "})

    assert other["type"] == MESSAGE and "Seller 5 is answering" in other["value"]
    assert empty["type"] == MESSAGE and "Write the answer" in empty["value"]


async def test_tickets_cannot_be_worked_from_outside_the_ftchelp_channel(connector,
                                                                         seller) -> None:
    await submit(seller, "land_ftc_benefit")
    [ticket] = tickets(connector)

    answer = await seller.press("ticket_assign_to_me", card_state(ticket))

    assert answer["type"] == MESSAGE and "Only the FTCHelp team" in answer["value"]


@pytest.mark.parametrize("topic", sorted(shipped_faq().answers))
async def test_each_faq_topic_is_answered_with_its_own_answer_under_the_question(
        seller, connector, database_url, topic) -> None:
    expected = shipped_faq().answers[topic]
    question = "Does this *really* apply to [our] tenant?"

    card = (await submit(seller, "sales_support", topic=topic, question=question))["value"]

    text = texts_of(card)
    assert card["body"][0]["text"] == expected.title and expected.answer in text
    assert inert(question) in text  # quoted as typed (shown literally), ahead of the answer
    assert text.index(inert(question)) < text.index(expected.answer)
    links = {b["url"]: title for title, b in buttons(card).items()
             if b["type"] == "Action.OpenUrl"}
    assert set(links) == {url for _, url in expected.links}
    assert expected.title.casefold() not in {title.casefold() for title in links.values()}
    assert await state_of(database_url, card_state(card)["request_id"]) is State.FAQ_OFFERED
    assert tickets(connector) == []


async def test_the_demos_sample_ftchelp_request_reaches_the_ftchelp_channel(
        bot, connector, database_url) -> None:
    from storage import sample_data
    from tests.conftest import FIXED_NOW, MANAGERS_CHANNEL
    from tests.support.driver import tick

    database = open_database(database_url)  # as `python app.py sample-data` does
    try:
        assert await sample_data.load(database, FIXED_NOW) == (4, 2)
    finally:
        await database.dispose()
    await tick(bot)
    assert tickets(connector) == []  # no conversation yet: no channel the bot can address
    await User(bot, connector, number=5).say("hi")
    await tick(bot)
    await tick(bot)

    [ticket] = tickets(connector)
    assert "Unassigned" in texts_of(ticket) and "Northwind Traders" in texts_of(ticket)
    escalations = [card for sent in connector.sent if sent.conversation_id == MANAGERS_CHANNEL
                   for card in sent.cards]
    assert any("Fabrikam Inc" in texts_of(card) for card in escalations)  # the FTA queue's


async def test_the_worker_does_not_post_a_ticket_again_nor_one_the_faq_holds(bot, connector,
                                                                            seller) -> None:
    from tests.support.driver import tick

    await submit(seller, "land_ftc_benefit")
    await submit(seller, "sales_support", topic="gcc")  # offered the FAQ: no ticket yet

    await tick(bot)
    await tick(bot)

    assert len(tickets(connector)) == 1
