"""The FTA judges what the seller filed: a migration exception's inputs reach the offer and stay
on the work card after Accept, as the FTA sees them in the Agents Playground."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import card_screenshot, screenshot
from tests.e2e.playground import choose
from tests.e2e.test_request_intake import fill_customer, start

JUSTIFICATION = ("Contoso retires Domino in June; mail, calendars and archives must move "
                 "together so the trading desk keeps its shared calendars.")
DOMINO = "Domino 9.0.1 on two clustered servers in Frankfurt"


def fill(page: Page, label: str, text: str) -> None:
    """Type into the input whose label starts with ``label`` (a hint may follow it)."""
    page.get_by_label(re.compile("^" + re.escape(label))).last.fill(text)


def test_a_migration_exception_reaches_the_fta_whole_and_stays_on_the_work_card(
        page: Page) -> None:
    start(page, "Migration exception")
    fill_customer(page, fta=True)
    choose(page, re.compile("^Source environment"), "Domino / Notes mail")
    fill(page, "Mailbox count", "1200")
    fill(page, "Mailbox details", "1,200 mailboxes, 2 GB average, archives in NSF files")
    fill(page, "Domino / Notes environment details", DOMINO)
    fill(page, "Business justification", JUSTIFICATION)
    page.get_by_role("button", name="Submit").last.click()

    offer = page.get_by_text(re.compile(r"New request for you: FTA-\d{4}-\d{5}")).last
    expect(offer).to_be_visible()
    expect(page.get_by_text(DOMINO).last).to_be_visible()
    expect(page.get_by_text("Business justification").last).to_be_visible()
    expect(page.get_by_text(re.compile("^Contoso retires Domino in June")).last).to_be_visible()
    expect(page.get_by_text("Domino / Notes mail").last).to_be_visible()  # a label, not "domino"
    offer.scroll_into_view_if_needed()
    screenshot(page, "offer-migration-exception")
    card_screenshot(page, re.compile("New request for you"), "offer-card")

    page.get_by_role("button", name="Accept").last.click()
    expect(page.get_by_text(re.compile(r"FTA-\d{4}-\d{5}: Contoso Ltd")).last).to_be_visible()
    expect(page.get_by_text(DOMINO).last).to_be_visible()
    expect(page.get_by_text(re.compile("^Contoso retires Domino in June")).last).to_be_visible()
    expect(page.get_by_text("invoke 500")).to_have_count(0)
    screenshot(page, "work-card-migration-exception")
    card_screenshot(page, re.compile(r"FTA-\d{4}-\d{5}: Contoso Ltd"), "work-card")


def test_a_hostile_customer_name_reaches_the_fta_as_typed(page: Page) -> None:
    start(page, "Engage FastTrack before license purchase")
    fill_customer(page, fta=True)
    hostile = "Contoso [Sign in again](https://evil.example/x) <at>Megan Bowen</at>"
    fill(page, "Customer name", hostile)
    fill(page, "Engagement details", "Planning workshop for Teams Phone before the EA")
    fill(page, "Approvals", "Approved by the ATU lead, 2026-11-20")
    page.get_by_role("button", name="Submit").last.click()

    offer = page.locator(".ac-adaptiveCard").filter(
        has_text=re.compile(r"New request for you: FTA-\d{4}-\d{5}")).last
    expect(offer).to_be_visible()
    expect(offer.get_by_text(hostile).first).to_be_visible()  # shown as typed
    expect(offer.locator('a[href*="evil.example"]')).to_have_count(0)
    card_screenshot(page, re.compile("New request for you"), "offer-hostile-customer")
