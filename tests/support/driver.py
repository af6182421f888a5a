"""Drive the bot over HTTP as a Teams user would: type text, press card buttons."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.support.activities import activity, card_action, message, person
from tests.support.connector import FakeConnector


def card_state(card: dict[str, Any]) -> dict[str, Any]:
    """request_id and version, as the card's Action.Execute buttons carry them."""
    data = next(a["data"] for a in card["actions"] if "request_id" in a.get("data", {}))
    return {k: data[k] for k in ("request_id", "version") if k in data}


def nodes(card: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card's tree, depth first."""
    if isinstance(card, dict):
        yield card
        for value in card.values():
            yield from nodes(value)
    elif isinstance(card, list):
        for item in card:
            yield from nodes(item)


def texts_of(card: dict[str, Any]) -> str:
    """Every piece of text on a card, flattened, for assertions."""
    return "\n".join(node[key] for node in nodes(card)
                     for key in ("text", "title", "value", "label")
                     if isinstance(node.get(key), str))


def input_values(card: dict[str, Any]) -> dict[str, Any]:
    return {node["id"]: node["value"] for node in nodes(card)
            if str(node.get("type", "")).startswith("Input.") and "value" in node}


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's buttons by title, wherever they stand (actions or an ActionSet)."""
    return {node["title"]: node for node in nodes(card)
            if node.get("type") in ("Action.Execute", "Action.OpenUrl")}


async def delivered(client: Any, timeout_seconds: float = 10.0) -> None:
    """Let the app's outbox deliver everything the last exchange caused (retries included)."""
    from app import dispatcher_key, outbox_key

    if not hasattr(client, "server"):
        return  # a bot in another process: its own dispatcher delivers
    app = client.server.app
    outbox = app[outbox_key]

    async def waiting() -> int:
        return int((await outbox.depth()).waiting)

    await app[dispatcher_key].drain(timeout_seconds, waiting)


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
        await delivered(self.client)
        return self.connector.sent[before:]

    async def send(self, body: dict[str, Any]) -> list[Any]:
        before = len(self.connector.sent)
        response = await self.client.post("/api/messages", json=body)
        assert response.status in (200, 201), await response.text()
        await delivered(self.client)
        return self.connector.sent[before:]

    def activity(self, **fields: Any) -> dict[str, Any]:
        return activity(self.connector.url, **{**self._where(), **fields})

    async def press(self, verb: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Press an Action.Execute button; the invoke's body (always HTTP 200)."""
        # Teams sends the id of the message whose card was acted on.
        body = card_action(self.connector.url, verb, data, replyToId=f"card-{self.number}",
                           **self._where())
        response = await self.client.post("/api/messages", json=body)
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
        assert answer["statusCode"] == 200
        await delivered(self.client)
        return answer

    async def open_form(self, type_key: str) -> dict[str, Any]:
        [sent] = await self.say("request FTA")
        answer = await self.press("choose_request_type",
                                  {**card_state(sent.cards[0]), "request_type": type_key})
        return answer["value"]


async def tick(client: Any) -> int:
    """Run the app's worker once (due timers, the waiting queue) and deliver what it caused."""
    from app import worker_key

    ran = int(await client.server.app[worker_key].tick())
    await delivered(client)
    return ran
