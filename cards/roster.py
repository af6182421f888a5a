"""Managers' views of the roster and of a balancing decision; an FTA's out-of-office."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from microsoft_teams.cards import (
    CardElement,
    Choice,
    ChoiceSetInput,
    Fact,
    FactSet,
    NumberInput,
)

from cards import verbs
from cards.base import Card, build, execute, paragraph, title
from cards.text import inert, moment
from domain.balancer import exclusions, why_chosen
from domain.offers import Offer, OfferState, outcome_of
from domain.queue import DEFAULT_RESERVE
from domain.requests import STATE_LABELS, FtaRequest, State
from domain.roster import Architect

ACTIVE_CHOICES = (("keep", "Keep as it is"), ("active", "Active"), ("inactive", "Inactive"))


def create_roster_card(roster: Sequence[Architect], points: Mapping[str, int], today: date,
                       banner: str | None = None) -> Card:
    facts = [Fact(title=a.name, value=_line(a, points.get(a.id, 0), today)) for a in roster]
    body: list[CardElement] = [title("FTA roster"),
                               paragraph("Load is points held by open offers and running "
                                         "engagements.", is_subtle=True, size="Small")]
    if banner:
        body.append(paragraph(banner, color="Good"))
    body += [FactSet(facts=facts) if facts else paragraph("The roster is empty: import one "
                                                           "with `python app.py roster import`."),
             ChoiceSetInput(id="architect_id", label="Change", style="compact",
                            choices=[Choice(title=a.name, value=a.id) for a in roster]),
             NumberInput(id="capacity", label="New capacity (points; empty keeps it)", min=0,
                         max=100),
             ChoiceSetInput(id="active", label="Active", style="compact", value="keep",
                            choices=[Choice(title=t, value=k) for k, t in ACTIVE_CHOICES])]
    return build(body, [execute("Save", verbs.ROSTER_UPDATE, {}, style="positive")])


def create_decision_card(request: FtaRequest, offers: Sequence[Offer],
                         names: Mapping[str, str], escalated: bool = False,
                         now: Mapping[str, Any] | None = None,
                         reserve: int = DEFAULT_RESERVE) -> Card:
    """`why FTA-…`: where the request stands, each offer (whom, why them, who else, who was
    not eligible, how it ended) and, while it waits with no offer, who is not eligible now.
    ``now``: the decision the balancer would take now, as stored (`Decision.as_dict`);
    ``reserve``: the points a request held past its deadline must leave free
    (domain/queue.py)."""
    standing = _standing(request, offers, names, escalated)
    body: list[CardElement] = [title(f"{request.number}: {standing}")]
    for number, offer in enumerate(offers, start=1):
        body += _offer_lines(number, offer, names)
    if now is not None:
        held_until = _instant(now.get("held_until"))
        body += _held_lines(now, names, escalated, request.deadline, held_until, reserve) \
            if held_until is not None and not now.get("chosen") \
            else _waiting_lines(now, names, escalated)
    elif not offers:
        body.append(paragraph(f"It is not in the FTA queue ({STATE_LABELS[request.state]}), "
                              "so it was never offered to an FTA."))
    return build(body)


def _standing(request: FtaRequest, offers: Sequence[Offer], names: Mapping[str, str],
              escalated: bool) -> str:
    live = [o for o in offers if o.state is OfferState.OFFERED]
    if request.state is State.ASSIGNED:
        return f"assigned to {inert(request.agent_name)}"
    if request.state is not State.AWAITING_FTA:
        return STATE_LABELS[request.state].lower()
    if live:
        return f"offered to {_name(live[0].architect_id, names)}, waiting for their answer"
    return "with the FTA managers" if escalated else "waiting for an FTA"


def _offer_lines(number: int, offer: Offer, names: Mapping[str, str]) -> list[CardElement]:
    decision, who = offer.decision, _name(offer.architect_id, names)
    if decision.get("policy") == "manager":
        return [paragraph(f"{number}. Assigned by hand to {who}", weight="Bolder",
                          separator=True),
                paragraph(f"{_sentence(inert(outcome_of(offer)))}; {who} then had "
                          f"{why_chosen(decision)}.", is_subtle=True)]
    lines: list[CardElement] = [
        paragraph(f"{number}. Offered to {who}", weight="Bolder", separator=True),
        paragraph(f"Why them: {why_chosen(decision)}", is_subtle=True)]
    runners = [Fact(title=_name(r["architect"], names), value=r["why"])
               for r in decision.get("runners_up", [])]
    if runners:
        lines.append(FactSet(facts=runners))
    not_eligible = exclusions(decision, names)
    if not_eligible:
        lines.append(paragraph(f"Not eligible: {'; '.join(not_eligible)}.", is_subtle=True,
                               size="Small"))
    lines.append(paragraph(f"{who}: {inert(outcome_of(offer))}"))
    return lines


def _waiting_lines(now: Mapping[str, Any], names: Mapping[str, str],
                   escalated: bool) -> list[CardElement]:
    chosen = now.get("chosen")
    if chosen:
        text = (f"Now: {_name(str(chosen), names)} is eligible; the next pass of the queue "
                "offers it.")
    elif escalated:
        text = ("Now: nobody is eligible, so the FTA managers were asked to assign it by "
                "hand.")
    else:
        text = "Now: nobody is eligible; the FTA managers are asked at the next pass."
    lines: list[CardElement] = [paragraph(text, separator=True)]
    not_eligible = exclusions(now, names)
    if not_eligible and not chosen:
        lines.append(paragraph(f"Not eligible: {'; '.join(not_eligible)}.", is_subtle=True,
                               size="Small"))
    return lines


def _held_lines(now: Mapping[str, Any], names: Mapping[str, str], escalated: bool,
                deadline: datetime | None, held_until: datetime,
                reserve: int) -> list[CardElement]:
    """The late lane holds it back (domain/queue.py): past its deadline, it only goes to an
    FTA who keeps ``reserve`` points free after it, until ``held_until``."""
    room = int(dict(now.get("excluded", {})).get("kept_free", 0))
    missed = f" ({moment(deadline)})" if deadline is not None else ""
    who = "1 FTA has" if room == 1 else f"{room} FTAs have"
    managers = ("Meanwhile the FTA managers were asked to assign it by hand." if escalated
                else "The FTA managers are asked to assign it by hand at the next pass.")
    lines: list[CardElement] = [
        paragraph(f"Now: held until {moment(held_until)} at the latest. It missed its "
                  f"deadline{missed}; {who} room for it, but not with the {reserve} points kept "
                  "free for requests that can still meet their deadline.", separator=True),
        paragraph(f"From then it takes the first room an FTA has left after those requests. "
                  f"{managers}")]
    not_eligible = exclusions(now, names)
    if not_eligible:
        lines.append(paragraph(f"Not eligible: {'; '.join(not_eligible)}.", is_subtle=True,
                               size="Small"))
    return lines


def _instant(stored: object) -> datetime | None:
    """An instant a stored decision holds (ISO 8601), or None if it holds none."""
    if not isinstance(stored, str):
        return None
    try:
        return datetime.fromisoformat(stored)
    except ValueError:
        return None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name(architect_id: str, names: Mapping[str, str]) -> str:
    return inert(names.get(architect_id, architect_id))


def create_ooo_card(architect: Architect, banner: str) -> Card:
    periods = [Fact(title=f"{a.start:%a %d %b %Y}", value=f"to {a.end:%a %d %b %Y}")
               for a in architect.out_of_office]
    return build([title("Your out of office"), paragraph(banner),
                  FactSet(facts=periods) if periods else paragraph("No periods set."),
                  paragraph("Set one with `ooo 2026-12-21 to 2027-01-01`; `ooo clear` removes "
                            "them all.", is_subtle=True, size="Small")])


def _line(architect: Architect, points: int, today: date) -> str:
    state = "active" if architect.active else "inactive"
    away = " · out of office" if architect.is_away_on(today) else ""
    return f"{points}/{architect.capacity} points · {state}{away}"
