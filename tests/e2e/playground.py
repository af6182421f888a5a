"""How a person works the Agents Playground: type in the compose box, fill card inputs."""

from __future__ import annotations

import re

from playwright.sync_api import Page


def say(page: Page, text: str) -> None:
    box = page.locator('[contenteditable="true"]').first
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")


def choose(page: Page, label: str | re.Pattern[str], option: str | re.Pattern[str]) -> None:
    """Pick ``option`` in a compact choice set (a Fluent UI combobox)."""
    page.get_by_role("combobox", name=label).last.click()
    page.get_by_role("option", name=option, exact=isinstance(option, str)).click()


def settled(page: Page, quiet_ms: int = 1000, within_ms: int = 20_000) -> None:
    """Wait until the bot has stopped sending: the Playground's log panel, one entry for each
    activity either way, has had no new entry for ``quiet_ms``. A card that a late update
    re-renders loses what was picked on it, as it would for a person in Teams."""
    line = page.get_by_text(re.compile("Connecting to your application")).first
    panel = line.locator("xpath=../..")  # the entry holding that line, then the panel

    def entries() -> int:
        return int(panel.evaluate("panel => panel.children.length"))

    last, quiet = entries(), 0
    assert last > 3, "not the log panel: it should hold the start-up lines and the activities"
    for _ in range(within_ms // 100):
        page.wait_for_timeout(100)
        now = entries()
        quiet = quiet + 100 if now == last else 0
        last = now
        if quiet >= quiet_ms:
            return
    raise AssertionError(f"the bot was still sending after {within_ms} ms")


def type_into(page: Page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).last.fill(text)


def value_of(page: Page, label: str) -> str:
    return page.get_by_label(label, exact=True).last.input_value()
