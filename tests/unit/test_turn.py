"""The edge's translation of a botbuilder turn into the journeys' Turn, and a journey helper
read through a plain fake Turn (no botbuilder)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.edge.turn import ContextTurn, activity_of
from bot.identity import requester_of
from bot.replies import card_message
from bot.turn import Actor, Message, Place, SentFile

FILE_INFO = "application/vnd.microsoft.teams.file.download.info"


def context_turn(**fields: Any) -> ContextTurn:
    body = {"type": "message", "id": "a1", "serviceUrl": "https://smba.example/",
            "conversation": {"id": "19:chat;messageid=7", "conversationType": "channel"},
            "from": {"id": "29:teams-id", "name": "Ada"}, "recipient": {"id": "28:bot"},
            **fields}
    return ContextTurn(TurnContext(SimpleNamespace(), Activity().deserialize(body)))


def test_the_actor_is_the_aad_object_id_where_teams_sends_one() -> None:
    with_aad = context_turn(**{"from": {"id": "29:x", "aadObjectId": "aad-1", "name": "Ada"}})
    assert with_aad.actor == Actor(id="aad-1", teams_id="29:x", aad_object_id="aad-1",
                                   name="Ada")
    assert context_turn().actor.id == "29:teams-id"


def test_the_place_is_the_conversation_as_teams_names_it() -> None:
    assert context_turn().place == Place("19:chat;messageid=7", "channel")


def test_only_teams_file_attachments_are_files() -> None:
    turn = context_turn(attachments=[
        {"contentType": FILE_INFO, "name": "sow.docx", "contentUrl": "https://x/sow.docx",
         "content": {"downloadUrl": "https://x/dl"}},
        {"contentType": "text/html", "content": "<p>hi</p>"}])
    assert turn.files == (SentFile("sow.docx", "https://x/sow.docx", "https://x/dl"),)


def test_the_client_time_zone_and_country_come_from_client_info() -> None:
    turn = context_turn(entities=[{"type": "clientInfo", "timezone": "Europe/Paris",
                                   "country": "FR"}])
    assert (turn.client_timezone, turn.client_country) == ("Europe/Paris", "FR")
    assert (context_turn().client_timezone, context_turn().client_country) == ("", "")


def test_an_invoke_has_no_text() -> None:
    assert context_turn(type="invoke", name="adaptiveCard/action").text == ""


def test_a_card_message_becomes_an_activity_with_the_card_as_it_is() -> None:
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "hi"}]}
    activity = activity_of(card_message(card))
    assert activity.type == "message"
    assert activity.attachments[0].content_type == "application/vnd.microsoft.card.adaptive"
    assert activity.attachments[0].content is card


@dataclass
class FakeTurn:
    """A Turn a test writes by hand: what was sent is kept in ``sent``."""

    actor: Actor = field(default_factory=lambda: Actor("aad-1", "29:x", "aad-1", ""))
    place: Place = field(default_factory=lambda: Place("a:chat", "personal"))
    text: str = ""
    files: tuple[SentFile, ...] = ()
    reply_to_id: str = ""
    client_timezone: str = ""
    client_country: str = ""
    sent: list[str | Message] = field(default_factory=list)

    def reference(self, with_activity_id: bool = False) -> dict[str, Any]:
        return {"conversation": {"id": self.place.conversation_id}}

    async def send(self, message: str | Message) -> str:
        self.sent.append(message)
        return f"sent-{len(self.sent)}"

    async def sender_email(self) -> str:
        return ""


def test_a_requester_takes_the_client_zone_and_country_when_they_are_real() -> None:
    requester = requester_of(FakeTurn(client_timezone="Asia/Tokyo", client_country="jp"),
                             "Europe/London", "GB")
    assert (requester.id, requester.name, requester.timezone, requester.country) == \
        ("aad-1", "A seller", "Asia/Tokyo", "JP")


def test_a_requester_falls_back_to_the_defaults_for_what_the_client_garbles() -> None:
    requester = requester_of(FakeTurn(client_timezone="../../etc/passwd",
                                      client_country="GBR"), "Europe/London", "GB")
    assert (requester.timezone, requester.country) == ("Europe/London", "GB")
