"""The load generator of the turn benchmark, in its own process: sends one kind of turn from
CONCURRENCY conversations at once and prints what it measured as one line of JSON.

    python bench/load.py BOT_URL CONNECTOR_URL TURN CONCURRENCY COUNT [FIRST_USER]

TURN: echo | help | open | submit | accept. Preparation a turn needs (a draft ready to submit,
an offer to accept) is done first and not timed.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.requests import COMPLETE

TENANT = "00000000-0000-0000-0000-000000000001"
_ids = itertools.count(1)


def fta_user(number: int) -> dict[str, str]:
    return {"id": f"29:fta-{number}", "name": f"FTA {number}",
            "aadObjectId": f"00000000-0000-0000-0001-{number:012d}"}


def seller(number: int) -> dict[str, str]:
    return {"id": f"29:seller-{number}", "name": f"Seller {number}",
            "aadObjectId": f"00000000-0000-0000-0000-{number:012d}"}


def activity(service_url: str, user: dict[str, str], **fields: Any) -> dict[str, Any]:
    return {"type": "message", "id": f"bench-{os.getpid()}-{next(_ids)}", "channelId": "msteams",
            "serviceUrl": service_url, "timestamp": "2026-11-24T10:00:00.000Z",
            "from": user, "recipient": {"id": "28:bot", "name": "FTA Assign"},
            "conversation": {"id": f"a:{user['id'][3:]}", "conversationType": "personal",
                             "tenantId": TENANT},
            "channelData": {"tenant": {"id": TENANT}}, "locale": "en-US",
            "entities": [{"type": "clientInfo", "locale": "en-US", "country": "US",
                          "timezone": "America/New_York"}], **fields}


def card_action(service_url: str, user: dict[str, str], verb: str,
                data: dict[str, Any]) -> dict[str, Any]:
    value = {"action": {"type": "Action.Execute", "verb": verb,
                        "data": {"verb": verb, **data}}, "trigger": "manual"}
    return activity(service_url, user, type="invoke", name="adaptiveCard/action", value=value,
                    replyToId=f"card-{next(_ids)}")


# How the bot asks a user to press again: nothing was done (busy, database out of reach, a
# turn that broke, one still running).
TRY_AGAIN = ("Sorry, I could not finish", "Still working", "I can't reach my records",
             "I'm handling a lot of requests")


class AskedToTryAgain(RuntimeError):
    """The bot answered that nothing was done and the user should press again."""


def asks_to_try_again(answer: dict[str, Any]) -> bool:
    """Is ``answer`` (an invoke's body) the bot asking the user to press again?"""
    return "message" in str(answer.get("type")) and str(answer.get("value", "")).startswith(
        TRY_AGAIN)


class Bot:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url.rstrip("/") + "/api/messages"
        self.pressed_again = 0

    async def press(self, make: Any, pause_seconds: float = 0.3) -> dict[str, Any]:
        """Send the turn ``make()`` builds, and as a user would, press again (a new activity)
        while the bot asks to try again."""
        while True:
            try:
                return await self.post(make())
            except AskedToTryAgain:
                self.pressed_again += 1
                await asyncio.sleep(pause_seconds)

    async def post(self, body: dict[str, Any]) -> dict[str, Any]:
        async with self.session.post(self.url, json=body) as response:
            if response.status not in (200, 201):
                raise RuntimeError(f"HTTP {response.status}: {(await response.text())[:200]}")
            text = await response.text()
            answer: dict[str, Any] = json.loads(text) if text else {}
            if body["type"] == "invoke" and answer.get("statusCode") != 200:
                raise RuntimeError(f"invoke answered {answer}")
            if asks_to_try_again(answer):
                raise AskedToTryAgain(str(answer["value"])[:200])
            return answer


def state_of(card: dict[str, Any]) -> dict[str, Any]:
    data = next(a["data"] for a in card["actions"] if "request_id" in a.get("data", {}))
    return {k: data[k] for k in ("request_id", "version") if k in data}


async def ready_draft(bot: Bot, service: str, user: dict[str, str]) -> dict[str, Any]:
    """A Discovery Workshop draft, typed and ready to submit: the submit turn's data (pressed
    again, as a seller would, while a busy instance asks to)."""
    opened = await bot.press(lambda: card_action(service, user, "open_request", {}))
    chosen = await bot.press(lambda: card_action(service, user, "choose_request_type", {
        **state_of(opened["value"]), "request_type": "discovery_workshop"}))
    # Each seller's own customer: one customer for all would send every request to the same
    # FTA (the balancer keeps a customer with the architect already working with it).
    number = user["id"].rsplit("-", 1)[-1]
    return {**state_of(chosen["value"]), **COMPLETE["discovery_workshop"],
            "customer": f"Customer {number}", "tenant": f"customer{number}.onmicrosoft.com"}


async def prepare(bot: Bot, session: aiohttp.ClientSession, service: str, turn: str,
                  count: int, first: int, concurrency: int) -> list[dict[str, Any]]:
    """The bodies of the ``count`` turns to time, in the order they are sent."""
    gate = asyncio.Semaphore(concurrency)

    async def limited(job: Any) -> Any:
        async with gate:
            return await job

    if turn in ("echo", "help"):
        return [activity(service, seller(first + n % concurrency), text="help")
                for n in range(count)]
    if turn == "open":
        return [activity(service, seller(first + n % concurrency), text="request FTA")
                for n in range(count)]
    if turn == "submit":
        users = [seller(first + n) for n in range(count)]
        drafts = await asyncio.gather(*(limited(ready_draft(bot, service, u)) for u in users))
        return [card_action(service, user, "submit_request", data)
                for user, data in zip(users, drafts, strict=True)]
    if turn == "accept":
        offers: list[dict[str, Any]] = []
        deadline = time.monotonic() + 60
        while len(offers) < count and time.monotonic() < deadline:  # the outbox posts them
            async with session.get(service.rstrip("/") + "/bench/offers") as answer:
                offers += await answer.json()
            await asyncio.sleep(0.2)
        bodies = []
        for offer in offers[:count]:
            number = int(offer["conversation"].rsplit("-", 1)[-1])
            bodies.append(card_action(service, fta_user(number), "accept_offer",
                                      {"offer_id": offer["offer_id"]}))
        return bodies
    raise SystemExit(f"unknown turn {turn!r}")


async def run(url: str, service: str, turn: str, concurrency: int, count: int,
              first: int) -> dict[str, Any]:
    limits = aiohttp.TCPConnector(limit=concurrency * 2)
    async with aiohttp.ClientSession(connector=limits,
                                     timeout=aiohttp.ClientTimeout(total=60)) as session:
        bot = Bot(session, url)
        bodies = await prepare(bot, session, service, turn, count, first, concurrency)
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for body in bodies:
            queue.put_nowait(body)
        latencies: list[float] = []
        errors: list[str] = []
        busy = 0  # turns the bot answered in time with "busy, press again": nothing done
        print("prepared; timing", file=sys.stderr, flush=True)  # a profiler may attach now

        async def conversation() -> None:
            nonlocal busy
            while not queue.empty():
                body = queue.get_nowait()
                started = time.perf_counter()
                try:
                    await bot.post(body)
                except AskedToTryAgain:
                    busy += 1  # answered, and counted in the latencies, but not as a turn done
                except Exception as error:
                    errors.append(str(error)[:200])
                    continue
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(conversation() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    done = len(latencies) - busy
    return {"turn": turn, "concurrency": concurrency, "turns": done, "busy": busy,
            "errors": len(errors), "first_error": errors[0] if errors else "",
            "seconds": round(seconds, 3),
            "per_second": round(done / seconds, 1) if seconds else 0.0,
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def main() -> None:
    url, service, turn, concurrency, count = sys.argv[1:6]
    first = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    print(json.dumps(asyncio.run(run(url, service, turn, int(concurrency), int(count), first))))


if __name__ == "__main__":
    main()
