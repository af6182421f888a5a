"""Changing course in the Agents Playground: a seller withdraws an accepted request, an FTA sends
one back and the seller resubmits it, and an FTA lists their open work."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import card_screenshot
from tests.e2e.playground import say, type_into
from tests.e2e.test_request_intake import (
    COST,
    SOW,
    STAFFING,
    fill_attachments,
    fill_customer,
    start,
)

OFFER = re.compile(r"New request for you: FTA-\d{4}-\d{5}")


def file_and_get_the_offer(page: Page, request_type: str) -> str:
    """Files a complete request as Alex, who is also its FTA: the number the offer names."""
    start(page, request_type)
    fill_customer(page, fta=True)
    fill_attachments(page, SOW, STAFFING, COST)
    page.get_by_role("button", name="Submit").last.click()
    offer = page.get_by_text(OFFER).last
    expect(offer).to_be_visible()
    number = re.search(r"FTA-\d{4}-\d{5}", offer.inner_text())
    assert number is not None
    return number[0]


def test_a_seller_withdraws_an_accepted_request_and_the_fta_and_channel_see_it(
        page: Page) -> None:
    file_and_get_the_offer(page, "ECIF / DWR review")
    page.get_by_role("button", name="Accept").last.click()
    expect(page.get_by_text(re.compile(r"is assigned to Alex Wilber")).last).to_be_visible()

    page.get_by_role("button", name="Withdraw request").last.click()

    expect(page.get_by_text(re.compile(r"FTA-\d{4}-\d{5} was withdrawn by the seller")).last
           ).to_be_visible()  # the FTA's work card, updated in place
    expect(page.get_by_text("invoke 500")).to_have_count(0)
    card_screenshot(page, re.compile("was withdrawn by the seller"), "withdrawn-work-card")
    page.get_by_text("General", exact=True).first.click()  # the account team's channel
    expect(page.get_by_text(re.compile(r"Withdrawn: FTA-\d{4}-\d{5}")).last).to_be_visible()
    page.wait_for_timeout(500)  # the channel feed re-renders once after it opens
    card_screenshot(page, re.compile(r"Withdrawn: FTA-"), "withdrawn-account-team-post")


def test_an_fta_sends_a_request_back_and_the_seller_resubmits_it(page: Page) -> None:
    file_and_get_the_offer(page, "Discovery Workshop")
    page.get_by_label(re.compile("^What the seller must fix")).last.fill(
        "The staffing plan is for another customer.")
    page.get_by_role("button", name="Send back: incomplete").last.click()

    expect(page.get_by_text(re.compile(r"FTA-\d{4}-\d{5} was sent back to you")).last
           ).to_be_visible()
    expect(page.get_by_text(re.compile("staffing plan is for another customer")).last
           ).to_be_visible()
    card_screenshot(page, re.compile(r"was sent back to you"), "sent-back-form")
    type_into(page, f"{STAFFING} (link or file) (required)",
              "https://contoso.sharepoint.com/sites/deal/Staffing-v2.xlsx")
    page.get_by_role("button", name="Submit").last.click()

    expect(page.get_by_text(OFFER).last).to_be_visible()  # offered again
    expect(page.get_by_text("invoke 500")).to_have_count(0)


def test_an_fta_lists_their_open_work(page: Page) -> None:
    file_and_get_the_offer(page, "Discovery Workshop")
    page.get_by_role("button", name="Accept").last.click()
    expect(page.get_by_text(re.compile(r"is assigned to Alex Wilber")).last).to_be_visible()

    say(page, "my assignments")

    expect(page.get_by_text("My assignments").last).to_be_visible()
    expect(page.get_by_text(re.compile("3298")).last).to_be_visible()
    card_screenshot(page, re.compile("^My assignments"), "my-assignments")
