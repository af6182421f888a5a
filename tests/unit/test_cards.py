"""Every card the bot sends: valid 1.5 structure, labelled inputs, and a reviewed snapshot.
Set UPDATE_SNAPSHOTS=1 to rewrite the snapshots after an intended change, then review the diff."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cards import verbs
from cards.assignment import (
    create_account_team_card,
    create_engagement_check_card,
    create_review_notice_card,
    create_seller_assigned_card,
    create_work_card,
)
from cards.desk import create_manager_request_card
from cards.ftchelp import create_answer_card, create_faq_card, create_ticket_card
from cards.intake import REQUIRED, create_form_card, create_type_card
from cards.offers import create_escalation_card, create_offer_card, create_sla_card
from cards.requests import (
    create_confirmation_card,
    create_request_list_card,
    create_status_card,
)
from cards.roster import create_decision_card, create_ooo_card, create_roster_card
from cards.welcome import create_help_card, create_welcome_card
from domain.balancer import Load, Policy, decide
from domain.faq import FaqAnswer
from domain.ftop import EnterpriseAssignment, Review
from domain.offers import Offer, demand_of
from domain.queue import LateLane
from domain.request_types import TYPES, Queue
from domain.requests import FtaRequest, ReceivedFile, Requester, State
from domain.roster import Absence, Architect, RosterIndex
from tests.support.driver import nodes
from tests.support.requests import COMPLETE

SNAPSHOTS = Path(__file__).parent / "snapshots"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SELLER = Requester("aad-1", "Sam Seller", "Europe/Paris", "FR")
ALL_VERBS = {value for name, value in vars(verbs).items() if name.isupper()}


def draft(type_key: str | None = None, **values: str) -> FtaRequest:
    request = FtaRequest(SELLER, NOW, id=42, version=3)
    if type_key:
        request.choose_type(type_key)
        request.fill(values)
    return request


def submitted(type_key: str) -> FtaRequest:
    request = draft(type_key, **COMPLETE[type_key])
    request.submit(NOW, "FTA-2026-00042")
    return request


def assigned(type_key: str) -> FtaRequest:
    request = submitted(type_key)
    request.state, request.agent_id, request.agent_name = State.ASSIGNED, "fta-9", "Ana"
    return request


def ticket(state: str) -> FtaRequest:
    request = submitted("land_ftc_benefit")
    if state in ("assigned", "resolved"):
        request.take("aad-agent", "Pat Agent")
    if state == "resolved":
        request.resolve("aad-agent", "Benefit landed for Contoso.")
    return request


ELIGIBILITY = FaqAnswer("eligibility", "FastTrack eligibility", "150 seats or more.",
                        (("Eligibility", "https://learn.microsoft.com/fasttrack"),))
CATALOGUE = (("help", "Show this card"), ("request FTA", "Ask for an FTA"))

CARDS: dict[str, Any] = {
    "welcome": lambda: create_welcome_card(CATALOGUE),
    "help": lambda: create_help_card(CATALOGUE),
    "type": lambda: create_type_card(draft()),
    "type_with_problem": lambda: create_type_card(draft(), "Pick a request type to continue."),
    **{f"form_{t.key}": (lambda key=t.key: create_form_card(draft(key))) for t in TYPES},
    "form_with_problems": lambda: create_form_card(
        draft("discovery_workshop", customer="Contoso", sow="http://x.com/a"),
        draft("discovery_workshop", customer="Contoso", sow="http://x.com/a").problems()),
    "form_with_file": lambda: _with_file(),
    "confirmation_fta": lambda: create_confirmation_card(submitted("discovery_workshop"),
                                                         Queue.FTA),
    "status": lambda: create_status_card(submitted("ecif_review")),
    "list_empty": lambda: create_request_list_card([]),
    "list": lambda: create_request_list_card([submitted("ecif_review"), draft("ecif_review")]),
    "faq": lambda: create_faq_card(submitted("sales_support"),
                                   ELIGIBILITY),
    "ticket_open": lambda: create_ticket_card(ticket("open")),
    "ticket_assigned": lambda: create_ticket_card(ticket("assigned")),
    "ticket_resolved": lambda: create_ticket_card(ticket("resolved")),
    "answer": lambda: create_answer_card(ticket("resolved")),
    "offer": lambda: create_offer_card(submitted("discovery_workshop"), OFFER, ARCHITECT),
    "offer_needs_reason": lambda: create_offer_card(submitted("discovery_workshop"), OFFER,
                                                    ARCHITECT, "Say why you decline."),
    "escalation": lambda: create_escalation_card(
        submitted("migration_exception"), ["1 has no capacity left (Alex)"],
        [("Alex", "declined: on leave that week")], [ARCHITECT], {"fta-1": 7}),
    "sla_breach": lambda: create_sla_card(submitted("ecif_review"), breached=True,
                                          candidates=[ARCHITECT], loads={"fta-1": 7},
                                          holder="Alex"),
    "manager_view_waiting": lambda: create_manager_request_card(
        submitted("ecif_review"), "Waiting for an FTA.", [ARCHITECT], {"fta-1": 3},
        "2026-11-24"),
    "manager_view_assigned": lambda: create_manager_request_card(
        assigned("ecif_review"), "Assigned to Ana.", [ARCHITECT], {"fta-1": 3}, "2026-11-24"),
    "ticket_transfer": lambda: create_ticket_card(ticket("assigned"), NOW,
                                                  [("aad-2", "Ben Ode"), ("aad-3", "Cy")]),
    "roster": lambda: create_roster_card([ARCHITECT], {"fta-1": 3}, NOW.date(), "Saved."),
    "decision": lambda: create_decision_card(submitted("discovery_workshop"), [OFFER],
                                             {"fta-1": "Alex"}),
    "decision_held": lambda: create_decision_card(submitted("discovery_workshop"), [],
                                                  NAMES, True, _held_now()),
    "status_held": lambda: create_status_card(submitted("discovery_workshop"), True, None,
                                              LateLane(), _past_deadline(days=1)),
    "ooo": lambda: create_ooo_card(ARCHITECT, "Noted."),
    "work_engagement": lambda: create_work_card(submitted("engage_before_license"),
                                                _record("engage_before_license")),
    "work_ecif": lambda: create_work_card(submitted("ecif_review"), _record("ecif_review"),
                                          problem="Write what is missing."),
    "engagement_check": lambda: create_engagement_check_card(submitted("ecif_review")),
    "seller_assigned": lambda: create_seller_assigned_card(_assigned(), "https://playbooks"),
    "account_team": lambda: create_account_team_card(_assigned(), ("Alex", "aad-alex"),
                                                     ("Sam Seller", "aad-1")),
    "review_notice": lambda: create_review_notice_card(
        submitted("migration_exception"), Review("exception", "rejected", "Alex", NOW, "No"),
        can_answer=True),
}


def _record(type_key: str) -> EnterpriseAssignment:
    return EnterpriseAssignment.open(submitted(type_key), "fta-1", "Alex", NOW)


ARCHITECT = Architect("fta-1", "Alex", 9, timezone="America/New_York",
                      out_of_office=(Absence(date(2026, 12, 21), date(2027, 1, 1)),))
OFFER = Offer(42, "fta-1", 3, NOW, NOW, {
    "chosen": "fta-1", "reason": "fta-1: relative load 0.33 after assignment, skill 4.0/5",
    "runners_up": [{"architect": "fta-2", "why": "lower skill match (2.0 vs 4.0)"}],
    "excluded": {"out_of_office": 1}}, id=7)


NAMES = {"fta-1": "Alex", "fta-2": "Bea", "fta-3": "Cy"}


def _past_deadline(days: float) -> datetime:
    deadline = submitted("discovery_workshop").deadline
    assert deadline is not None
    return deadline + timedelta(days=days)


def _held_now(loads: tuple[int, ...] = (6, 6, 9), days: float = 1) -> dict[str, Any]:
    """The decision the balancer takes now for a workshop (3 points) a day past its deadline,
    with FTAs of 9 points holding ``loads``: as `why` gets it."""
    request = submitted("discovery_workshop")
    covering = dict(segments=frozenset({request.values["segment"]}),
                    regions=frozenset({request.values["region"]}))
    roster = RosterIndex([replace(ARCHITECT, id=f"fta-{n}", name=NAMES[f"fta-{n}"],
                                  out_of_office=(), **covering) for n in (1, 2, 3)])
    held = decide(demand_of(request), roster,
                  {f"fta-{n}": Load(points) for n, points in enumerate(loads, start=1)},
                  _past_deadline(days), Policy("skilled"))
    return held.as_dict()


def _assigned() -> FtaRequest:
    request = submitted("discovery_workshop")
    request.state, request.agent_id, request.agent_name = State.ASSIGNED, "fta-1", "Alex"
    return request


def _with_file() -> dict[str, Any]:
    request = draft("discovery_workshop")
    request.attach("cost", ReceivedFile("Cost.xlsx", "https://contoso.sharepoint.com/Cost.xlsx"))
    return create_form_card(request)


@pytest.mark.parametrize("name", sorted(CARDS))
def test_the_card_is_version_1_5_and_small(name) -> None:
    card = CARDS[name]()
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert len(json.dumps(card).encode()) < 80_000


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_input_has_a_unique_id_and_a_label(name) -> None:
    inputs = [n for n in nodes(CARDS[name]()) if str(n.get("type", "")).startswith("Input.")]
    assert all(i.get("id") and i.get("label") for i in inputs)
    assert len({i["id"] for i in inputs}) == len(inputs)


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_button_has_a_known_verb_that_its_data_repeats(name) -> None:
    for action in nodes(CARDS[name]()):
        if action.get("type") == "Action.Execute":
            assert action["verb"] in ALL_VERBS
            assert action["data"]["verb"] == action["verb"]


@pytest.mark.parametrize("request_type", TYPES, ids=lambda t: t.key)
def test_required_inputs_are_marked_and_optional_ones_are_not(request_type) -> None:
    card = create_form_card(draft(request_type.key))
    labels = {n["id"]: n["label"] for n in nodes(card) if "label" in n and "id" in n}
    for field in request_type.all_fields():
        assert labels[field.id].endswith(REQUIRED) == field.required, field.id


def test_a_received_file_satisfies_its_slot_on_the_card() -> None:
    labels = {n["id"]: n["label"] for n in nodes(_with_file()) if "label" in n and "id" in n}
    assert not labels["cost"].endswith(REQUIRED) and labels["sow"].endswith(REQUIRED)
    assert "Received: **Cost.xlsx**" in json.dumps(_with_file())


@pytest.mark.parametrize("name", sorted(CARDS))
def test_the_card_matches_its_snapshot(name) -> None:
    path = SNAPSHOTS / f"{name}.json"
    rendered = json.dumps(CARDS[name](), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no snapshot for {name}: run with UPDATE_SNAPSHOTS=1 and review it"
    assert rendered == path.read_text(encoding="utf-8")


def test_why_says_a_request_held_past_its_deadline_is_held_for_what_and_until_when() -> None:
    request = submitted("discovery_workshop")
    assert request.deadline is not None
    until = request.deadline + timedelta(days=7)
    text = " ".join(n["text"] for n in nodes(create_decision_card(request, [], NAMES, True,
                                                                  _held_now()))
                    if n.get("type") == "TextBlock")

    assert f"{request.number}: with the FTA managers" in text
    assert f"Now: held until {{{{DATE({until.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}, SHORT)}}}}" \
        in text
    assert "at the latest. It missed its deadline ({{DATE(" in text
    assert "2 FTAs have room for it, but not with the 3 points kept free for requests that " \
           "can still meet their deadline" in text
    assert "From then it takes the first room an FTA has left after those requests." in text
    assert "the FTA managers were asked to assign it by hand" in text
    assert ("Not eligible: 2 have room for it but not with the points kept free for requests "
            "that can still meet their deadline (Alex, Bea); 1 has no capacity left (Cy).") \
        in text


def test_why_says_nobody_is_eligible_past_the_hold_not_held() -> None:
    text = json.dumps(create_decision_card(submitted("discovery_workshop"), [], NAMES, False,
                                           _held_now(loads=(9, 9, 9), days=8)))

    assert "held" not in text
    assert "Now: nobody is eligible; the FTA managers are asked at the next pass." in text


def test_the_status_of_a_held_request_says_it_is_held_for_what_and_until_when() -> None:
    request = submitted("discovery_workshop")
    assert request.deadline is not None
    card = json.dumps(create_status_card(request, False, None, LateLane(),
                                         _past_deadline(days=1)))

    until = f"{(request.deadline + timedelta(days=7)).astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    assert (f"It missed its deadline, so it is held until {{{{DATE({until}, SHORT)}}}} "
            f"{{{{TIME({until})}}}} at the latest.") in card
    assert "Until then it goes only to an FTA with room to spare after it" in card
    assert "from then, to the first FTA with room" in card
    assert "The FTA managers were alerted at its deadline" in card


def test_past_the_hold_the_status_says_it_takes_the_room_left_and_the_managers_have_it() -> None:
    card = json.dumps(create_status_card(submitted("discovery_workshop"), True, None,
                                         LateLane(), _past_deadline(days=7)))

    assert "held" not in card and "No FTA could be assigned automatically" not in card
    assert "It missed its deadline." in card
    assert "It now goes to the first FTA with room left after the requests that can still " \
           "meet their deadline. The FTA managers have it as well" in card


def test_before_its_deadline_the_status_of_a_request_with_the_managers_is_unchanged() -> None:
    request = submitted("discovery_workshop")
    card = json.dumps(create_status_card(request, True, None, LateLane(), NOW))

    assert "No FTA could be assigned automatically" in card and "missed" not in card
