"""A seller files requests in the Agents Playground, as they would in Teams."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import card_screenshot, screenshot
from tests.e2e.playground import choose, say, settled, type_into, value_of

R = " (required)"
SHAREPOINT = "https://contoso.sharepoint.com/sites/deal/"


def start(page: Page, request_type: str) -> None:
    say(page, "cancel")  # a draft left by an earlier test must not be resumed
    expect(page.get_by_text(re.compile("no draft to cancel|cancelled")).last).to_be_visible()
    say(page, "request FTA")
    expect(page.get_by_text("Request a FastTrack Architect").last).to_be_visible()
    first_word = request_type.split()[0]  # "/" would break Playwright's regex serialization
    page.get_by_role("radio", name=re.compile(f"^{first_word}")).last.check()
    page.get_by_role("button", name="Next").last.click()
    expect(page.get_by_text(f"{request_type} request").last).to_be_visible()


def fill_customer(page: Page, fta: bool) -> None:
    type_into(page, "Customer name" + R, "Contoso Ltd")
    type_into(page, "Production tenant (domain or tenant id; leave empty if not known yet)",
              "contoso.onmicrosoft.com")
    choose(page, "Segment" + R, "Enterprise")
    choose(page, "Region" + R, "North America")
    type_into(page, "Customer country (two-letter code)" + R, "US")
    if fta:
        page.get_by_role("checkbox", name="Exchange").last.check()
        page.get_by_label("Seat count" + R, exact=True).last.fill("5000")
        type_into(page, "ATU contact (e-mail)" + R, "ae@contoso.com")


def fill_attachments(page: Page, *labels: str) -> None:
    for label in labels:
        type_into(page, f"{label} (link or file)" + R, SHAREPOINT + label.split()[0] + ".docx")


SOW, STAFFING, COST = ("Statement of Work (SOW)", "Staffing plan / work breakdown structure",
                       "Cost breakdown")


def test_a_discovery_workshop_request_from_start_to_confirmation(page: Page) -> None:
    start(page, "Discovery Workshop")
    fill_customer(page, fta=True)
    fill_attachments(page, SOW, STAFFING)

    page.get_by_role("button", name="Submit").last.click()

    expect(page.get_by_text("Almost there: 1 thing to fix").last).to_be_visible()
    expect(page.get_by_text("Add a link, or send me the file").last).to_be_visible()
    assert value_of(page, "Customer name" + R) == "Contoso Ltd"
    assert value_of(page, f"{SOW} (link or file)" + R) == SHAREPOINT + "Statement.docx"
    screenshot(page, "intake-incomplete")

    fill_attachments(page, COST)
    page.get_by_role("button", name="Submit").last.click()

    expect(page.get_by_text(re.compile(r"Request FTA-\d{4}-\d{5} submitted")).last).to_be_visible()
    expect(page.get_by_text("It went to the FastTrack Architect assignment queue.").last
           ).to_be_visible()
    expect(page.get_by_text("FTA assigned by").last).to_be_visible()
    expect(page.get_by_text("invoke 500")).to_have_count(0)
    screenshot(page, "intake-confirmation")


def file_inquiry(page: Page, topic: str, impact: str, customer_type: str, status: str,
                 question: str) -> None:
    """A sales-support inquiry from the start to its Submit."""
    start(page, "Sales support inquiry")
    fill_customer(page, fta=False)
    choose(page, "Topic" + R, topic)
    choose(page, "Impact" + R, impact)
    choose(page, "Customer type" + R, customer_type)
    choose(page, "Deployment status" + R, status)
    type_into(page, "Your question" + R, question)
    page.get_by_role("button", name="Submit").last.click()


def test_a_sales_support_inquiry_is_answered_by_the_faq(page: Page) -> None:
    file_inquiry(page, "Eligibility", "Medium: slows the deal", "Existing customer", "Planning",
                 "Are 140 E3 plus 20 F3 seats eligible?")

    expect(page.get_by_text("FastTrack eligibility").last).to_be_visible()
    expect(page.get_by_text(re.compile("150 or more licenses")).last).to_be_visible()
    screenshot(page, "faq-answer")
    page.get_by_role("button", name="This answers it").last.click()
    expect(page.get_by_text("Glad that helped").last).to_be_visible()
    expect(page.get_by_text("invoke 500")).to_have_count(0)


def test_an_inquiry_the_faq_cannot_answer_becomes_a_ticket_in_the_ftchelp_channel(
        page: Page) -> None:
    file_inquiry(page, "Something else", "High: deal or deployment blocked", "New customer",
                 "Not started", "Can FastTrack start before the EA is signed?")
    expect(page.get_by_text("It went to the FTCHelp team.").last).to_be_visible()

    page.get_by_text("FTCHelp", exact=True).first.click()

    expect(page.get_by_text(re.compile(r"FTCHelp ticket FTA-\d{4}-\d{5} · Unassigned")).last
           ).to_be_visible()
    page.get_by_role("button", name="Assign to me").last.click()
    expect(page.get_by_text(re.compile("· Assigned to Alex Wilber")).last).to_be_visible()
    screenshot(page, "ftchelp-ticket")


def test_the_fta_accepts_the_offer_and_the_seller_is_told(page: Page) -> None:
    # Alex Wilber is both the seller and, in the sample roster, the enterprise/NA FTA.
    start(page, "ECIF / DWR review")
    fill_customer(page, fta=True)
    fill_attachments(page, SOW, STAFFING, COST)
    page.get_by_role("button", name="Submit").last.click()

    expect(page.get_by_text(re.compile(r"New request for you: FTA-\d{4}-\d{5}")).last
           ).to_be_visible()
    expect(page.get_by_text(re.compile("Why you: relative load")).last).to_be_visible()
    page.get_by_role("button", name="Accept").last.click()

    expect(page.get_by_text("You accepted. The seller and the account team have been told.").last
           ).to_be_visible()
    expect(page.get_by_text(re.compile(r"FTA-\d{4}-\d{5} is assigned to Alex Wilber")).last
           ).to_be_visible()
    expect(page.get_by_text("invoke 500")).to_have_count(0)
    screenshot(page, "offer-accepted")

    page.get_by_text("General", exact=True).first.click()  # the account team's channel
    notice = page.get_by_text(re.compile(r"FTA assigned: FTA-\d{4}-\d{5}")).last
    expect(notice).to_be_visible()
    expect(page.get_by_text(re.compile("is the FastTrack Architect for")).last).to_be_visible()
    page.wait_for_timeout(500)  # the channel feed re-renders once after it opens
    notice.scroll_into_view_if_needed()
    screenshot(page, "account-team-notice")


def test_a_decline_with_nobody_left_escalates_to_the_managers_who_assign_by_hand(
        page: Page) -> None:
    start(page, "Discovery Workshop")
    fill_customer(page, fta=True)
    fill_attachments(page, SOW, STAFFING, COST)
    page.get_by_role("button", name="Submit").last.click()
    expect(page.get_by_text(re.compile(r"New request for you: FTA-\d{4}-\d{5}")).last
           ).to_be_visible()

    page.get_by_role("button", name="Decline").last.click()
    expect(page.get_by_text("Say why you decline").last).to_be_visible()
    type_into(page, "Reason, if you decline (required to decline)", "On leave that week")
    page.get_by_role("button", name="Decline").last.click()
    expect(page.get_by_text(re.compile(r"You declined FTA-\d{4}-\d{5}")).last).to_be_visible()
    expect(page.get_by_text(re.compile("sent to the FTA managers")).last).to_be_visible()
    card_screenshot(page, re.compile(r"You declined FTA-"), "offer-declined-card")

    page.get_by_text("General", exact=True).first.click()  # the managers' channel in the demo
    expect(page.get_by_text(re.compile(r"No FTA could be assigned to FTA-\d{4}-\d{5}")).last
           ).to_be_visible()
    expect(page.get_by_text(re.compile("declined: On leave that week")).last).to_be_visible()
    card_screenshot(page, re.compile(r"No FTA could be assigned to"), "escalation-card")
    settled(page)  # pick on the escalation card once nothing more is on its way to it
    choose(page, "Assign by hand to", re.compile(r"^Alex Wilber \(\d+.9 points\)"))
    page.get_by_role("button", name="Assign").last.click()
    expect(page.get_by_text(re.compile(r"FTA-\d{4}-\d{5} assigned to Alex Wilber")).last
           ).to_be_visible()
    expect(page.get_by_text("invoke 500")).to_have_count(0)
    screenshot(page, "escalation-assigned-by-hand")
