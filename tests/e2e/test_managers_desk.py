"""The FTA managers' desk in chat, in the Agents Playground: an SLA alert they can act on, and
a manager's view of a request (extend its deadline while it waits, reassign it once accepted),
as a manager sees them in the managers' channel (General in the demo)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import harness
from tests.e2e.conftest import card_screenshot
from tests.e2e.playground import choose, settled, type_into
from tests.e2e.test_lifecycle import file_and_get_the_offer
from tests.e2e.test_request_intake import file_inquiry


def post_to_bot(page: Page, text: str) -> None:
    """A new post in the channel that @mentions the bot, as Teams needs to deliver it."""
    box = page.locator('[contenteditable="true"]').first
    box.click()
    page.keyboard.type("@")
    page.get_by_role("listbox").get_by_text("FTA Assign", exact=True).first.click()
    page.keyboard.type(f" {text}")
    page.keyboard.press("Enter")


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """As the suite's, with the SLA's reminder due at once and the worker running every two
    seconds, so an "SLA at risk" alert reaches the managers while the offer is open."""
    with harness.bot_and_playground(tmp_path_factory.mktemp("e2e-desk"), {
            "SLA_REMINDER_HOURS": "500", "WORKER_INTERVAL_SECONDS": "2"}) as (_, ui):
        yield ui


def test_a_manager_acts_on_the_sla_alert_and_on_a_request_from_its_view(page: Page) -> None:
    number = file_and_get_the_offer(page, "Discovery Workshop")

    page.get_by_text("General", exact=True).first.click()  # the managers' channel in the demo
    alert = page.get_by_text(re.compile(r"SLA at risk: FTA-\d{4}-\d{5}")).last
    expect(alert).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile("Offered to Alex Wilber, who has not answered")).last
           ).to_be_visible()
    page.wait_for_timeout(500)  # the channel feed re-renders once after it opens
    card_screenshot(page, re.compile("SLA at risk"), "desk-sla-at-risk-card")

    post_to_bot(page, f"status {number}")
    expect(page.get_by_text("Extend the deadline").last).to_be_visible()
    card_screenshot(page, re.compile("Extend the deadline"), "desk-manager-view-waiting")
    later = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    page.get_by_label(re.compile("^New deadline")).last.fill(later)
    type_into(page, "Reason (the seller sees it)", "The customer asked to start in January")
    page.get_by_role("button", name="Extend deadline").last.click()
    expect(page.get_by_text(re.compile(r"The deadline of FTA-\d{4}-\d{5} moved to")).last
           ).to_be_visible()
    expect(page.get_by_text(re.compile("^Extended by Alex Wilber")).last).to_be_visible()
    card_screenshot(page, re.compile("The deadline of FTA"), "desk-manager-view-extended")

    # Alex is the demo's only enterprise/NA FTA: a re-offer finds nobody else, and the
    # managers get the escalation card to assign it by hand
    page.get_by_role("button", name="Re-offer to the next FTA").last.click()
    expect(page.get_by_text("Nobody else is eligible: assign it by hand.").last).to_be_visible()
    card_screenshot(page, re.compile("Nobody else is eligible"), "desk-reoffer-nobody-card")
    settled(page)  # the alert is updated in place after the re-offer: pick once it is drawn
    choose(page, "Assign by hand to", re.compile(r"^Megan Bowen"))
    page.get_by_role("button", name="Assign").last.click()
    expect(page.get_by_text(re.compile(r"FTA-\d{4}-\d{5} assigned to Megan Bowen")).last
           ).to_be_visible()
    expect(page.get_by_text("SLA at risk")).to_have_count(0)  # the alert, updated in place
    expect(page.get_by_text("invoke 500")).to_have_count(0)
    card_screenshot(page, re.compile("assigned to Megan Bowen"), "desk-assigned-card")


def test_a_manager_reassigns_an_accepted_request_from_its_view(page: Page) -> None:
    number = file_and_get_the_offer(page, "ECIF / DWR review")
    page.get_by_role("button", name="Accept").last.click()
    expect(page.get_by_text(re.compile(r"is assigned to Alex Wilber")).last).to_be_visible()

    page.get_by_text("General", exact=True).first.click()
    page.wait_for_timeout(500)
    post_to_bot(page, f"status {number}")
    expect(page.get_by_text("Reassign to another FTA").last).to_be_visible()
    card_screenshot(page, re.compile("Reassign to another FTA"), "desk-manager-view-assigned")
    settled(page)
    choose(page, "New FTA", re.compile(r"^Megan Bowen"))
    type_into(page, "Reason (the FTAs and the record keep it)", "Alex is on leave next week")
    page.get_by_role("button", name="Reassign").last.click()

    expect(page.get_by_text(re.compile(r"reassigned from Alex Wilber to Megan Bowen")).last
           ).to_be_visible()
    expect(page.get_by_text("invoke 500")).to_have_count(0)
    card_screenshot(page, re.compile("reassigned from Alex Wilber"), "desk-manager-view-reassigned")


def test_a_high_impact_ticket_shows_its_priority_and_its_sla(page: Page) -> None:
    file_inquiry(page, "Something else", "High: deal or deployment blocked", "New customer",
                 "Not started", "Can FastTrack start before the EA is signed?")
    expect(page.get_by_text("It went to the FTCHelp team.").last).to_be_visible()

    page.get_by_text("FTCHelp", exact=True).first.click()
    page.get_by_role("button", name="Assign to me").last.click()

    expect(page.get_by_text(re.compile(r"^High priority · answer by")).last).to_be_visible()
    expect(page.get_by_text("invoke 500")).to_have_count(0)
    card_screenshot(page, re.compile(r"FTCHelp ticket FTA-"), "desk-ticket-high-priority")
