"""The weekly digest in the FTA managers' channel: last week's SLA attainment (against the
original deadlines), time to assign, breaches, declines by reason and the busiest FTAs."""

from __future__ import annotations

from microsoft_teams.cards import CardElement, Fact, FactSet

from cards.base import Card, build, paragraph, title
from cards.text import inert
from domain.reports import WeekInReview


def create_digest_card(review: WeekInReview) -> Card:
    figures = review.figures
    attainment = figures["attainment"]
    body: list[CardElement] = [
        title(f"Last week at the FTA desk (week of {review.week_start:%d %b %Y})"),
        FactSet(facts=[
            Fact(title="Requests", value=str(figures["requests"])),
            Fact(title="SLA met", value="-" if attainment is None else
                 f"{attainment:.0%} ({figures['met_sla']} of "
                 f"{figures['met_sla'] + figures['breached']} decided)"),
            Fact(title="SLA breaches", value=str(figures["breached"])),
            Fact(title="Time to assign", value=_hours(figures)),
        ])]
    if review.declines:
        body.append(paragraph("**Declines by reason**"))
        body.append(FactSet(facts=[Fact(title=inert(d["reason"])[:80], value=str(d["count"]))
                                   for d in review.declines]))
    else:
        body.append(paragraph("No declines.", is_subtle=True))
    if review.busiest:
        body.append(paragraph("**Busiest FTAs**"))
        body.append(FactSet(facts=[Fact(title=inert(name), value=f"{count} assigned")
                                   for name, count in review.busiest]))
    body.append(paragraph("SLA measured against each request's original deadline.",
                          is_subtle=True, size="Small"))
    return build(body)


def _hours(figures: dict[str, object]) -> str:
    p50, p90 = figures["hours_to_assign_p50"], figures["hours_to_assign_p90"]
    if p50 is None:
        return "- (nothing assigned)"
    return f"median {p50} h, 90th percentile {p90} h"
