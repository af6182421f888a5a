"""A seller files requests through the real adapter over HTTP; the fake connector records
what the bot sends, and the database shows what was kept."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.requests import State
from storage.database import open_database
from storage.requests import SqlRequestRepository
from tests.support.driver import User, card_state, input_values, texts_of
from tests.support.requests import COMPLETE

CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"


@pytest.fixture
def seller(bot, connector) -> User:  # type: ignore[no-untyped-def]
    return User(bot, connector, number=1)


async def stored(database_url: str, request_id: int):  # type: ignore[no-untyped-def]
    database = open_database(database_url)
    try:
        return await SqlRequestRepository(database).get(request_id)
    finally:
        await database.dispose()


@pytest.mark.parametrize("text", ["request FTA", "request fta", "REQUEST an FTA", "request"])
async def test_request_fta_opens_the_type_card(seller, text) -> None:
    [sent] = await seller.say(text)
    [card] = sent.cards
    assert card["version"] == "1.5"
    assert "Request a FastTrack Architect" in texts_of(card)
    choices = next(b for b in card["body"] if b.get("id") == "request_type")["choices"]
    assert len(choices) == 6 and all(": " in c["title"] for c in choices)


async def test_choosing_a_type_replaces_the_card_with_its_form(seller) -> None:
    form = await seller.open_form("discovery_workshop")
    assert "Discovery Workshop request" in texts_of(form)
    assert "Statement of Work (SOW) (link or file)" in texts_of(form)


async def test_an_incomplete_submit_names_every_problem_and_keeps_what_was_typed(
        seller, database_url) -> None:
    form = await seller.open_form("discovery_workshop")
    typed = {**COMPLETE["discovery_workshop"], "cost": "", "atu_contact": "Alex",
             "sow": "http://contoso.sharepoint.com/SOW.docx"}

    answer = await seller.press("submit_request", {**card_state(form), **typed})

    assert answer["type"] == CARD
    card = answer["value"]
    text = texts_of(card)
    assert "Almost there: 3 things to fix" in text
    assert "Add a link, or send me the file" in text
    assert "Enter an e-mail address" in text and "https://" in text
    kept = input_values(card)
    assert kept["customer"] == "Contoso Ltd" and kept["atu_contact"] == "Alex"
    assert kept["sow"] == typed["sow"] and kept["seats"] == 5000
    draft = await stored(database_url, card_state(card)["request_id"])
    assert draft.state is State.DRAFT and draft.values["customer"] == "Contoso Ltd"


async def test_a_complete_discovery_workshop_goes_to_the_fta_queue(seller, database_url) -> None:
    form = await seller.open_form("discovery_workshop")

    answer = await seller.press("submit_request",
                                {**card_state(form), **COMPLETE["discovery_workshop"]})

    text = texts_of(answer["value"])
    request_id = card_state(form)["request_id"]
    assert f"Request FTA-2026-{request_id:05d} submitted" in text
    assert "FastTrack Architect assignment queue" in text
    assert "{{DATE(2026-11-26T22:59:59Z, SHORT)}}" in text  # Tuesday + 2 French business days
    request = await stored(database_url, request_id)
    assert request.state is State.AWAITING_FTA
    assert request.submitted_at is not None
    assert request.requester.timezone == "Europe/Paris" and request.requester.country == "FR"


async def test_save_draft_keeps_values_and_request_fta_resumes_there(seller) -> None:
    form = await seller.open_form("ecif_review")
    await seller.press("save_draft", {**card_state(form), "customer": "Fabrikam"})

    [sent] = await seller.say("request FTA")

    card = sent.cards[0]
    assert "Welcome back" in texts_of(card) and "ECIF / DWR review request" in texts_of(card)
    assert input_values(card)["customer"] == "Fabrikam"
    assert card_state(card)["request_id"] == card_state(form)["request_id"]


async def test_a_stale_card_changes_nothing_and_shows_the_latest(seller, database_url) -> None:
    form = await seller.open_form("ecif_review")
    await seller.press("save_draft", {**card_state(form), "customer": "Newer"})

    answer = await seller.press("submit_request", {**card_state(form), "customer": "Older"})

    assert "out of date" in texts_of(answer["value"])
    assert input_values(answer["value"])["customer"] == "Newer"
    request = await stored(database_url, card_state(form)["request_id"])
    assert request.values["customer"] == "Newer" and request.state is State.DRAFT


async def test_a_submitted_request_cannot_be_submitted_again(seller) -> None:
    form = await seller.open_form("discovery_workshop")
    state = {**card_state(form), **COMPLETE["discovery_workshop"]}
    await seller.press("submit_request", state)

    again = await seller.press("submit_request", {**state, "version": state["version"] + 1})

    assert again["type"] == MESSAGE and "already sent on" in again["value"]


async def test_card_data_pointing_at_someone_elses_request_is_refused(bot, connector, seller,
                                                                      database_url) -> None:
    form = await seller.open_form("discovery_workshop")
    intruder = User(bot, connector, number=2)

    answer = await intruder.press("submit_request",
                                  {**card_state(form), **COMPLETE["discovery_workshop"]})

    assert answer["type"] == MESSAGE and "someone else's request" in answer["value"]
    request = await stored(database_url, card_state(form)["request_id"])
    assert request.state is State.DRAFT and request.values == {}


@pytest.mark.parametrize("data", [{"request_id": "1"}, {"request_id": True},
                                  {"request_id": 99999, "version": 1}, {},
                                  {"request_id": 2**31, "version": 1},
                                  {"request_id": 2**63, "version": 1}])
async def test_garbled_card_data_is_refused_politely(seller, data) -> None:
    answer = await seller.press("submit_request", data)
    assert answer["type"] == MESSAGE and "someone else's request" in answer["value"]


async def test_over_long_text_is_flagged_and_kept(seller) -> None:
    form = await seller.open_form("migration_exception")
    long_text = "x" * 2500

    answer = await seller.press("submit_request", {**card_state(form), **COMPLETE[
        "migration_exception"], "justification": long_text})

    assert "Keep this to 2000 characters (it has 2500)" in texts_of(answer["value"])
    assert input_values(answer["value"])["justification"] == long_text


@pytest.mark.parametrize(("seats", "says"), [
    ("9" * 400, "Keep this to 200 characters"), ("9" * 150, "Enter a whole number from 1 to"),
    ("\u00b2", "Enter a whole number from 1 to"), ("\u0663", "Enter a whole number from 1 to"),
], ids=["400 digits", "150 digits", "superscript two", "Arabic-Indic three"])
async def test_a_seat_count_no_card_can_show_is_flagged_and_the_draft_stays_usable(
        seller, seats, says) -> None:
    form = await seller.open_form("discovery_workshop")
    saved = await seller.press("save_draft", {**card_state(form), "customer": "Fabrikam",
                                              "seats": seats})
    assert "Draft saved" in texts_of(saved["value"])

    [sent] = await seller.say("request FTA")
    assert input_values(sent.cards[0])["customer"] == "Fabrikam"
    answer = await seller.press("submit_request", {
        **card_state(sent.cards[0]), **COMPLETE["discovery_workshop"], "seats": seats})
    assert says in texts_of(answer["value"])


async def test_cancel_abandons_the_draft(seller, database_url) -> None:
    form = await seller.open_form("ecif_review")
    [sent] = [s for s in await seller.say("cancel") if s.method == "POST"]
    assert "cancelled" in texts_of(sent.cards[0])
    request = await stored(database_url, card_state(form)["request_id"])
    assert request.state is State.CANCELLED
    [nothing] = await seller.say("cancel")
    assert nothing.text == "You have no draft to cancel."


async def test_my_requests_lists_only_mine_and_status_hides_others(bot, connector,
                                                                   seller) -> None:
    form = await seller.open_form("discovery_workshop")
    await seller.press("submit_request", {**card_state(form), **COMPLETE["discovery_workshop"]})
    number = f"FTA-2026-{card_state(form)['request_id']:05d}"
    other = User(bot, connector, number=2)
    await other.say("request FTA")

    [mine] = await seller.say("my requests")
    [theirs] = await other.say(f"status {number}")
    [own] = await seller.say(f"status {number}")

    assert number in texts_of(mine.cards[0]) and "Contoso Ltd" in texts_of(mine.cards[0])
    assert f"I can't find {number} among your requests" in theirs.text
    assert "In the FTA assignment queue" in texts_of(own.cards[0])


async def test_my_requests_leaves_out_cancelled_drafts_unless_asked_for_all(seller) -> None:
    await seller.open_form("ecif_review")
    await seller.say("cancel")
    kept = await seller.open_form("discovery_workshop")
    await seller.press("submit_request", {**card_state(kept), **COMPLETE["discovery_workshop"]})

    [mine] = await seller.say("my requests")
    [everything] = await seller.say("my requests all")

    shown, all_shown = texts_of(mine.cards[0]), texts_of(everything.cards[0])
    assert "FTA-2026-00001" in shown and "ECIF" not in shown
    assert "type **my requests all** to see them" in shown
    assert "Draft\nECIF / DWR review · no customer yet · Cancelled" in all_shown


async def test_numbers_are_given_at_submission_so_abandoned_drafts_leave_no_gap(
        bot, connector, seller) -> None:
    for _ in range(2):  # two drafts abandoned, one of them by someone else
        await seller.open_form("ecif_review")
        await seller.say("cancel")
    await User(bot, connector, number=2).say("request FTA")
    form = await seller.open_form("discovery_workshop")
    assert "Draft (numbered when submitted)" in texts_of(form)

    answer = await seller.press("submit_request", {**card_state(form),
                                                   **COMPLETE["discovery_workshop"]})
    [status] = await seller.say("status FTA-2026-1")
    [missing] = await seller.say(f"status FTA-2026-{card_state(form)['request_id']:05d}")

    assert card_state(form)["request_id"] == 4
    assert "Request FTA-2026-00001 submitted" in texts_of(answer["value"])
    assert "FTA-2026-00001" in texts_of(status.cards[0])
    assert "I can't find FTA-2026-00004 among your requests" in missing.text


async def test_a_file_sent_in_the_personal_chat_fills_its_attachment_slot(seller) -> None:
    form = await seller.open_form("discovery_workshop")
    file = {"contentType": "application/vnd.microsoft.teams.file.download.info",
            "name": "Contoso cost model.xlsx",
            "contentUrl": "https://contoso-my.sharepoint.com/personal/s/Cost.xlsx",
            "content": {"downloadUrl": "https://temporary", "fileType": "xlsx"}}

    [sent] = await seller.send(seller.activity(text="", attachments=[file]))

    text = texts_of(sent.cards[0])
    assert "Got **Contoso cost model.xlsx** as the Cost breakdown" in text
    assert "Received: **Contoso cost model.xlsx**" in text
    values = {**COMPLETE["discovery_workshop"], "cost": ""}
    answer = await seller.press("submit_request", {**card_state(sent.cards[0]), **values})
    assert "submitted" in texts_of(answer["value"])
    assert card_state(form)["request_id"] == card_state(sent.cards[0])["request_id"]



@pytest.mark.parametrize("url", [
    "https://evil.example/Cost.xlsx", "http://contoso-my.sharepoint.com/personal/s/Cost.xlsx",
    "https://contoso.sharepoint.com.evil.example/Cost.xlsx",
    "https://contoso.sharepoint.com@evil.example/Cost.xlsx", "javascript:alert(1)", ""])
async def test_a_file_not_stored_on_sharepoint_or_onedrive_is_not_kept(seller, database_url,
                                                                       url) -> None:
    form = await seller.open_form("discovery_workshop")
    file = {"contentType": "application/vnd.microsoft.teams.file.download.info",
            "name": "Cost.xlsx", "contentUrl": url, "content": {"fileType": "xlsx"}}

    [sent] = await seller.send(seller.activity(text="", attachments=[file]))

    assert sent.text.startswith("I did not keep **Cost.xlsx**:")
    assert "SharePoint" in sent.text and not sent.cards
    draft = await stored(database_url, int(card_state(form)["request_id"]))
    assert draft is not None and draft.files == {}

@pytest.mark.parametrize(("url", "problem"), [
    ("https://evil.example/SOW.docx", "This link leads to evil.example."),
    ("https://contoso.sharepoint.com.evil.example/SOW.docx",
     "This link leads to contoso.sharepoint.com.evil.example."),
    ("https://contoso.sharepoint.com@evil.example/SOW.docx", "Enter a full https:// link"),
    ("https://contoso.sharepoint.com:8443/SOW.docx", "Enter a full https:// link"),
    ("http://contoso.sharepoint.com/SOW.docx", "Enter a full https:// link"),
    ("javascript:alert(1)", "Enter a full https:// link")])
async def test_a_typed_link_is_held_to_the_same_hosts_as_a_file_sent(seller, database_url,
                                                                     url, problem) -> None:
    form = await seller.open_form("discovery_workshop")
    typed = {**COMPLETE["discovery_workshop"], "sow": url}

    answer = await seller.press("submit_request", {**card_state(form), **typed})

    card = answer["value"]
    assert "Almost there: 1 thing to fix" in texts_of(card) and problem in texts_of(card)
    assert input_values(card)["sow"] == url  # kept as typed, to be corrected
    assert input_values(card)["customer"] == typed["customer"]
    draft = await stored(database_url, card_state(card)["request_id"])
    assert draft.state is State.DRAFT and draft.values["sow"] == url


async def test_typed_links_follow_the_configured_file_hosts(
        aiohttp_client, settings, connector, database_url, clock) -> None:
    from app import create_app
    from tests.conftest import empty_database

    await empty_database(database_url)
    bot = await aiohttp_client(create_app(replace(settings, file_hosts=("files.contoso.com",)),
                                          clock=clock))
    seller = User(bot, connector, number=1)
    form = await seller.open_form("discovery_workshop")
    ours = {**COMPLETE["discovery_workshop"], "sow": "https://files.contoso.com/deal/SOW.docx",
            "staffing": "https://files.contoso.com/deal/Staffing.xlsx",
            "cost": "https://files.contoso.com/deal/Cost.xlsx"}

    refused = await seller.press("submit_request", {**card_state(form), **COMPLETE[
        "discovery_workshop"]})
    assert "Almost there: 3 things to fix" in texts_of(refused["value"])
    assert "This link leads to contoso.sharepoint.com." in texts_of(refused["value"])
    taken = await seller.press("submit_request", {**card_state(refused["value"]), **ours})
    assert "submitted" in texts_of(taken["value"])


async def test_a_mention_in_a_channel_opens_the_request_card_there(bot, connector) -> None:
    from tests.support.activities import mention_message

    await bot.post("/api/messages", json=mention_message(
        connector.url, "request FTA", conversation="19:sales@thread.tacv2", kind="channel"))

    [card] = connector.cards()
    assert "Request a FastTrack Architect" in texts_of(card)


async def test_change_type_keeps_what_was_typed_in_the_fields_both_types_share(seller) -> None:
    form = await seller.open_form("discovery_workshop")
    typed = {"customer": "Fabrikam", "tenant": "fabrikam.com", "segment": "smc",
             "region": "EMEA", "country": "DE", "seats": "800",
             "sow": "https://fabrikam.sharepoint.com/SOW.docx"}

    chooser = await seller.press("open_request", {**card_state(form), "step": "type", **typed})
    answer = await seller.press("choose_request_type", {**card_state(chooser["value"]),
                                                        "request_type": "migration_exception"})

    kept = input_values(answer["value"])
    assert "Migration exception request" in texts_of(answer["value"])
    assert {key: kept[key] for key in ("customer", "tenant", "segment", "region", "country")} \
        == {key: typed[key] for key in ("customer", "tenant", "segment", "region", "country")}
    assert kept["seats"] == 800 and "sow" not in kept


async def test_change_type_from_an_out_of_date_form_keeps_the_latest_draft(seller,
                                                                         database_url) -> None:
    form = await seller.open_form("ecif_review")
    await seller.press("save_draft", {**card_state(form), "customer": "Newer"})

    await seller.press("open_request", {**card_state(form), "step": "type", "customer": "Older"})

    request = await stored(database_url, card_state(form)["request_id"])
    assert request.values["customer"] == "Newer"


def updates_of(connector, conversation: str) -> list:  # type: ignore[no-untyped-def]
    return [s for s in connector.sent if s.method == "PUT" and s.conversation_id == conversation]


async def test_typing_cancel_turns_the_form_shown_last_into_a_cancelled_card(
        seller, connector) -> None:
    form = await seller.open_form("ecif_review")

    await seller.say("cancel")

    [update] = updates_of(connector, "a:personal-1")
    assert update.activity_id == "card-1"  # the message the form was chosen on
    [card] = update.cards
    assert "cancelled" in texts_of(card) and not card.get("actions")
    assert card_state(form)["request_id"]  # the form it replaced was the draft's


async def test_typing_cancel_after_resuming_updates_the_resumed_form(seller, connector) -> None:
    await seller.open_form("ecif_review")
    [resumed] = await seller.say("request FTA")
    resumed_id = connector.ids_given[connector.sent.index(resumed)]

    await seller.say("cancel")

    [update] = updates_of(connector, "a:personal-1")
    assert update.activity_id == resumed_id and "cancelled" in texts_of(update.cards[0])


@pytest.mark.parametrize(("verb", "extra"), [("save_draft", {}), ("submit_request", {}),
                                            ("open_request", {"step": "type"}),
                                            ("cancel_request", {})])
async def test_a_cancelled_drafts_form_acted_on_again_says_so_and_has_no_buttons(
        seller, verb, extra) -> None:
    form = await seller.open_form("ecif_review")
    await seller.press("cancel_request", card_state(form))

    answer = await seller.press(verb, {**card_state(form), **extra, "customer": "Fabrikam"})

    assert answer["type"] == CARD
    card = answer["value"]
    assert "cancelled" in texts_of(card) and not card.get("actions")


def labels_of(card: dict) -> dict[str, str]:
    from tests.support.driver import nodes

    return {node["id"]: node["label"] for node in nodes(card)
            if str(node.get("type", "")).startswith("Input.") and "label" in node}


async def test_fields_another_answer_makes_required_say_so_before_submitting(seller) -> None:
    form = await seller.open_form("migration_exception")
    saved = await seller.press("save_draft", {**card_state(form), "source": "domino",
                                              "local_migration": "true"})

    for card in (form, saved["value"]):
        labels = labels_of(card)
        assert labels["domino_details"].endswith("(required for a Domino / Notes source)")
        assert labels["mailbox_count"].endswith("(required for a Domino / Notes or other "
                                                "mail source)")
        assert labels["local_justification"].endswith("(required for a local migration)")
        assert labels["file_details"].endswith("(required for file shares)")
        assert labels["justification"].endswith("(required)")


async def test_refusals_reach_the_seller_as_plain_text_without_markdown(bot, connector,
                                                                        seller) -> None:
    from tests.unit.test_plain_messages import MARKDOWN

    form = await seller.open_form("sales_support")
    faq = await seller.press("submit_request", {**card_state(form),
                                                **COMPLETE["sales_support"]})
    await seller.press("faq_answered", card_state(faq["value"]))
    refusals = [
        await seller.press("save_draft", card_state(form)),  # sent on already
        await seller.press("faq_need_help", card_state(faq["value"])),  # moved on already
        await User(bot, connector, number=2).press("save_draft", card_state(form)),  # not yours
        await seller.press("a_verb_from_an_older_release", {}),
    ]

    for refusal in refusals:
        assert refusal["type"] == MESSAGE
        assert not MARKDOWN.search(refusal["value"]), refusal["value"]
