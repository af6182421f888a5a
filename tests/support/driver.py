"""Drive the bot over HTTP as a Teams user would: type text, press card buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support.activities import activity, card_action, message, person
from tests.support.connector import FakeConnector


def card_state(card: dict[str, Any]) -> dict[str, Any]:
    """request_id and version, as the card's Action.Execute buttons carry them."""
    data = next(a["data"] for a in card["actions"] if "request_id" in a.get("data", {}))
    return {k: data[k] for k in ("request_id", "version") if k in data}


def texts_of(card: dict[str, Any]) -> str:
    """Every piece of text on a card, flattened, for assertions."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value", "label"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


def input_values(card: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "value" in node:
                values[node["id"]] = node["value"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return values


@dataclass
class User:
    client: Any
    connector: FakeConnector
    number: int = 0
    conversation: str = ""
    kind: str = "personal"
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.conversation = self.conversation or f"a:personal-{self.number}"

    def _where(self) -> dict[str, Any]:
        client = {"type": "clientInfo", "locale": "fr-FR", "country": "FR",
                  "timezone": "Europe/Paris"}
        return {"user": person(self.number), "conversation": self.conversation,
                "kind": self.kind, "entities": [client], **self.extra}

    async def say(self, text: str) -> list[Any]:
        before = len(self.connector.sent)
        response = await self.client.post("/api/messages",
                                           json=message(self.connector.url, text, **self._where()))
        assert response.status == 201, await response.text()
        return self.connector.sent[before:]

    async def send(self, body: dict[str, Any]) -> list[Any]:
        before = len(self.connector.sent)
        response = await self.client.post("/api/messages", json=body)
        assert response.status in (200, 201), await response.text()
        return self.connector.sent[before:]

    def activity(self, **fields: Any) -> dict[str, Any]:
        return activity(self.connector.url, **{**self._where(), **fields})

    async def press(self, verb: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Press an Action.Execute button; the invoke's body (always HTTP 200)."""
        body = card_action(self.connector.url, verb, data, **self._where())
        response = await self.client.post("/api/messages", json=body)
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
        assert answer["statusCode"] == 200
        return answer

    async def open_form(self, type_key: str) -> dict[str, Any]:
        [sent] = await self.say("request FTA")
        answer = await self.press("choose_request_type",
                                  {**card_state(sent.cards[0]), "request_type": type_key})
        return answer["value"]
