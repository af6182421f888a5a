"""The managers' desk tab in headless Chromium: the built page served by the app's routes, its
API a loopback stub answering the desk contract's JSON (the real API replaces it at merge)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.desk_page import DIST
from settings import ROOT
from tests.e2e import harness
from tests.e2e.desk_stub import DeskStub, Served

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ALL_ACTIONS = {("42", "assign"), ("42", "reoffer"), ("43", "assign"), ("43", "reoffer"),
               ("43", "reassign"), ("43", "extend"), ("44", "reassign"), ("44", "extend"),
               ("51", "transfer"), ("52", "transfer")}


@pytest.fixture(autouse=True)
def _built() -> None:
    if not (DIST / "queue.html").exists():
        message = "the desk is not built: run `npm run build:web` (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture
def served() -> Iterator[Served]:
    server = Served(DeskStub())
    yield server
    server.stop()


@pytest.fixture
def stub(served: Served) -> DeskStub:
    return served.stub


def open_desk(browser: Browser, served: Served, theme: str = "light", width: int = 1280,
              height: int = 900, **context: Any) -> Page:
    options: dict[str, Any] = {"locale": "en-GB", "timezone_id": "Europe/Paris", **context}
    page = browser.new_context(viewport={"width": width, "height": height}, **options).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{served.url}/tabs/queue?theme={theme}")
    return page


@pytest.fixture
def desk(browser: Browser, served: Served) -> Iterator[Page]:
    page = open_desk(browser, served)
    expect(page.get_by_role("row", name=re.compile("FTA-2026-00042"))).to_be_visible()
    yield page
    page.context.close()


def requests_table(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name="Open FTA requests").get_by_role("table")


def request_row(page: Page, number: str):  # type: ignore[no-untyped-def]
    return requests_table(page).get_by_role("row", name=re.compile(number))


def test_the_desk_shows_each_open_request_with_its_deadline_and_where_it_stands(
        desk: Page) -> None:
    overdue = request_row(desk, "FTA-2026-00042")
    expect(overdue).to_contain_text("Contoso")
    expect(overdue).to_contain_text("Enterprise · North America")
    expect(overdue).to_contain_text("Overdue by 2 h")  # said in words, not by colour alone
    expect(overdue).to_contain_text("Waiting for an FTA")
    expect(overdue).to_contain_text("Ben Ode: Out of capacity")
    offered = request_row(desk, "FTA-2026-00043")
    expect(offered).to_contain_text("Offered to Ana Silva")
    expect(offered).to_contain_text("1 d 3 h left")
    expect(offered).to_contain_text("Customer asked to wait")
    tickets = desk.get_by_role("region", name="FTCHelp tickets")
    expect(tickets).to_contain_text("Licensing question")
    expect(tickets).to_contain_text("High priority")
    expect(desk.get_by_role("img", name=re.compile("Load against capacity"))).to_be_visible()
    expect(desk.get_by_role("img", name=re.compile("SLA attainment"))).to_be_visible()
    expect(desk.get_by_role("region", name=re.compile("FTAs"))).to_contain_text(
        "Ana Silva: 21 Dec 2026 to 1 Jan 2027")


def test_times_are_shown_in_the_viewers_zone_and_language(browser: Browser,
                                                          served: Served) -> None:
    page = open_desk(browser, served, locale="en-US", timezone_id="Asia/Tokyo")
    row = request_row(page, "FTA-2026-00044")
    # The deadline is 2026-12-01T09:30Z: 18:30 in Tokyo, written the American way.
    expect(row).to_contain_text("Dec 1, 2026, 6:30 PM")
    expect(page.get_by_text("Times are in Asia/Tokyo")).to_be_visible()
    page.context.close()


def test_text_from_people_is_shown_as_text_never_as_markup(browser: Browser,
                                                          served: Served) -> None:
    hostile = '<img src=x onerror="window.pwned=1">Contoso<b>bold</b>'
    served.stub.requests[0]["customer"] = hostile
    served.stub.requests[0]["declines"][0]["reason"] = "<script>window.pwned=2</script>"
    page = open_desk(browser, served)
    row = request_row(page, "FTA-2026-00042")
    expect(row).to_contain_text(hostile)
    expect(row).to_contain_text("<script>window.pwned=2</script>")
    assert row.locator("img, b, script").count() == 0
    assert page.evaluate("window.pwned") is None
    page.context.close()


def test_the_demo_mode_is_said_in_a_banner(desk: Page) -> None:
    expect(desk.get_by_role("note")).to_contain_text("Demo mode")


def test_filters_are_sent_to_the_server_and_the_rows_follow(desk: Page, stub: DeskStub) -> None:
    desk.get_by_label("Region").select_option("Europe")
    expect(request_row(desk, "FTA-2026-00042")).to_have_count(0)
    expect(request_row(desk, "FTA-2026-00043")).to_be_visible()
    desk.get_by_label("FTA", exact=True).select_option("ben")
    expect(request_row(desk, "FTA-2026-00043")).to_have_count(0)
    asked = [query for query in stub.queries if query["section"] == "requests"][-1]
    assert asked["region"] == "Europe" and asked["fta"] == "ben" and asked["page"] == "1"

    desk.get_by_role("button", name="Clear filters").click()
    expect(request_row(desk, "FTA-2026-00042")).to_be_visible()


def test_assigning_by_hand_posts_the_chosen_fta_and_shows_the_answer(desk: Page,
                                                                     stub: DeskStub) -> None:
    stub.action_answer = (200, {"message": "FTA-2026-00042 assigned to Chen Wu"})
    desk.get_by_role("button", name="Assign FTA-2026-00042").click()
    dialog = desk.get_by_role("dialog", name="Assign FTA-2026-00042 by hand")
    expect(dialog).to_be_visible()
    dialog.get_by_label("FTA").select_option(label="Chen Wu (1 of 4, out of office ahead)")
    dialog.get_by_role("button", name="Assign").click()

    expect(desk.get_by_role("status").filter(has_text="assigned to Chen Wu")).to_be_visible()
    expect(dialog).to_be_hidden()
    assert stub.posts == [{"path": "/api/requests/42/assign", "body": {"architect_id": "chen"},
                           "content_type": "application/json"}]


def test_a_refused_action_shows_the_servers_reason_and_keeps_the_dialog(desk: Page,
                                                                         stub: DeskStub) -> None:
    stub.action_answer = (409, {"error": "Nothing changed on FTA-2026-00044: it was reassigned "
                                         "to Ana Silva at 21:58"})
    desk.get_by_role("button", name="Reassign FTA-2026-00044").click()
    dialog = desk.get_by_role("dialog")
    dialog.get_by_role("button", name="Reassign").click()  # nothing chosen yet
    expect(dialog.get_by_role("alert")).to_contain_text("please fill this in")
    assert stub.posts == []
    dialog.get_by_label("New FTA").select_option("ana")
    dialog.get_by_label("Reason").fill("Ben is on leave")
    dialog.get_by_role("button", name="Reassign").click()

    expect(dialog.get_by_role("alert")).to_contain_text("it was reassigned to Ana Silva")
    assert stub.posts[0]["body"] == {"architect_id": "ana", "reason": "Ben is on leave"}


def test_extending_a_deadline_posts_the_new_time_and_the_reason(desk: Page,
                                                                stub: DeskStub) -> None:
    desk.get_by_role("button", name="Extend deadline FTA-2026-00044").click()
    dialog = desk.get_by_role("dialog")
    dialog.get_by_label(re.compile("New deadline")).fill("2026-12-04T17:30")
    dialog.get_by_label("Reason").fill("Customer on holiday")
    dialog.get_by_role("button", name="Extend").click()

    expect(dialog).to_be_hidden()
    # 17:30 in Paris is 16:30 UTC
    assert stub.posts[0]["body"] == {"deadline": "2026-12-04T16:30:00.000Z",
                                     "reason": "Customer on holiday"}


def test_transferring_a_ticket_posts_the_agent(desk: Page, stub: DeskStub) -> None:
    desk.get_by_role("button", name="Transfer FTA-2026-00051").click()
    dialog = desk.get_by_role("dialog", name="Transfer FTA-2026-00051")
    # the ticket's own agent is not offered
    assert dialog.get_by_label("Give it to").locator("option").all_inner_texts() == [
        "Choose…", "Sam Roy"]
    dialog.get_by_label("Give it to").select_option("sam")
    dialog.get_by_role("button", name="Transfer").click()

    expect(dialog).to_be_hidden()
    assert stub.posts == [{"path": "/api/tickets/51/transfer",
                           "body": {"agent_id": "sam", "agent_name": "Sam Roy"},
                           "content_type": "application/json"}]


@pytest.mark.parametrize(("status", "heading"), [
    (403, "This part of the desk is not yours to see"),
    (401, "You are not signed in to the desk"),
])
def test_a_refusal_shows_a_page_that_says_why(browser: Browser, served: Served, status: int,
                                              heading: str) -> None:
    served.stub.refuse = (status, "Only FTA managers see the whole desk.")
    page = open_desk(browser, served)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_text("The server said: Only FTA managers see the whole desk.")
           ).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    page.context.close()


def test_a_seller_sees_their_requests_and_no_more(browser: Browser, served: Served) -> None:
    served.stub.roles, served.stub.demo = ["seller"], False
    for row in served.stub.requests:
        row["actions"] = []
    page = open_desk(browser, served)
    expect(page.get_by_role("heading", name="Your open requests")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("FTA-2026-00042"))).to_be_visible()
    for part in ("FTCHelp tickets", "FTAs: load and out of office", "The last 12 weeks"):
        expect(page.get_by_role("heading", name=part)).to_have_count(0)
    expect(page.get_by_role("note")).to_have_count(0)  # no demo banner
    expect(page.locator("[data-action]")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Actions")).to_be_hidden()
    assert {query["section"] for query in served.stub.queries} == {"requests"}
    page.context.close()


def test_the_desk_refreshes_in_place_keeping_focus_and_says_what_changed(
        desk: Page, stub: DeskStub) -> None:
    target = desk.get_by_role("button", name="Reassign FTA-2026-00044")
    target.focus()
    polls = len(stub.queries)
    stub.requests[0].update(state="offered", state_label="Offered to Chen Wu",
                            fta={"id": "chen", "name": "Chen Wu"}, since="2026-11-30T21:00:00Z")

    expect(requests_table(desk)).to_contain_text("Offered to Chen Wu", timeout=12_000)
    expect(desk.locator("#announcer")).to_have_text("FTA-2026-00042: Offered to Chen Wu.")
    expect(target).to_be_focused()  # the row that did not change is the same node
    assert len(stub.queries) > polls
    assert desk.evaluate("location.href").endswith("/tabs/queue?theme=light")  # no reload


def test_in_teams_the_desk_sends_the_sso_token_and_follows_the_teams_theme(
        browser: Browser, served: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                  timezone_id="Europe/Paris")
    # TeamsJS asks Microsoft's CDN for its list of Teams hosts: never leave this machine.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{served.url}/fake-teams")
    tab = page.frame_locator("iframe")
    expect(tab.get_by_role("row", name=re.compile("FTA-2026-00042"))).to_be_visible()

    assert {query["authorization"] for query in served.stub.queries} == {
        "Bearer sso-token-from-teams"}
    assert {"initialize", "getContext", "authentication.getAuthToken"} <= set(
        page.evaluate("window.calls"))
    desk = tab.locator("html")
    expect(desk).to_have_attribute("data-theme", "dark")  # from the Teams context
    expect(desk).to_have_attribute("lang", "de-DE")
    expect(tab.get_by_role("row", name=re.compile("FTA-2026-00044"))).to_contain_text(
        "01.12.2026, 10:30")  # the viewer's language (German) and zone (Paris)
    page.evaluate("window.changeTheme('contrast')")
    expect(desk).to_have_attribute("data-theme", "contrast")
    context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated, not a <script>: the CSP holds
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(("theme", "width"), [
    ("light", 1280), ("dark", 1280), ("contrast", 1280), ("light", 320)])
def test_axe_finds_no_serious_violation(browser: Browser, served: Served, theme: str,
                                        width: int) -> None:
    page = open_desk(browser, served, theme=theme, width=width)
    expect(page.get_by_role("img", name=re.compile("Declines by reason"))).to_be_visible()
    for summary in page.locator("summary").all():  # the charts' tables too
        summary.click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Reassign FTA-2026-00043").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert axe_violations(page) == []
    page.context.close()


def test_every_action_is_reached_by_tab_and_works_by_enter_and_space(desk: Page,
                                                                    stub: DeskStub) -> None:
    reached = set()
    for _ in range(80):
        desk.keyboard.press("Tab")
        action = desk.evaluate("""() => {
            const a = document.activeElement;
            const row = a && a.closest('[data-key]');
            return a && a.dataset.action && row ? [row.dataset.key, a.dataset.action] : null; }""")
        if action:
            reached.add(tuple(action))
    assert reached == ALL_ACTIONS

    desk.get_by_role("button", name="Re-offer FTA-2026-00042").focus()
    desk.keyboard.press("Enter")
    dialog = desk.get_by_role("dialog", name="Re-offer FTA-2026-00042")
    expect(dialog).to_be_visible()
    desk.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(desk.get_by_role("button", name="Re-offer FTA-2026-00042")).to_be_focused()

    desk.keyboard.press("Space")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Re-offer")).to_be_focused()
    desk.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    desk.keyboard.press("Shift+Tab")
    desk.keyboard.press("Space")
    expect(dialog).to_be_hidden()
    assert stub.posts[0]["path"] == "/api/requests/42/reoffer"


def test_the_configuration_page_says_to_open_it_from_teams(browser: Browser,
                                                          served: Served) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{served.url}/tabs/config")
    expect(page.get_by_role("heading", name="Add the FTA desk to this channel")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Open this page from Teams")
    page.context.close()


@pytest.mark.parametrize(("name", "theme", "width"), [
    ("desk-light", "light", 1280), ("desk-dark", "dark", 1280), ("desk-mobile", "light", 320)])
def test_screenshots(browser: Browser, served: Served, name: str, theme: str,
                     width: int) -> None:
    """What a manager sees, for the README (copied into docs/ by hand after a look)."""
    page = open_desk(browser, served, theme=theme, width=width, height=1040)
    expect(page.get_by_role("img", name=re.compile("Declines by reason"))).to_be_visible()
    harness.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = harness.ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=width > 320)  # a phone: its first screen
    assert path.stat().st_size > 20_000
    page.context.close()
