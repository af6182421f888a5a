"""The desk's page served by the app's real routes, beside a loopback stub of the API it calls
(`/api/queue` and the action routes) answering the JSON of the desk's contract. The real API
(DESK-API, DESK-ACTIONS) replaces the stub at merge."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.desk_page import add_desk_page_routes

NOW = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
ALL_ROLES = ["manager", "ftchelp", "admin"]


def at(hours: float) -> str:
    return (NOW + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def sample_requests() -> list[dict[str, Any]]:
    every = ["assign", "reoffer", "reassign", "extend"]
    return [
        {"id": 42, "number": "FTA-2026-00042", "type": "Discovery Workshop",
         "customer": "Contoso", "segment": "Enterprise", "region": "North America",
         "submitted_at": at(-30), "deadline": at(-2), "original_deadline": at(-2),
         "overdue": True, "seconds_left": -7200, "state": "waiting",
         "state_label": "Waiting for an FTA", "fta": None, "since": None,
         "declines": [{"fta": "Ben Ode", "reason": "Out of capacity", "at": at(-20)},
                      {"fta": "Chen Wu", "reason": "No skill in the workload", "at": at(-10)}],
         "extensions": [], "actions": ["assign", "reoffer"]},
        {"id": 43, "number": "FTA-2026-00043", "type": "ECIF/DWR review",
         "customer": "Fabrikam", "segment": "SMC", "region": "Europe",
         "submitted_at": at(-5), "deadline": at(27), "original_deadline": at(3),
         "overdue": False, "seconds_left": 27 * 3600, "state": "offered",
         "state_label": "Offered to Ana Silva", "fta": {"id": "ana", "name": "Ana Silva"},
         "since": at(-1), "declines": [],
         "extensions": [{"to": at(27), "reason": "Customer asked to wait", "by": "Alex Wilber",
                         "at": at(-2)}], "actions": every},
        {"id": 44, "number": "FTA-2026-00044", "type": "Migration exception",
         "customer": "Northwind Traders", "segment": "Enterprise", "region": "Europe",
         "submitted_at": at(-50), "deadline": at(12.5), "original_deadline": at(12.5),
         "overdue": False, "seconds_left": int(12.5 * 3600), "state": "accepted",
         "state_label": "Accepted by Ben Ode", "fta": {"id": "ben", "name": "Ben Ode"},
         "since": at(-4), "declines": [], "extensions": [], "actions": ["reassign", "extend"]},
    ]


def sample_tickets() -> list[dict[str, Any]]:
    return [
        {"id": 51, "number": "FTA-2026-00051", "topic": "Licensing question",
         "impact": "blocking", "impact_label": "Blocks a deal", "priority": "high",
         "submitted_at": at(-30), "age_hours": 30, "agent": {"id": "dana", "name": "Dana Lee"},
         "sla_due": at(-6), "overdue": True, "actions": ["transfer"]},
        {"id": 52, "number": "FTA-2026-00052", "topic": "Tenant setup",
         "impact": "minor", "impact_label": "Minor", "priority": "low",
         "submitted_at": at(-2), "age_hours": 2, "agent": None, "sla_due": at(22),
         "overdue": False, "actions": ["transfer"]},
    ]


def sample_architects() -> list[dict[str, Any]]:
    return [
        {"id": "ana", "name": "Ana Silva", "load": 3, "capacity": 5, "active": True,
         "out_of_office": [{"start": "2026-12-21", "end": "2027-01-01"}]},
        {"id": "ben", "name": "Ben Ode", "load": 5, "capacity": 5, "active": True,
         "out_of_office": []},
        {"id": "chen", "name": "Chen Wu", "load": 1, "capacity": 4, "active": True,
         "out_of_office": [{"start": "2026-12-03", "end": "2026-12-03"}]},
        {"id": "eve", "name": "Eve Park", "load": 0, "capacity": 3, "active": False,
         "out_of_office": []},
    ]


def sample_weeks() -> list[dict[str, Any]]:
    start = datetime(2026, 9, 7, tzinfo=UTC)
    weeks = []
    for index in range(12):
        requests = 20 + index % 4
        met = requests - (index % 3)
        weeks.append({"week_start": (start + timedelta(weeks=index)).date().isoformat(),
                      "requests": requests, "met_sla": met, "attainment": met / requests,
                      "hours_to_assign_p50": 4 + index % 5, "hours_to_assign_p90": 12 + index})
    weeks[3].update(requests=0, met_sla=0, attainment=None, hours_to_assign_p50=None,
                    hours_to_assign_p90=None)
    return weeks


FILTERS = {
    "states": [{"value": "waiting", "label": "Waiting"}, {"value": "offered", "label": "Offered"},
               {"value": "accepted", "label": "Accepted"}],
    "segments": [{"value": "Enterprise", "label": "Enterprise"}, {"value": "SMC", "label": "SMC"}],
    "regions": [{"value": "Europe", "label": "Europe"},
                {"value": "North America", "label": "North America"}],
    "ftas": [{"id": "ana", "name": "Ana Silva"}, {"id": "ben", "name": "Ben Ode"},
             {"id": "chen", "name": "Chen Wu"}],
}


@dataclass
class DeskStub:
    """What the stub answers, changeable by a test; what the page asked, kept for it."""

    roles: list[str] = field(default_factory=lambda: list(ALL_ROLES))
    demo: bool = True
    refuse: tuple[int, str] | None = None
    requests: list[dict[str, Any]] = field(default_factory=sample_requests)
    action_answer: tuple[int, dict[str, str]] = (200, {"message": "Done"})
    queries: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)

    def answer(self, section: str, rows: list[dict[str, Any]], filters: dict[str, Any],
               page: int = 1, **extra: Any) -> dict[str, Any]:
        return {"viewer": {"name": "Alex Wilber", "roles": self.roles, "demo": self.demo},
                "section": section, "total": len(rows), "page": page, "page_size": 50,
                "generated_at": at(0), "rows": rows, "filters": filters, **extra}

    async def queue(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        section = query.get("section", "requests")
        self.queries.append({**query, "authorization": request.headers.get("Authorization")})
        if self.refuse is not None:
            return web.json_response({"error": self.refuse[1]}, status=self.refuse[0])
        if section == "requests":
            rows = [row for row in self.requests
                    if all(row[key] == query[key] for key in ("state", "segment", "region")
                           if query.get(key))
                    and (not query.get("fta") or (row["fta"] or {}).get("id") == query["fta"])]
            return web.json_response(self.answer(section, rows, FILTERS))
        if "manager" not in self.roles and section in ("architects", "reports"):
            return web.json_response({"error": "Only FTA managers see this."}, status=403)
        if section == "tickets":
            return web.json_response(self.answer(section, sample_tickets(), {"agents": [
                {"id": "dana", "name": "Dana Lee"}, {"id": "sam", "name": "Sam Roy"}]}))
        if section == "architects":
            return web.json_response(self.answer(section, sample_architects(), {}))
        return web.json_response(self.answer(
            section, sample_weeks(), {}, extensions=2,
            declines_by_reason=[{"reason": "Out of capacity", "count": 7},
                                {"reason": "No skill in the workload", "count": 3},
                                {"reason": "Out of office", "count": 2}]))

    async def act(self, request: web.Request) -> web.Response:
        self.posts.append({"path": request.path, "body": await request.json(),
                           "content_type": request.content_type})
        status, body = self.action_answer
        return web.json_response(body, status=status)


# A stand-in for the Teams client around the tab: it frames the desk and answers TeamsJS's
# messages (initialize, getContext, authentication.getAuthToken) as Teams would, and can send
# it a theme change. Same origin as the tab, which TeamsJS trusts without its host list.
FAKE_TEAMS = """<!doctype html><html lang="en"><title>Teams</title>
<iframe title="Desk" src="/tabs/queue" style="width:1200px;height:800px"></iframe>
<script>
window.calls = [];
const runtime = JSON.stringify({apiVersion: 4, hostVersionsInfo: {}, isLegacyTeams: false,
  supports: {app: {}, appInitialization: {}, authentication: {}, pages: {config: {}},
             teamsCore: {}}});
const answers = {
  initialize: ["content", "web", runtime, "2.58.0"],
  getContext: [{locale: "de-DE", theme: "dark", userObjectId: "0000-user", hostClientType: "web",
                frameContext: "content"}],
  "authentication.getAuthToken": [true, "sso-token-from-teams"],
};
window.addEventListener("message", (event) => {
  const message = event.data;
  if (!message || typeof message.func !== "string" || message.id === undefined) return;
  window.calls.push(message.func);
  const args = answers[message.func];
  if (args) event.source.postMessage({id: message.id, uuidAsString: message.uuidAsString, args},
                                     event.origin);
});
window.changeTheme = (name) => document.querySelector("iframe").contentWindow.postMessage(
  {func: "themeChange", args: [name]}, location.origin);
</script></html>"""


async def fake_teams(request: web.Request) -> web.Response:
    return web.Response(text=FAKE_TEAMS, content_type="text/html")


def stub_app(stub: DeskStub) -> web.Application:
    app = web.Application()
    add_desk_page_routes(app)  # the app's real routes, serving the real build
    app.router.add_get("/fake-teams", fake_teams)
    app.router.add_get("/api/queue", stub.queue)
    app.router.add_post("/api/requests/{id}/{action}", stub.act)
    app.router.add_post("/api/tickets/{id}/transfer", stub.act)
    return app


class Served:
    """The stub's app on a loopback port, in a thread of its own (Playwright's API is sync)."""

    def __init__(self, stub: DeskStub) -> None:
        self.stub, self.port = stub, 0  # the system's choice, bound at once: no other
        self._loop = asyncio.new_event_loop()  # process can take it in between
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise TimeoutError("the desk stub did not start")
        self.url = f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(stub_app(self.stub), access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = int(self._runner.addresses[0][1])
        self._ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
