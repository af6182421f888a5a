"""What a seller types reaches other people's cards inert: a Markdown link, a typed mention or
a right-to-left override in a customer name shows as typed on the FTA's offer and the account
team's post, and an e-mail carrying markup is refused on the form."""

from __future__ import annotations

import re

from tests.conftest import ACCOUNT_TEAM_CHANNEL
from tests.integration.test_offers_over_http import cards_in, fta, load_roster, offer_data
from tests.support.driver import User, card_state, texts_of
from tests.support.requests import COMPLETE

HOSTILE = "Contoso [Sign in again](https://evil.example/x) <at>Megan Bowen</at>\u202efdp.exe"
LIVE_LINK = re.compile(r"(?<!\\)\]\(")
LIVE_MENTION = re.compile(r"(?<!\\)<at>(.*?)</at>")


async def test_a_hostile_customer_name_is_inert_on_the_offer_and_the_channel_post(
        bot, connector, database_url) -> None:  # type: ignore[no-untyped-def]
    architect, seller = User(bot, connector, number=5), User(bot, connector, number=1)
    await architect.say("hi")
    await load_roster(database_url, fta(5))
    form = await seller.open_form("discovery_workshop")
    await seller.press("submit_request", {**card_state(form), **COMPLETE["discovery_workshop"],
                                          "customer": HOSTILE})
    [offer] = cards_in(connector, "a:personal-5")
    await architect.press("accept_offer", offer_data(offer))
    [post] = cards_in(connector, ACCOUNT_TEAM_CHANNEL)

    for card in (offer, post):
        text = texts_of(card["body"])
        assert "\\[Sign in again\\](https://evil.example/x)" in text
        assert not LIVE_LINK.search(text) and "\u202e" not in text
    assert not LIVE_MENTION.search(texts_of(offer))
    mentions = LIVE_MENTION.findall(texts_of(post["body"]))
    assert mentions == ["Seller 5", "Seller 1"]  # the bot's own two, no more
    assert [e["text"] for e in post["msteams"]["entities"]] == ["<at>Seller 5</at>",
                                                                "<at>Seller 1</at>"]


async def test_an_e_mail_with_a_typed_mention_is_refused_and_the_form_keeps_it(
        bot, connector) -> None:  # type: ignore[no-untyped-def]
    seller = User(bot, connector, number=1)
    form = await seller.open_form("discovery_workshop")
    answer = await seller.press("submit_request", {
        **card_state(form), **COMPLETE["discovery_workshop"],
        "csu_contact": "x<at>Megan@evil.example.com"})
    card = answer["value"]
    assert "Enter an e-mail address" in texts_of(card)
    csu = next(n for n in _inputs(card) if n["id"] == "csu_contact")
    assert csu["value"] == "x<at>Megan@evil.example.com"


def _inputs(card: dict) -> list[dict]:
    from tests.support.driver import nodes

    return [n for n in nodes(card) if str(n.get("type", "")).startswith("Input.")]
