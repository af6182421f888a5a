"""FTCHelp's side of the desk over HTTP: a ticket transferred to another agent (who is told,
and may then resolve it, while the first no longer can), FTCHelp's own SLA reminders on a fake
clock (cancelled once the ticket is resolved), and the priority that follows the impact."""

from __future__ import annotations

from datetime import timedelta

from app import database_key
from storage.activity_log import SqlActivityLog
from tests.conftest import FTCHELP_CHANNEL
from tests.integration.test_ftchelp_over_http import agent, submit, tickets
from tests.support.driver import User, buttons, card_state, nodes, texts_of, tick


def _choices(card: dict, input_id: str) -> list[dict]:
    return next(node["choices"] for node in nodes(card) if node.get("id") == input_id)


def reminders(connector) -> list[dict]:  # type: ignore[no-untyped-def]
    return [card for sent in connector.sent if sent.conversation_id.startswith(FTCHELP_CHANNEL)
            and sent.method == "POST" for card in sent.cards
            if card["body"][0]["text"].startswith("FTCHelp SLA")]


async def taken_by(bot, connector, number: int, topic: str = "other") -> dict:  # type: ignore[no-untyped-def]
    """A new ticket from seller 1, taken by agent ``number``: its card as they see it."""
    await submit(User(bot, connector, number=1), "sales_support", topic=topic)
    ticket = tickets(connector)[-1]
    taken = await agent(bot, connector, number).press("ticket_assign_to_me", card_state(ticket))
    return dict(taken["value"])


async def test_a_ticket_transferred_to_another_agent_is_theirs_to_resolve(bot, connector) -> None:
    await User(bot, connector, number=8).say("hi")  # agent 8 has a chat with the bot
    await taken_by(bot, connector, 8)  # agent 8 has worked a ticket: a transfer choice
    card = await taken_by(bot, connector, 7)
    transfer = buttons(card)["Transfer"]["data"]
    assert "Seller 8" in texts_of(card)

    eight = next(c["value"] for c in _choices(card, "transfer_to") if c["title"] == "Seller 8")
    forged = await agent(bot, connector, 7).press("ticket_transfer", {
        **transfer, "transfer_to": "aad-someone-else"})
    moved = await agent(bot, connector, 7).press("ticket_transfer",
                                                 {**transfer, "transfer_to": eight})
    by_first = await agent(bot, connector, 7).press("ticket_resolve", {
        **card_state(card), "answer": "Mine"})
    by_new = await agent(bot, connector, 8).press("ticket_resolve", {
        **card_state(moved["value"]), "answer": "Here is how."})

    assert "Pick one of the agents listed" in texts_of(forged["value"])
    assert "FTCHelp ticket FTA-2026-00002 · Assigned to Seller 8" in texts_of(moved["value"])
    told = [c for s in connector.sent if s.conversation_id == "a:personal-8"
            for c in s.cards][-1]
    assert "FTCHelp ticket FTA-2026-00002 is yours now" in texts_of(told)
    assert "Seller 8 is answering this ticket" in by_first["value"]
    assert "Resolved by Seller 8" in texts_of(by_new["value"])
    trail = await SqlActivityLog(bot.server.app[database_key]).for_request(2)
    assert ("07", "desk_transfer", "done") in [(t["actor"][-2:], t["action"], t["outcome"])
                                               for t in trail]


async def test_only_ftchelp_may_transfer_a_ticket(bot, connector) -> None:
    await taken_by(bot, connector, 8)
    card = await taken_by(bot, connector, 7)
    transfer = buttons(card)["Transfer"]["data"]

    eight = next(c["value"] for c in _choices(card, "transfer_to"))
    refused = await User(bot, connector, number=1).press("ticket_transfer", {
        **transfer, "transfer_to": eight})

    assert "Only the FTCHelp team can transfer tickets." in refused["value"]
    trail = await SqlActivityLog(bot.server.app[database_key]).for_request(2)
    assert ("01", "desk_transfer", "refused") in [(t["actor"][-2:], t["action"], t["outcome"])
                                                  for t in trail]


async def test_ftchelp_is_reminded_before_and_at_its_own_sla_until_the_ticket_is_resolved(
        bot, connector, clock) -> None:
    await submit(User(bot, connector, number=1), "sales_support", topic="other")
    await submit(User(bot, connector, number=1), "sales_support", topic="other")
    first, second = tickets(connector)
    await agent(bot, connector, 7).press("ticket_assign_to_me", card_state(first))
    taken = await agent(bot, connector, 7).press("ticket_assign_to_me", card_state(second))
    await agent(bot, connector, 7).press("ticket_resolve", {**card_state(taken["value"]),
                                                            "answer": "Done."})
    assert reminders(connector) == []

    # Submitted Tuesday 11:00 in Paris: at risk at 17:00 (6 of its 8 business hours gone),
    # breached on Wednesday at 11:00.
    clock.advance(timedelta(hours=20))
    await tick(bot)
    [at_risk] = reminders(connector)
    clock.advance(timedelta(hours=4))
    await tick(bot)

    assert "FTCHelp SLA at risk: FTA-2026-00001" in texts_of(at_risk)
    assert "Normal priority, with Seller 7" in texts_of(at_risk)
    [_, breached] = reminders(connector)
    assert "FTCHelp SLA breached: FTA-2026-00001" in texts_of(breached)
    assert not any("FTA-2026-00002" in texts_of(card) for card in reminders(connector))


async def test_the_tickets_priority_follows_the_impact_the_seller_gave(bot, connector) -> None:
    await submit(User(bot, connector, number=1), "sales_support", topic="other", impact="high")
    await submit(User(bot, connector, number=1), "sales_support", topic="other", impact="low")

    high, low = tickets(connector)

    assert "High priority · answer by" in texts_of(high)
    assert "Low priority · answer by" in texts_of(low)
