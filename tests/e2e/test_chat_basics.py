"""A person opens the Agents Playground, is welcomed, types help and sees the help card."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.playground import say


def test_the_bot_welcomes_and_answers_help_with_its_card(page: Page) -> None:
    expect(page.get_by_text("Hi, I'm the FTA Assign bot").first).to_be_visible()

    say(page, "help")

    expect(page.get_by_text("What I can do").last).to_be_visible()
    expect(page.get_by_text("Ask for a FastTrack Architect").last).to_be_visible()
    assert screenshot(page, "help").stat().st_size > 10_000


def test_unrecognised_text_gets_a_hint(page: Page) -> None:
    say(page, "tell me a joke")
    expect(page.get_by_text("I didn't catch that").last).to_be_visible()


def test_a_card_button_is_answered_without_an_error(page: Page) -> None:
    say(page, "help")
    expect(page.get_by_text("What I can do").last).to_be_visible()
    page.get_by_role("button", name="Help").first.click()
    expect(page.get_by_text("invoke 200").last).to_be_visible()
    expect(page.get_by_text("invoke 500")).to_have_count(0)
