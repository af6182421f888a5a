"""The desk's rules, without I/O: who may act, when a deadline may move, when the engine leaves
a request to the managers, whom a manager may pick, how the FTOP record keeps every FTA, and
FTCHelp's SLA and priority."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.desk_actions import Actor, DeskActions, Refused, where_it_stands
from cards.offers import create_sla_card
from domain.balancer import Demand
from domain.ftop import EnterpriseAssignment
from domain.offers import OFFERED_BY, SENT_BACK, OfferState, hand_candidates, returned_to_managers
from domain.operations import Entry
from domain.requests import FtaRequest, Requester, RequestError, State
from domain.roster import Absence, Architect
from domain.sla import (
    SLA_BREACH,
    SLA_REMINDER,
    TICKET_AT_RISK,
    TICKET_BREACH,
    sla_timers,
    ticket_due,
    ticket_order,
    ticket_priority,
    ticket_timers,
)
from tests.support.driver import nodes
from tests.support.requests import COMPLETE

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # a Tuesday
SELLER = Requester("aad-seller", "Sam Seller", "Europe/Paris", "FR")


def waiting() -> FtaRequest:
    request = FtaRequest(SELLER, NOW, id=7, type_key="discovery_workshop")
    request.fill(COMPLETE["discovery_workshop"])
    request.submit(NOW, "FTA-2026-00007")
    return request


class AuditOnly:
    """The service with nothing behind it but an audit log and a unit of work: enough for
    the refusals that come before anything is read."""

    def __init__(self) -> None:
        self.lines: list[tuple[Entry, str]] = []

    async def record(self, entry: Entry, outcome: str, now: datetime) -> None:
        self.lines.append((entry, outcome))

    @contextlib.asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[None]:
        yield


def service(audit: AuditOnly) -> DeskActions:
    unused: Any = None
    return DeskActions(desk=unused, requests=unused, roster=unused, timers=unused,
                       poster=unused, policy=unused, clock=lambda: NOW, managers_channel_id="",
                       router=unused, work=unused, ftop=unused, status=unused,
                       unit_of_work=audit.unit_of_work, audit=audit, sla_reminder_hours=(24,),
                       ticket_card=unused)


SELLER_ACTOR = Actor("aad-seller", "Sam Seller", is_manager=False, is_ftchelp=False)


@pytest.mark.parametrize("act", [
    lambda desk: desk.assign(7, "fta-1", SELLER_ACTOR),
    lambda desk: desk.reoffer(7, SELLER_ACTOR),
    lambda desk: desk.reassign(7, "fta-1", "ill", SELLER_ACTOR),
    lambda desk: desk.extend(7, NOW + timedelta(days=3), "asked", SELLER_ACTOR),
    lambda desk: desk.transfer_ticket(7, "aad-2", "Ben", SELLER_ACTOR),
])
async def test_a_seller_is_refused_every_desk_action_and_the_refusal_is_audited(act) -> None:  # type: ignore[no-untyped-def]
    audit = AuditOnly()

    with pytest.raises(Refused) as refused:
        await act(service(audit))

    assert refused.value.status == 403
    [(entry, outcome)] = audit.lines
    assert (entry.actor, entry.subject, outcome) == ("aad-seller", 7, "refused")
    assert entry.action.startswith("desk_")


def test_a_deadline_moves_later_with_a_reason_and_keeps_the_original() -> None:
    request = waiting()
    first = request.deadline
    assert first is not None

    request.extend(first + timedelta(days=2), "customer asked", "Mia Manager", NOW)
    request.extend(first + timedelta(days=5), "still busy", "Mia Manager", NOW)

    assert request.deadline == first + timedelta(days=5)
    assert request.original_deadline == first
    assert [(e.from_, e.to) for e in request.extensions] == [
        (first, first + timedelta(days=2)), (first + timedelta(days=2), first + timedelta(days=5))]


@pytest.mark.parametrize(("moved_by", "reason", "problem"), [
    (timedelta(days=-30), "late", "in the past"),
    (timedelta(hours=-1), "earlier", "not after the current one"),
    (timedelta(days=2), "  ", "Say why"),
])
def test_a_deadline_does_not_move_into_the_past_earlier_or_without_a_reason(
        moved_by, reason, problem) -> None:  # type: ignore[no-untyped-def]
    request = waiting()
    assert request.deadline is not None

    with pytest.raises(RequestError, match=problem):
        request.extend(request.deadline + moved_by, reason, "Mia", NOW)
    assert request.extensions == []


def test_a_resubmission_starts_a_deadline_of_its_own() -> None:
    request = waiting()
    assert request.deadline is not None
    request.extend(request.deadline + timedelta(days=2), "asked", "Mia", NOW)
    request.send_back("incomplete", "add the plan", "Ana", NOW)

    request.submit(NOW + timedelta(days=1), "unused")

    assert request.extensions == [] and request.original_deadline == request.deadline


def test_only_a_waiting_request_has_its_deadline_extended() -> None:
    request = waiting()
    request.state = State.ASSIGNED

    with pytest.raises(RequestError):
        request.extend(NOW + timedelta(days=9), "asked", "Mia", NOW)


MANAGERS_OFFER = {OFFERED_BY: "Mia Manager"}


@pytest.mark.parametrize(("history", "returned"), [
    ([], False),
    ([(OfferState.DECLINED, "busy", {})], False),  # the balancer's own offer: route on
    ([(OfferState.DECLINED, "busy", MANAGERS_OFFER)], True),
    ([(OfferState.EXPIRED, "no answer in time", MANAGERS_OFFER)], True),
    ([(OfferState.OFFERED, "", MANAGERS_OFFER)], False),  # still waiting for its answer
    ([(OfferState.DECLINED, "busy", MANAGERS_OFFER), (OfferState.DECLINED, "x", {})], False),
    ([(OfferState.DECLINED, f"{SENT_BACK}: fix it", MANAGERS_OFFER)], False),
])
def test_the_engine_leaves_a_request_to_the_managers_after_their_offer_failed(
        history, returned) -> None:  # type: ignore[no-untyped-def]
    assert returned_to_managers(history) is returned


def architect(key: str, capacity: int = 6, **changes: Any) -> Architect:
    return Architect(key, key.title(), capacity, segments=frozenset({"enterprise"}),
                     regions=frozenset({"NA"}), **changes)


def test_a_manager_picks_among_those_every_rule_but_capacity_allows_lightest_first() -> None:
    demand = Demand("7", "discovery_workshop", "enterprise", "NA", "UTC", (), "", frozenset())
    elsewhere = Architect("emea", "Emea", 6, segments=frozenset({"smb"}),
                          regions=frozenset({"EMEA"}))
    away = architect("away", out_of_office=(Absence(NOW.date(), NOW.date()),))
    gone = architect("gone", active=False)

    picked = hand_candidates([architect("full", 2), architect("half"), elsewhere, away, gone],
                             demand, {"full": 4, "half": 3}, NOW)

    assert [a.id for a in picked] == ["half", "full", "emea"]


def test_the_ftop_record_keeps_every_fta_who_held_the_assignment() -> None:
    record = EnterpriseAssignment.open(waiting(), "ana", "Ana", NOW)

    record.reassign("ben", "Ben", "Mia", NOW + timedelta(days=1), "Ana is ill")

    assert (record.fta_id, record.fta_name) == ("ben", "Ben")
    assert [(f.fta_id, f.by, f.reason) for f in record.ftas] == [("ana", "", ""),
                                                                 ("ben", "Mia", "Ana is ill")]
    assert record.reviews[-1].detail == "from Ana to Ben: Ana is ill"


def test_a_stale_action_says_where_the_request_stands() -> None:
    request = waiting()
    request.state, request.agent_name = State.ASSIGNED, "Ana"
    assert where_it_stands(request) == "it is assigned to Ana"


def test_the_sla_timers_follow_the_deadline() -> None:
    deadline = NOW + timedelta(days=2)
    assert sla_timers(deadline, (24, 4)) == [(SLA_REMINDER, deadline - timedelta(hours=24)),
                                             (SLA_REMINDER, deadline - timedelta(hours=4)),
                                             (SLA_BREACH, deadline)]


def test_ftchelps_sla_counts_business_hours_of_the_sellers_calendar() -> None:
    friday_4pm = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 16:00 in Paris

    due = ticket_due(friday_4pm, 1, "Europe/Paris", "FR")
    timers = dict(ticket_timers(friday_4pm, 1, "Europe/Paris", "FR"))

    assert due == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # Monday 16:00 in Paris
    assert timers[TICKET_BREACH] == due
    assert timers[TICKET_AT_RISK] == datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def test_a_tickets_priority_follows_its_impact_and_orders_the_queue() -> None:
    assert [ticket_priority(i) for i in ("high", "medium", "low", "")] == [
        "high", "normal", "low", "normal"]
    tickets = [("low", NOW), ("high", NOW + timedelta(hours=1)), ("medium", NOW)]
    assert sorted(tickets, key=lambda t: ticket_order(*t))[0][0] == "high"
    assert sorted(tickets, key=lambda t: ticket_order(*t))[-1][0] == "low"


def test_a_ticket_moves_to_another_agent_who_may_then_resolve_it() -> None:
    request = FtaRequest(SELLER, NOW, id=8, type_key="land_ftc_benefit")
    request.fill(COMPLETE["land_ftc_benefit"])
    request.submit(NOW, "FTA-2026-00008")
    request.take("aad-a", "Ann")

    request.transfer("aad-b", "Ben")

    with pytest.raises(RequestError, match="Ben is answering"):
        request.resolve("aad-a", "mine")
    request.resolve("aad-b", "Here.")
    assert request.state is State.RESOLVED


def test_a_managers_card_offers_the_fifty_best_placed_ftas_and_stays_small() -> None:
    roster = [architect(f"fta-{n:04d}") for n in range(1000)]

    card = create_sla_card(waiting(), breached=True, candidates=roster, loads={})

    [choices] = [n["choices"] for n in nodes(card) if n.get("id") == "architect_id"]
    assert [c["value"] for c in choices] == [a.id for a in roster[:50]]
    assert len(json.dumps(card)) < 80_000

