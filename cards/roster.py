"""Managers' views of the roster and of a balancing decision; an FTA's out-of-office."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
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
from domain.balancer import why_chosen
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


def create_decision_card(number: str, decisions: Sequence[Mapping[str, Any]],
                         names: Mapping[str, str]) -> Card:
    body: list[CardElement] = [title(f"How {number} was assigned")]
    if not decisions:
        body.append(paragraph("No balancing decision yet: it is not in the FTA queue or "
                              "nobody could be offered it."))
    for decision in decisions:
        chosen = str(decision.get("chosen"))
        body.append(paragraph(f"**Offered to {names.get(chosen, chosen)}**: "
                              f"{why_chosen(decision)}", separator=True))
        runners = [Fact(title=names.get(r["architect"], r["architect"]), value=r["why"])
                   for r in decision.get("runners_up", [])]
        if runners:
            body.append(FactSet(facts=runners))
        excluded = ", ".join(f"{n} {rule.replace('_', ' ')}"
                             for rule, n in decision.get("excluded", {}).items())
        if excluded:
            body.append(paragraph(f"Not eligible: {excluded}.", is_subtle=True, size="Small"))
    return build(body)


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
