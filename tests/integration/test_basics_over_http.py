"""The bot's manners, driven through the real adapter over HTTP with a fake Teams connector."""

from __future__ import annotations

import pytest

from domain.conversations import CHANNEL, GROUP_CHAT, PERSONAL
from storage.conversations import SqlConversationDirectory
from storage.database import open_database
from tests.support.activities import (
    BOT_ID,
    activity,
    bot_added,
    card_action,
    mention_message,
    message,
    person,
)

CHANNEL_THREAD = "19:general@thread.tacv2;messageid=1700000000000"


def titles(card: dict) -> list[str]:
    return [block.get("text", "") for block in card["body"] if block["type"] == "TextBlock"]


async def test_help_is_answered_with_the_help_card(bot, connector) -> None:
    response = await bot.post("/api/messages", json=message(connector.url, "help"))

    assert response.status == 201
    [card] = connector.cards()
    assert card["version"] == "1.5"
    assert "What I can do" in titles(card)


@pytest.mark.parametrize("text", ["HELP", "  help ", "Help?", "?"])
async def test_help_matches_whatever_the_case_and_spacing(bot, connector, text) -> None:
    await bot.post("/api/messages", json=message(connector.url, text))
    assert len(connector.cards()) == 1


async def test_a_mention_in_a_channel_is_stripped_before_matching(bot, connector) -> None:
    await bot.post("/api/messages", json=mention_message(
        connector.url, "help", conversation=CHANNEL_THREAD, kind=CHANNEL))

    [sent] = connector.sent
    assert "What I can do" in titles(sent.cards[0])
    assert sent.conversation_id == CHANNEL_THREAD


@pytest.mark.parametrize("fields", [
    {"entities": [{"type": "mention"}]},  # no "mentioned"
    {"entities": [{"text": "<at>FTA Assign</at>"}]},  # no type
    {"entities": [{"type": "mention", "text": "<at>FTA (Assign</at>",
                   "mentioned": {"id": BOT_ID}}], "text": "<at>FTA (Assign</at> help?"},
    {"channelData": "tenant"},
    {"channelData": {"tenant": "x", "team": ["19:x"]}},
], ids=["mention without mentioned", "entity without type", "a name that is no pattern",
        "channelData a string", "tenant and team of other shapes"])
async def test_odd_but_parseable_activities_still_get_their_answer(bot, connector,
                                                                  fields) -> None:
    response = await bot.post("/api/messages", json=activity(connector.url, **{
        "text": "help", **fields}))

    assert response.status == 201
    [sent] = connector.sent
    assert "What I can do" in titles(sent.cards[0])


async def test_unrecognised_text_gets_a_hint_not_silence(bot, connector) -> None:
    await bot.post("/api/messages", json=message(connector.url, "what's the weather"))

    [hint] = connector.texts()
    assert "help" in hint and "request FTA" in hint


async def test_the_bot_welcomes_when_it_is_installed(bot, connector) -> None:
    await bot.post("/api/messages", json=bot_added(connector.url))

    [card] = connector.cards()
    assert "Hi, I'm the FTA Assign bot" in titles(card)


async def test_the_bot_stays_quiet_when_someone_else_joins(bot, connector) -> None:
    joined = activity(connector.url, type="conversationUpdate",
                      membersAdded=[{"id": "29:someone-else"}])
    await bot.post("/api/messages", json=joined)
    assert connector.sent == []


async def test_a_card_action_answers_200_with_the_card_to_show(bot, connector) -> None:
    response = await bot.post("/api/messages", json=card_action(connector.url, "show_help"))

    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "What I can do" in titles(body["value"])


@pytest.mark.parametrize("value", [None, {}, {"action": "x"}, {"action": {"verb": 5}},
                                   {"action": {"verb": "no_such_verb", "data": []}}])
async def test_a_stale_or_garbled_card_action_still_answers_200(bot, connector, value) -> None:
    body = activity(connector.url, type="invoke", name="adaptiveCard/action", value=value)

    response = await bot.post("/api/messages", json=body)

    assert response.status == 200
    answer = await response.json()
    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert "older card" in answer["value"]


async def test_every_kind_of_conversation_is_remembered(bot, connector, database_url) -> None:
    await bot.post("/api/messages", json=message(connector.url, "help", user=person(7)))
    await bot.post("/api/messages", json=message(
        connector.url, "hi", conversation="19:group@thread.v2", kind=GROUP_CHAT))
    await bot.post("/api/messages", json=mention_message(
        connector.url, "help", conversation=CHANNEL_THREAD, kind=CHANNEL))

    database = open_database(database_url)
    directory = SqlConversationDirectory(database)
    personal = await directory.personal_chat_of(person(7)["aadObjectId"])
    group = await directory.by_conversation("19:group@thread.v2")
    channel = await directory.by_conversation("19:general@thread.tacv2")
    await database.dispose()

    assert personal is not None and personal.kind == PERSONAL
    assert personal.reference["serviceUrl"] == connector.url
    assert group is not None and group.kind == GROUP_CHAT
    assert channel is not None and channel.kind == CHANNEL
    assert channel.team_id == "19:team@thread.tacv2"
    assert channel.reference["conversation"]["id"] == "19:general@thread.tacv2"


@pytest.mark.parametrize(("name", "body"), [
    ("task/fetch", {"task": {"type": "message", "value": "This app has no dialogs. Type help."}}),
    ("composeExtension/query", {})])
async def test_an_invoke_this_app_does_not_use_still_answers_200(bot, connector, name,
                                                                 body) -> None:
    response = await bot.post("/api/messages", json=activity(
        connector.url, type="invoke", name=name, value={"commandId": "x"}))
    assert response.status == 200
    assert await response.json() == body
