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


def type_into(page: Page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).last.fill(text)


def value_of(page: Page, label: str) -> str:
    return page.get_by_label(label, exact=True).last.input_value()
