"""An FTA sends a request back to the seller over HTTP, as incomplete or of the wrong type,
with a reason: the seller's card reopens the form with the reason, the seller is told, the SLA
stops; resubmitted, the deadline runs from the resubmission and the first one is kept."""

from __future__ import annotations

from datetime import timedelta

from domain.requests import State
from storage.database import open_database
from storage.requests import SqlRequestRepository
from tests.conftest import FIXED_NOW, MANAGERS_CHANNEL
from tests.integration.test_offers_over_http import (
    cards_in,
    fta,
    load_roster,
    offer_data,
    updates_in,
)
from tests.support.driver import User, buttons, card_state, texts_of, tick
from tests.support.requests import COMPLETE

REASON = "The cost breakdown is missing"


async def stored(database_url: str, request_id: int):  # type: ignore[no-untyped-def]
    database = open_database(database_url)
    try:
        return await SqlRequestRepository(database).get(request_id)
    finally:
        await database.dispose()


async def offered(bot, connector, database_url):  # type: ignore[no-untyped-def]
    """A Discovery Workshop of seller 1, offered to FTA 5: (FTA, seller, request id, offer)."""
    architect, seller = User(bot, connector, number=5), User(bot, connector, number=1)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    form = await seller.open_form("discovery_workshop")
    await seller.press("submit_request", {**card_state(form), **COMPLETE["discovery_workshop"]})
    [offer] = cards_in(connector, "a:personal-5")
    return architect, seller, int(card_state(form)["request_id"]), offer


async def test_sending_back_reopens_the_sellers_form_with_the_reason(bot, connector,
                                                                     database_url) -> None:
    architect, _, request_id, offer = await offered(bot, connector, database_url)
    data = {**offer_data(offer), "kind": "incomplete"}
    number = f"FTA-2026-{request_id:05d}"

    no_reason = await architect.press("send_back", data)
    sent = await architect.press("send_back", {**data, "send_back_reason": REASON})

    assert "Send back: incomplete" in buttons(offer) and "Send back: wrong type" in buttons(offer)
    assert "Say what the seller must fix" in texts_of(no_reason["value"])
    assert f"You sent {number} back to the seller" in texts_of(sent["value"])
    [(_, form)] = updates_in(connector, "a:personal-1")
    banner = f"Sent back to you by Seller 5\\*\\* as incomplete: “{REASON}”"
    assert banner.replace("\\*\\*", "**") in texts_of(form)
    assert "Submit" in buttons(form)
    notice = cards_in(connector, "a:personal-1")[-1]
    assert f"{number} was sent back to you" in texts_of(notice) and REASON in texts_of(notice)
    request = await stored(database_url, request_id)
    assert request.state is State.DRAFT and request.deadline is None
    assert (request.sent_back.kind, request.sent_back.reason, request.sent_back.by) == (
        "incomplete", REASON, "Seller 5")


async def test_resubmitting_restarts_the_deadline_and_keeps_the_first_submission(
        bot, connector, clock, database_url) -> None:
    architect, seller, request_id, offer = await offered(bot, connector, database_url)
    first_deadline = (await stored(database_url, request_id)).deadline
    await architect.press("send_back", {**offer_data(offer), "kind": "wrong_type",
                                        "send_back_reason": "This is a migration exception"})
    [(_, form)] = updates_in(connector, "a:personal-1")
    clock.advance(timedelta(days=1))

    answer = await seller.press("submit_request", {**card_state(form),
                                                   **COMPLETE["discovery_workshop"]})
    first_offer, new_offer = cards_in(connector, "a:personal-5")  # the FTA is not ruled out
    clock.advance(first_deadline - clock.now + timedelta(minutes=1))
    await tick(bot)  # the first deadline is past, the new one is not

    assert "as of the wrong type" in texts_of(form) and "Change type" in buttons(form)
    assert "submitted" in texts_of(answer["value"])
    assert offer_data(new_offer)["offer_id"] != offer_data(first_offer)["offer_id"]
    assert f"New request for you: FTA-2026-{request_id:05d}" in texts_of(new_offer)
    request = await stored(database_url, request_id)
    assert request.state is State.AWAITING_FTA
    assert request.first_submitted_at == FIXED_NOW
    assert request.submitted_at == FIXED_NOW + timedelta(days=1)
    assert request.deadline - first_deadline == timedelta(days=1)
    assert not any("SLA breached" in texts_of(card)
                   for card in cards_in(connector, MANAGERS_CHANNEL))
    [shown] = await seller.say(f"status FTA-2026-{request_id:05d}")
    assert "First submitted" in texts_of(shown.cards[0])


async def test_only_the_offered_fta_sends_a_request_back(bot, connector,
                                                         database_url) -> None:
    _, _, request_id, offer = await offered(bot, connector, database_url)

    other = await User(bot, connector, number=2).press(
        "send_back", {**offer_data(offer), "kind": "incomplete", "send_back_reason": REASON})

    assert other["value"] == "This offer was made to someone else."
    assert (await stored(database_url, request_id)).state is State.AWAITING_FTA
