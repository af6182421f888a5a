"""What the FTA and the account team see once the seller withdraws a request an FTA had
accepted: the FTA's work card and the account team's post, updated in place, and the notices."""

from __future__ import annotations

from microsoft_teams.cards import CardElement, Fact, FactSet

from cards.base import Card, build, paragraph, title
from cards.details import record_facts
from cards.text import inert, moment
from domain.ftop import EnterpriseAssignment
from domain.requests import FtaRequest


def call_note(record: EnterpriseAssignment, cancelled: bool) -> str:
    """What became of the internal call, if one was booked."""
    if record.call is None:
        return ""
    when = moment(record.call.start)
    if cancelled:
        return f"The internal call of {when} was cancelled; its attendees were told."
    return (f"The internal call of {when} could not be cancelled through Microsoft Graph: "
            "the FTA cancels it in their calendar.")


def create_withdrawn_work_card(request: FtaRequest, record: EnterpriseAssignment,
                               cancelled: bool) -> Card:
    """The FTA's work card (and notice) once the seller withdrew the request."""
    body: list[CardElement] = [
        title(f"{request.number} was withdrawn by the seller"),
        paragraph(f"{inert(request.requester.name)} withdrew the request for "
                  f"{inert(request.values.get('customer')) or '-'}. Its open FTOP tasks are "
                  "closed as withdrawn and your capacity is free again.", color="Warning"),
        FactSet(facts=record_facts(record))]
    note = call_note(record, cancelled)
    if note:
        body.append(paragraph(note, weight="Bolder" if not cancelled else None))
    return build(body)


def create_withdrawn_account_team_card(request: FtaRequest, record: EnterpriseAssignment,
                                       cancelled: bool) -> Card:
    """The account team's assignment post, once the request was withdrawn."""
    body: list[CardElement] = [
        title(f"Withdrawn: {request.number}"),
        paragraph(f"The seller withdrew the request for "
                  f"**{inert(request.values.get('customer')) or '-'}** "
                  f"({request.type.title if request.type else '-'}). "
                  f"{inert(record.fta_name)} no longer works on it; nothing to do."),
        FactSet(facts=[Fact(title="FastTrack Architect", value=inert(record.fta_name)),
                       Fact(title="Requested by", value=inert(request.requester.name))])]
    note = call_note(record, cancelled)
    if note:
        body.append(paragraph(note, is_subtle=True))
    return build(body)
