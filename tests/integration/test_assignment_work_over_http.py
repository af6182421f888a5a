"""After an FTA accepts: the FTOP record and its tasks, the notices to the seller and the
account team, and the FTA's review per request type, over HTTP with the fake connector."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from domain.ftop import APPROVE_ENGAGEMENT, FIRST_CONTACT, TaskState
from storage.database import open_database
from storage.ftop import SqlFtopGateway
from storage.requests import SqlRequestRepository
from tests.conftest import ACCOUNT_TEAM_CHANNEL, MANAGERS_CHANNEL
from tests.integration.test_offers_over_http import cards_in, fta, load_roster, offer_data
from tests.support.activities import person
from tests.support.driver import User, buttons, card_state, input_values, texts_of
from tests.support.requests import COMPLETE

MESSAGE = "application/vnd.microsoft.activity.message"


async def ftop_record(database_url: str, request_id: int):  # type: ignore[no-untyped-def]
    database = open_database(database_url)
    record = await SqlFtopGateway(database).get(request_id)
    await database.dispose()
    assert record is not None
    return record


async def stored_request(database_url: str, request_id: int):  # type: ignore[no-untyped-def]
    database = open_database(database_url)
    request = await SqlRequestRepository(database).get(request_id)
    await database.dispose()
    assert request is not None
    return request


async def accepted(bot, connector, database_url, type_key: str, **changes: str):  # type: ignore[no-untyped-def]
    """A request of ``type_key`` submitted by seller 1 and accepted by FTA 5."""
    architect, seller = User(bot, connector, number=5), User(bot, connector, number=1)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    form = await seller.open_form(type_key)
    await seller.press("submit_request", {**card_state(form), **COMPLETE[type_key], **changes})
    [offer] = cards_in(connector, "a:personal-5")
    work = (await architect.press("accept_offer", offer_data(offer)))["value"]
    return architect, seller, int(card_state(form)["request_id"]), work


async def test_accepting_opens_the_ftop_record_and_tells_the_account_team(bot, connector,
                                                                          database_url) -> None:
    _, _, request_id, work = await accepted(bot, connector, database_url,
                                            "discovery_workshop", tenant="")

    record = await ftop_record(database_url, request_id)
    assert record.fta_id == "fta-5" and record.tenant.placeholder
    assert [(t.task_id, t.state) for t in record.tasks] == [(FIRST_CONTACT, TaskState.OPEN)]
    assert "PLACEHOLDER for Contoso Ltd" in texts_of(work)
    [post] = cards_in(connector, ACCOUNT_TEAM_CHANNEL)
    assert "<at>Seller 5</at> is the FastTrack Architect for" in texts_of(post)
    assert [e["mentioned"]["id"] for e in post["msteams"]["entities"]] == [
        person(5)["aadObjectId"], person(1)["aadObjectId"]]


async def test_a_rejected_exception_reaches_the_seller_who_answers_with_details(
        bot, connector, database_url) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                         "migration_exception")
    state = {"request_id": request_id, "outcome": "rejected"}

    no_reason = await architect.press("record_review", state)
    rejected = await architect.press("record_review", {**state,
                                                       "detail": "Mailbox count looks wrong"})
    notice = cards_in(connector, "a:personal-1")[-1]
    answered = await seller.press("answer_review", {"request_id": request_id,
                                                    "more_details": "1,200 active, 300 shared"})

    assert "Write why it is rejected" in texts_of(no_reason["value"])
    assert "Recorded: exception rejected" in texts_of(rejected["value"])
    assert "Mailbox count looks wrong" in texts_of(notice)
    assert answered["value"] == "Sent to the FTA."
    assert "1,200 active, 300 shared" in texts_of(cards_in(connector, "a:personal-5")[-1])
    record = await ftop_record(database_url, request_id)
    assert [(r.kind, r.outcome, r.by) for r in record.reviews] == [
        ("exception", "rejected", "Seller 5"), ("seller", "more_details", "Seller 1")]



async def test_a_seller_sends_more_details_only_when_a_decision_asked_for_them(
        bot, connector, database_url) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                      "ecif_review")
    state = {"request_id": request_id}
    fta_cards = len(cards_in(connector, "a:personal-5"))

    unasked = await seller.press("answer_review", {**state, "more_details": "Unasked notes"})
    await architect.press("record_review", {**state, "outcome": "approved"})
    after_approval = await seller.press("answer_review", {**state,
                                                          "more_details": "Late notes"})

    for answer in (unasked, after_approval):
        assert answer["type"] == MESSAGE
        assert answer["value"].startswith("The FTA has not asked for more details")
    assert len(cards_in(connector, "a:personal-5")) == fta_cards
    record = await ftop_record(database_url, request_id)
    assert [(r.kind, r.outcome) for r in record.reviews] == [("funding", "approved")]

async def test_an_ecif_review_is_categorized_from_the_card(bot, connector,
                                                           database_url) -> None:
    architect, _, request_id, work = await accepted(bot, connector, database_url,
                                                    "ecif_review")
    labels = [a["title"] for a in work["actions"]]
    assert labels[:3] == ["Approve for funding", "Needs changes", "Decline"]

    await architect.press("record_review", {"request_id": request_id,
                                            "outcome": "needs_changes",
                                            "detail": "Cost breakdown lacks partner rates"})

    assert "Cost breakdown lacks partner rates" in texts_of(cards_in(connector,
                                                                     "a:personal-1")[-1])


async def test_decisions_answers_and_tasks_read_as_words_not_codes(bot, connector,
                                                                   database_url) -> None:
    architect, seller, request_id, work = await accepted(bot, connector, database_url,
                                                         "ecif_review")
    await architect.press("record_review", {"request_id": request_id,
                                            "outcome": "needs_changes",
                                            "detail": "Cost breakdown lacks partner rates"})
    await seller.press("answer_review", {"request_id": request_id,
                                         "more_details": "Partner rates added"})
    notice = cards_in(connector, "a:personal-1")[-1]
    answer = cards_in(connector, "a:personal-5")[-1]

    done = (await architect.press("call_completed", {"request_id": request_id}))["value"]

    assert "First Account Team contact made: to do (mandatory)" in texts_of(work)
    shown = texts_of(done)
    assert "Needs changes by Seller 5: Cost breakdown lacks partner rates" in shown
    assert "Seller's answer" in shown and "More details by Seller 1: Partner rates added" in shown
    assert "Key outputs" in shown and "Seller decision" not in shown
    assert "Seller 1 answered your decision “needs changes”:" in texts_of(answer)
    for card in (work, done, notice, answer):
        assert not re.search(r"\b[a-z]+_[a-z_]+\b|: open\b|[A-Z][a-z]+_[A-Z]", texts_of(card))


async def test_the_sellers_notice_is_titled_by_what_the_fta_decided(bot, connector,
                                                                    database_url) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                      "ecif_review")
    state = {"request_id": request_id}

    await architect.press("record_review", {**state, "outcome": "needs_changes",
                                            "detail": "Cost breakdown lacks partner rates"})
    await seller.press("answer_review", {**state, "more_details": "Partner rates added"})
    await architect.press("record_review", {**state, "outcome": "approved"})

    titles = [card["body"][0]["text"] for card in cards_in(connector, "a:personal-1")[-2:]]
    assert titles == [f"FTA-2026-{request_id:05d}: needs changes",
                      f"FTA-2026-{request_id:05d}: approved for funding"]


async def test_a_proposed_workshop_is_announced_as_such(bot, connector, database_url) -> None:
    architect, _, request_id, _ = await accepted(bot, connector, database_url,
                                                 "discovery_workshop")

    proposed = await architect.press("record_review", {"request_id": request_id,
                                                       "outcome": "proposed",
                                                       "detail": "3 or 4 December, agenda"})

    notice = cards_in(connector, "a:personal-1")[-1]
    assert notice["body"][0]["text"] == f"FTA-2026-{request_id:05d}: workshop proposed"
    assert "Propose the workshop" not in buttons(proposed["value"])


async def test_needs_changes_returns_once_the_seller_answers_and_nothing_follows_approval(
        bot, connector, database_url) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                      "ecif_review")
    state = {"request_id": request_id}
    asked = (await architect.press("record_review", {**state, "outcome": "needs_changes",
                                                     "detail": "Rates missing"}))["value"]
    twice = (await architect.press("record_review", {**state, "outcome": "needs_changes",
                                                     "detail": "Rates missing"}))["value"]
    await seller.press("answer_review", {**state, "more_details": "Rates added"})
    answer = cards_in(connector, "a:personal-5")[-1]

    again = (await architect.press("record_review", {
        **buttons(answer)["Needs changes"]["data"], "detail": "Travel costs missing"}))["value"]
    await seller.press("answer_review", {**state, "more_details": "Travel added"})
    approved = (await architect.press("record_review", {**state, "outcome": "approved"}))["value"]
    late = (await architect.press("record_review", {**state, "outcome": "declined",
                                                    "detail": "Too costly"}))["value"]

    assert [b for b in buttons(asked) if b in ("Approve for funding", "Needs changes",
                                                "Decline")] == ["Approve for funding", "Decline"]
    assert "The seller has not answered “needs changes” yet." in texts_of(twice)
    assert {"Approve for funding", "Needs changes", "Decline"} <= set(buttons(answer))
    assert "Recorded: needs changes" in texts_of(again)
    assert not {"Approve for funding", "Needs changes", "Decline"} & set(buttons(approved))
    assert "already approved for funding" in texts_of(late)
    record = await ftop_record(database_url, request_id)
    assert [r.outcome for r in record.reviews if r.kind == "funding"] == [
        "needs_changes", "needs_changes", "approved"]


async def test_engagement_before_license_is_approved_through_task_3286(bot, connector,
                                                                        database_url) -> None:
    architect, _, request_id, _ = await accepted(bot, connector, database_url,
                                                 "engage_before_license")

    answer = await architect.press("decide_engagement", {"request_id": request_id,
                                                         "approve": True})

    assert "Task 3286 approved" in texts_of(answer["value"])
    record = await ftop_record(database_url, request_id)
    assert record.task(APPROVE_ENGAGEMENT).state is TaskState.APPROVED


async def test_the_fta_replaces_the_placeholder_tenant_and_closes_the_first_contact(
        bot, connector, database_url) -> None:
    architect, _, request_id, _ = await accepted(bot, connector, database_url,
                                                 "discovery_workshop", tenant="")

    bad = await architect.press("replace_tenant", {"request_id": request_id, "tenant": "x"})
    await architect.press("replace_tenant", {"request_id": request_id,
                                             "tenant": "contoso.onmicrosoft.com"})
    done = await architect.press("call_completed", {"request_id": request_id})
    again = await architect.press("call_completed", {"request_id": request_id})

    assert "domain like contoso.onmicrosoft.com" in texts_of(bad["value"])
    assert "Task 3298 done" in texts_of(done["value"])
    assert again["type"] == MESSAGE and "already done" in again["value"]
    record = await ftop_record(database_url, request_id)
    assert [t.value for t in record.tenants] == [
        f"PLACEHOLDER for Contoso Ltd (FTA-2026-{request_id:05d})", "contoso.onmicrosoft.com"]
    assert record.task(FIRST_CONTACT).state is TaskState.DONE


async def test_without_graph_the_card_says_the_fta_books_the_internal_call(
        bot, connector, database_url) -> None:
    architect, _, request_id, work = await accepted(bot, connector, database_url,
                                                    "discovery_workshop")

    done = (await architect.press("call_completed", {"request_id": request_id}))["value"]

    assert "The bot cannot book the internal call here" in texts_of(work)
    assert "Call completed (3298)" in buttons(work)
    assert "Schedule internal call" not in buttons(work)
    assert "cannot book the internal call" not in texts_of(done)


async def test_only_the_assigned_fta_works_the_request(bot, connector, database_url) -> None:
    _, seller, request_id, _ = await accepted(bot, connector, database_url, "ecif_review")

    answer = await seller.press("record_review", {"request_id": request_id,
                                                  "outcome": "approved"})

    assert answer["type"] == MESSAGE and "Only the FTA assigned" in answer["value"]


@pytest.mark.parametrize("region", ["EMEA"])
async def test_an_account_team_channel_that_is_not_configured_is_reported(
        bot, connector, database_url, region) -> None:
    architect = User(bot, connector, number=5)
    await architect.say("hi")
    await load_roster(database_url, replace(fta(5), regions=frozenset({region})))
    seller = User(bot, connector, number=1)
    form = await seller.open_form("ecif_review")
    await seller.press("submit_request", {**card_state(form), **COMPLETE["ecif_review"],
                                          "region": region})
    [offer] = cards_in(connector, "a:personal-5")
    await architect.press("accept_offer", offer_data(offer))

    [report] = cards_in(connector, MANAGERS_CHANNEL)
    assert "Could not post" in texts_of(report) and "account team channel" in texts_of(report)


async def test_after_needs_changes_the_seller_replaces_an_attachment(bot, connector,
                                                                     database_url) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                      "ecif_review")
    await architect.press("record_review", {"request_id": request_id,
                                            "outcome": "needs_changes",
                                            "detail": "Cost breakdown lacks partner rates"})
    notice = cards_in(connector, "a:personal-1")[-1]
    new_cost = "https://contoso.sharepoint.com/sites/deal/Cost-v2.xlsx"
    answer = {"request_id": request_id, "more_details": "", **input_values(notice)}

    bad = await seller.press("answer_review", {**answer, "new_cost": "cost v2 on my laptop"})
    sent = await seller.press("answer_review", {**answer, "new_cost": new_cost})

    assert input_values(notice)["new_cost"] == COMPLETE["ecif_review"]["cost"]
    assert "Statement of Work (SOW) (a new link replaces it)" in texts_of(notice)
    assert bad["value"].startswith("Cost breakdown: Enter a full https:// link")
    assert sent["value"] == "Sent to the FTA."
    told = texts_of(cards_in(connector, "a:personal-5")[-1])
    assert "Seller 1 answered your decision “needs changes”:" in told
    assert f"New Cost breakdown: {new_cost}" in told
    stored = await stored_request(database_url, request_id)
    assert stored.values["cost"] == new_cost
    assert stored.values["sow"] == COMPLETE["ecif_review"]["sow"]
    work = (await architect.press("replace_tenant", {"request_id": request_id,
                                                     "tenant": "contoso.onmicrosoft.com"}))
    assert new_cost in json.dumps(work["value"])  # the FTA's work card links the new one


async def test_attachments_cannot_be_replaced_when_no_decision_waits(bot, connector,
                                                                     database_url) -> None:
    _, seller, request_id, _ = await accepted(bot, connector, database_url, "ecif_review")

    answer = await seller.press("answer_review", {
        "request_id": request_id, "new_cost": "https://contoso.sharepoint.com/Cost-v2.xlsx"})

    assert answer["value"].startswith("The FTA has not asked for more details")
    assert answer["value"].endswith("Nothing was sent or replaced.")
    stored = await stored_request(database_url, request_id)
    assert stored.values["cost"] == COMPLETE["ecif_review"]["cost"]


async def test_a_replacement_link_off_sharepoint_is_refused_and_nothing_is_sent(
        bot, connector, database_url) -> None:
    architect, seller, request_id, _ = await accepted(bot, connector, database_url,
                                                      "ecif_review")
    await architect.press("record_review", {"request_id": request_id,
                                            "outcome": "needs_changes",
                                            "detail": "Cost breakdown lacks partner rates"})
    notice = cards_in(connector, "a:personal-1")[-1]
    to_fta = len(cards_in(connector, "a:personal-5"))
    answer = {"request_id": request_id, "more_details": "Rates added", **input_values(notice)}

    bad = await seller.press("answer_review", {**answer,
                                               "new_cost": "https://evil.example/Cost.xlsx"})

    assert bad["value"] == ("Cost breakdown: This link leads to evil.example. Give the "
                            "document's SharePoint or OneDrive link (Copy link in Teams, "
                            "SharePoint or OneDrive). Nothing was sent.")
    assert len(cards_in(connector, "a:personal-5")) == to_fta
    database = open_database(database_url)
    try:
        kept = await SqlRequestRepository(database).get(request_id)
    finally:
        await database.dispose()
    assert kept is not None and kept.values["cost"] == COMPLETE["ecif_review"]["cost"]
