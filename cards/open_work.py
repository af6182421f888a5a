"""`my assignments`: an FTA's open work, oldest first, each item with its age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from microsoft_teams.cards import CardElement, Fact, FactSet

from cards.base import Card, build, paragraph, title
from cards.text import inert, moment
from domain.ftop import FIRST_CONTACT, TASK_STATE_LABELS
from domain.open_work import OpenWork, age


@dataclass(frozen=True)
class Page:
    """Which part of the open work a card shows: page ``number`` of ``pages``, ``total`` items
    in all, the first shown being item ``first``."""

    number: int = 1
    pages: int = 1
    total: int = 0
    first: int = 1


def create_open_work_card(items: list[OpenWork], now: datetime, page: Page | None = None,
                          ) -> Card:
    """Offers to answer, then the FTOP tasks and reviews still to do per request."""
    page = page or Page(total=len(items))
    if not items:
        return build([title("My assignments"),
                      paragraph("Nothing open: no offer to answer and no FTOP task or review "
                                "to do.")])
    body: list[CardElement] = [title("My assignments")]
    if page.pages > 1:
        body.append(paragraph(f"{page.total} open items; page {page.number} of {page.pages} "
                              f"shows {page.first} to {page.first + len(items) - 1}, oldest "
                              "first."))
    for item in items:
        body += [paragraph(f"**{item.request.number}**: "
                           f"{inert(item.request.values.get('customer')) or '-'} "
                           f"({item.request.type.title if item.request.type else '-'})",
                           separator=True),
                 FactSet(facts=_facts(item, now))]
    if page.number < page.pages:
        body.append(paragraph(f"Type **my assignments {page.number + 1}** for the next "
                              f"{min(page.total - page.first - len(items) + 1, len(items))}."))
    body.append(paragraph("Your work card for each request has the buttons; offers are "
                          "answered on the offer card.", is_subtle=True, size="Small"))
    return build(body)


def _facts(item: OpenWork, now: datetime) -> list[Fact]:
    if item.offer is not None:
        return [Fact(title="Offer", value=f"to answer, offered {age(item.since, now)}"),
                Fact(title="Answer by", value=moment(item.offer.expires_at))]
    facts = [Fact(title="Assigned", value=age(item.since, now))]
    facts += [Fact(title=f"Task {t.task_id}",
                   value=f"{t.name}: {TASK_STATE_LABELS[t.state]}"
                   + (" (overdue)" if item.overdue and t.task_id == FIRST_CONTACT else ""))
              for t in item.tasks]
    if item.review:
        facts.append(Fact(title=item.review, value="your decision is due"))
    return facts
