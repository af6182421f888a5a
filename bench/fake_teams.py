"""A fake Teams Bot Connector for the turn benchmark, in its own process: it answers sends,
replies, updates and roster lookups the way Teams does, fast, and keeps the offer cards it
sees so the load generator can accept them as an FTA would. `/bench/hold` makes new sends
wait, unprocessed, until `/bench/release`; a send whose sender has gone meanwhile is dropped,
as Teams drops a request whose connection broke before it was read (the fault run kills an
instance while its sends wait).

    python bench/fake_teams.py PORT
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections import Counter

from aiohttp import web

_ids = itertools.count(1)
offers: list[dict[str, object]] = []
posts: Counter[tuple[str, str]] = Counter()  # (conversation, the card's first line) -> posts
open_gate = asyncio.Event()
dropped = 0  # held sends whose sender went away


async def _through_gate(request: web.Request) -> bool:
    """Wait while sends are held; False when the sender hung up meanwhile."""
    global dropped
    if not open_gate.is_set():
        await open_gate.wait()
        if request.transport is None or request.transport.is_closing():
            dropped += 1
            return False
    return True


async def send(request: web.Request) -> web.Response:
    body = await request.json()
    if not await _through_gate(request):
        return web.Response(status=503)
    conversation = request.match_info["cid"].split(";")[0]
    for attachment in body.get("attachments") or []:
        card = attachment.get("content") or {}
        first = next((b.get("text", "") for b in card.get("body") or [] if b.get("text")), "")
        posts[(conversation, str(first))] += 1
        for action in (attachment.get("content") or {}).get("actions") or []:
            data = action.get("data") or {}
            if data.get("verb") == "accept_offer":
                offers.append({"conversation": request.match_info["cid"],
                               "offer_id": data["offer_id"]})
    return web.json_response({"id": f"activity-{next(_ids)}"})


async def update(request: web.Request) -> web.Response:
    await request.read()
    if not await _through_gate(request):
        return web.Response(status=503)
    return web.json_response({"id": request.match_info["aid"]})


async def member(request: web.Request) -> web.Response:
    user = request.match_info["uid"]
    mail = f"{user.split(':')[-1]}@contoso.com"
    return web.json_response({"id": user, "name": user, "email": mail, "userPrincipalName": mail})


async def taken_offers(request: web.Request) -> web.Response:
    """The offers posted so far, and forget them (the generator accepts each once)."""
    found = list(offers)
    offers.clear()
    return web.json_response(found)


async def sent(request: web.Request) -> web.Response:
    """Every card posted so far: conversation, first line, and how many times."""
    return web.json_response([{"conversation": c, "heading": h, "times": n}
                              for (c, h), n in posts.items()])


async def hold(request: web.Request) -> web.Response:
    open_gate.clear()
    return web.json_response({"held": True})


async def release(request: web.Request) -> web.Response:
    open_gate.set()
    await asyncio.sleep(0.1)  # the held sends go through (or are dropped) first
    return web.json_response({"dropped": dropped})


def main() -> None:
    open_gate.set()
    app = web.Application()
    app.router.add_post("/v3/conversations/{cid}/activities", send)
    app.router.add_post("/v3/conversations/{cid}/activities/{aid}", send)
    app.router.add_put("/v3/conversations/{cid}/activities/{aid}", update)
    app.router.add_get("/v3/conversations/{cid}/members/{uid}", member)
    app.router.add_get("/bench/offers", taken_offers)
    app.router.add_get("/bench/sent", sent)
    app.router.add_post("/bench/hold", hold)
    app.router.add_post("/bench/release", release)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
