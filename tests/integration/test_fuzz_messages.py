"""Generated activities and card payloads against the real `serve` process: whatever arrives,
/api/messages answers 2xx or the right 4xx, never 500, every invoke answers 200, and no turn
breaks (the bot's /metrics count of failed turns stays at nothing)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cards import verbs
from tests.e2e import harness

VERBS = sorted(v for k, v in vars(verbs).items() if k.isupper())
COMMANDS = ["help", "request FTA", "cancel", "my requests", "status FTA-2026-00001", "ooo",
            "ooo 2026-12-21 to 2027-01-01", "roster", "why FTA-2026-00001", "ooo clear",
            "ooo 2026-02-30", "<at>FTA (Assign</at> help"]
HUGE = st.sampled_from([2**31, 2**63, -(2**63), 10**400])  # past any id column


class _Connector(BaseHTTPRequestHandler):
    """Answers every Bot Connector call the way Teams does when all is well."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"id": "activity-1"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = do_GET = _answer

    def log_message(self, *_: Any) -> None:
        """Quiet: the standard library would print every request to stderr."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    connector = ThreadingHTTPServer(("127.0.0.1", 0), _Connector)
    threading.Thread(target=connector.serve_forever, daemon=True).start()
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    bot = harness.start_bot(workdir, harness.free_port())
    yield bot.url, f"http://127.0.0.1:{connector.server_address[1]}"
    bot.stop()
    connector.shutdown()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 10**6) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12)
card_data = st.fixed_dictionaries(
    {}, optional={"request_id": st.integers(-1, 50) | HUGE | json_values,
                  "version": st.integers(0, 5) | json_values,
                  "offer_id": st.integers(0, 20) | HUGE | json_values,
                  "request_type": st.sampled_from(["discovery_workshop", "sales_support",
                                                   "nope"]) | json_values,
                  "customer": st.text(max_size=300),
                  "seats": st.text(max_size=8) | st.sampled_from(["9" * 400, "²", "٣"]),
                  "sow": st.text(max_size=60), "answer": json_values,
                  "architect_id": json_values, "capacity": json_values,
                  "slot": json_values, "approve": json_values})


@st.composite
def activities(draw: st.DrawFn, service_url: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["message", "invoke", "conversationUpdate",
                                 "installationUpdate", "typing"]))
    body: dict[str, Any] = {
        "type": kind, "id": draw(st.text(min_size=1, max_size=10)), "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": draw(st.sampled_from(["29:a", "29:b", "user-id-0"])),
                 "aadObjectId": draw(st.sampled_from(["aad-a", "aad-b", "", None]))},
        "conversation": {"id": draw(st.sampled_from(["a:1", "19:x@thread.tacv2;messageid=9",
                                                     "19:g@thread.v2"])),
                         "conversationType": draw(st.sampled_from(
                             ["personal", "channel", "groupChat", None]))},
        "channelData": draw(st.none() | st.fixed_dictionaries(
            {"tenant": st.fixed_dictionaries({"id": st.text(max_size=8)}) | json_values,
             "team": json_values}) | json_values),
        "entities": draw(st.none() | st.lists(st.fixed_dictionaries(
            {"type": st.sampled_from(["mention", "clientInfo"])},
            optional={"timezone": st.sampled_from(["Europe/Paris", "Nowhere/Zone", ""]),
                      "country": st.text(max_size=3),
                      "mentioned": st.fixed_dictionaries({"id": st.just("28:bot")}),
                      "text": st.sampled_from(["<at>FTA (Assign</at>", "<at></at>", "x"])}),
            max_size=2)),
    }
    if draw(st.integers(0, 9)):  # Teams always names the bot; a forged activity may not (400)
        body["recipient"] = {"id": "28:bot"}
    if kind == "message":
        body["text"] = draw(st.sampled_from(COMMANDS) | st.text(max_size=80))
        body["attachments"] = draw(st.none() | st.lists(st.fixed_dictionaries(
            {"contentType": st.sampled_from(
                ["application/vnd.microsoft.teams.file.download.info", "text/html"]),
             "name": st.text(max_size=20), "content": json_values}), max_size=2))
    if kind == "invoke":
        body["name"] = draw(st.sampled_from(["adaptiveCard/action", "task/fetch", "x"]))
        body["value"] = draw(st.fixed_dictionaries({"action": st.fixed_dictionaries(
            {"type": st.just("Action.Execute"), "verb": st.sampled_from(VERBS) | json_values,
             "data": card_data | json_values})}) | json_values)
    if kind == "conversationUpdate":
        body["membersAdded"] = [{"id": draw(st.sampled_from(["28:bot", "29:a"]))}]
    return body


def post(url: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(f"{url}/api/messages", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, None


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(data=st.data())
def test_no_activity_makes_the_bot_answer_500(served, data) -> None:
    bot_url, connector_url = served
    body = data.draw(activities(connector_url))
    failed = failed_turns(bot_url)
    status, answer = post(bot_url, body)
    assert status in (200, 201, 400), (status, body)
    if body["type"] == "invoke" and body.get("name") == "adaptiveCard/action" and (
            "recipient" in body):
        assert status == 200 and answer["statusCode"] == 200, (status, answer, body)
    assert failed_turns(bot_url) == failed, body  # the turn did not break


def failed_turns(bot_url: str) -> float:
    """Turns that broke so far, by the bot's own count on /metrics."""
    with urllib.request.urlopen(f"{bot_url}/metrics", timeout=20) as metrics:
        return sum(float(line.rsplit(" ", 1)[1])
                   for line in metrics.read().decode().splitlines()
                   if line.startswith("fta_turns_failed_total{"))
