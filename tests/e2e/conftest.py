"""End-to-end fixtures: the real bot process, the Agents Playground, headless Chromium."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e import harness


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = harness.missing_parts()
    for item in items:
        if "tests/e2e" not in str(item.path):
            continue
        item.add_marker(pytest.mark.e2e)
        if missing and os.environ.get("CI"):
            item.add_marker(pytest.mark.missing_parts(missing))
        elif missing:
            item.add_marker(pytest.mark.skip(reason="needs " + ", ".join(missing)))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Under CI a missing part is a failure, never a skip: the run must prove the e2e flows."""
    marker = item.get_closest_marker("missing_parts")
    if marker is not None:
        pytest.fail("CI must install " + ", ".join(marker.args[0]), pytrace=False)


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bot (SQLite, anonymous) and the Playground pointed at it; yields the UI's URL."""
    with harness.bot_and_playground(tmp_path_factory.mktemp("e2e")) as (_, ui):
        yield ui


@pytest.fixture(scope="session", autouse=True)
def patient_assertions() -> None:
    """A chat round trip through the Playground can take seconds when the suite loads both
    cores: assertions wait up to 15 s (Playwright's default is 5), as actions wait 20 s."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=harness.chromium_path(),
                                          args=harness.CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, playground: str) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(playground)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    harness.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = harness.ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def card_screenshot(page, heading: re.Pattern[str], name: str) -> Path:  # type: ignore[no-untyped-def]
    """The last card whose text matches ``heading``, alone: what the reader sees of it."""
    harness.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = harness.ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 2400})  # the whole card in view
    card = page.locator(".ac-adaptiveCard").filter(has_text=heading).last
    card.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    card.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path
