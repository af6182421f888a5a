"""The managers' desk tab against the real app in demo mode, beside the Agents Playground: the
tab lists the demo's sample requests, a manager assigns one by hand from it, and the FTA's work
card arrives in the Playground chat (Alex Wilber is the demo's FTA as well as its manager)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e import harness
from tests.e2e.conftest import screenshot
from tests.e2e.playground import say


@dataclass
class Demo:
    bot: str
    playground: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """As `make demo`: the sample roster and requests, the bot in demo mode, the Playground."""
    with harness.bot_and_playground(tmp_path_factory.mktemp("e2e-tab"),
                                    sample_data=True) as (bot, ui):
        yield Demo(bot, ui)


def test_a_manager_assigns_a_sample_request_from_the_tab_and_the_fta_gets_it_in_chat(
        browser: Browser, demo: Demo) -> None:
    chat = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    chat.set_default_timeout(20_000)
    chat.goto(demo.playground)
    say(chat, "help")  # Alex's chat with the bot, so the bot can reach Alex there
    expect(chat.get_by_text("request FTA").first).to_be_visible()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.set_default_timeout(20_000)
    desk.goto(f"{demo.bot}/tabs/queue")
    expect(desk.get_by_text("Demo mode.")).to_be_visible()
    requests = desk.get_by_role("region", name="Open FTA requests").get_by_role("table")
    row = requests.get_by_role("row", name=re.compile("Fabrikam Inc"))
    expect(row).to_be_visible()
    number = re.search(r"FTA-\d{4}-\d{5}", row.inner_text())
    assert number is not None
    expect(row).to_contain_text("Waiting")

    desk.get_by_role("button", name=f"Assign {number[0]}").click()
    dialog = desk.get_by_role("dialog", name=re.compile(f"Assign {number[0]}"))
    picker = dialog.get_by_label("FTA")
    alex = next(text for text in picker.locator("option").all_inner_texts()
                if text.startswith("Alex Wilber"))
    picker.select_option(label=alex)
    dialog.get_by_role("button", name="Assign").click()
    expect(desk.get_by_role("status").filter(has_text=f"{number[0]} assigned to Alex Wilber")
           ).to_be_visible()
    expect(row).to_contain_text("Accepted by Alex Wilber", timeout=15_000)  # the next poll
    screenshot(desk, "desk-tab-after-assign")

    with desk.expect_download() as saving:  # the report, fetched with the token, then saved
        desk.get_by_role("button", name="Download the requests (CSV)").click()
    saved = saving.value
    assert re.fullmatch(r"fta-requests-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv",
                        saved.suggested_filename)
    report = Path(saved.path()).read_text(encoding="utf-8-sig").splitlines()
    assert report[0] == ("number,type,segment,region,submitted,deadline,assigned_at,fta,"
                         "hours_to_assign,met_sla,declines")
    assert any(line.startswith(f"{number[0]},") and ",Alex Wilber," in line
               for line in report[1:])
    expect(desk.get_by_text(f"Saved {saved.suggested_filename}.")).to_be_visible()

    work = chat.get_by_text(re.compile(f"{number[0]}: Fabrikam Inc")).last
    expect(work).to_be_visible(timeout=30_000)
    expect(chat.get_by_text("Discovery Workshop, assigned to you.").last).to_be_visible()
    expect(chat.get_by_text("invoke 500")).to_have_count(0)
