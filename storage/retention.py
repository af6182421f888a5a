"""The retention purge: a request left untouched for the retention period, in any state, loses
its personal and customer data (requester, customer, contacts, free text, files, the FTOP
record's names, its offers' customer and reasons, the posts of its cards); delivered notices
of that age (cards carry names) are deleted, and so is bot state (a seller's form defaults:
account team contacts) not written for that long. The audit log keeps who (ids), what, when
and the outcome, but an invoke's answer (a whole card) only for Teams' retries. Conversation
references lose the display names written before they stopped being kept. Idempotent and in
batches, so any instance may run it, and a first run over years of history stays short."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Select,
    Text,
    case,
    cast,
    delete,
    exists,
    func,
    not_,
    null,
    select,
    update,
)

from domain.offers import UNREACHABLE, OfferState
from domain.retention import (
    PURGED,
    purged_decision,
    purged_extensions,
    purged_record,
    purged_values,
)
from storage.database import Connection, Database
from storage.tables import (
    activity_log,
    bot_state,
    card_posts,
    conversation_references,
    ftop_assignments,
    offers,
    outbox,
    requests,
)

FINISHED = ("delivered", "skipped", "dead")
WORKER = "worker"  # the audit log's actor for what the app did by itself (bot/worker.py)
BATCH = 500  # requests (or references) a transaction; IN lists stay well within limits


@dataclass(frozen=True)
class Purged:
    requests: int
    records: int
    notices: int
    states: int


async def purge(database: Database, before: datetime, answers_before: datetime) -> Purged:
    """Purge what was left untouched since ``before``, and the invoke answers kept in the
    audit log from before ``answers_before``."""
    purged = records = 0
    while True:
        async with database.begin() as connection:
            rows = (await connection.execute(untouched_since(before))).all()
            if rows:
                records += await _purge_requests(connection, rows)
        purged += len(rows)
        if len(rows) < BATCH:
            break
    async with database.begin() as connection:
        notices = await connection.execute(delete(outbox).where(
            outbox.c.state.in_(FINISHED), outbox.c.created_at < before))
        states = await connection.execute(delete(bot_state).where(
            bot_state.c.updated_at < before))
        await connection.execute(update(activity_log).where(
            activity_log.c.response.is_not(None), activity_log.c.started_at < answers_before)
            .values(response=null()))
    await _forget_display_names(database)
    return Purged(purged, records, notices.rowcount, states.rowcount)


def untouched_since(before: datetime) -> Select[Any]:
    """Requests not yet purged that no one has touched since ``before``: not created or
    submitted since, and no one's turn about them since (offers answered and FTA decisions
    are such turns). What the app did by itself, an offer expiring, a reminder, is no touch."""
    touched = exists().where(activity_log.c.subject == requests.c.id,
                             activity_log.c.started_at >= before,
                             activity_log.c.actor != WORKER)
    # An engagement still running is in use, touched or not: its FTA works from its details.
    running = exists().where(offers.c.request_id == requests.c.id,
                             offers.c.state == OfferState.ACCEPTED,
                             offers.c.engagement_ends_at >= before)
    return select(requests.c.id, requests.c["values"], requests.c.extensions).where(
        func.coalesce(requests.c.submitted_at, requests.c.created_at) < before,
        requests.c.requester_name != PURGED, not_(touched), not_(running)
    ).order_by(requests.c.id).limit(BATCH)


async def _purge_requests(connection: Connection, rows: list[Any]) -> int:
    """Purge these requests, their FTOP records, offers and card posts; how many records."""
    ids = [row.id for row in rows]
    for request_id, values, extensions in rows:
        await connection.execute(update(requests).where(requests.c.id == request_id).values(
            requester_name=PURGED, requester_email="", values=purged_values(values),
            files={}, answer="", agent_name="", sent_back=None,
            extensions=purged_extensions(extensions)))
    records = (await connection.execute(select(
        ftop_assignments.c.request_id, ftop_assignments.c.document).where(
        ftop_assignments.c.request_id.in_(ids)))).all()
    for request_id, document in records:
        await connection.execute(update(ftop_assignments).where(
            ftop_assignments.c.request_id == request_id).values(
            document=purged_record(document), version=ftop_assignments.c.version + 1))
    kept_reasons = ("", UNREACHABLE)
    for offer_id, decision in (await connection.execute(select(offers.c.id, offers.c.decision)
                                                        .where(offers.c.request_id.in_(ids)))):
        await connection.execute(update(offers).where(offers.c.id == offer_id).values(
            customer="", decision=purged_decision(decision), reason=case(
                (offers.c.reason.in_(kept_reasons), offers.c.reason), else_=PURGED)))
    # The cards can no longer be updated: what they would show is gone.
    await connection.execute(delete(card_posts).where(card_posts.c.request_id.in_(ids)))
    return len(records)


async def _forget_display_names(database: Database) -> None:
    """References written before they were kept without names lose them (bot/edge/addresses.py)."""
    named = cast(conversation_references.c.reference, Text).like('%"name"%')
    while True:
        async with database.begin() as connection:
            rows = (await connection.execute(select(
                conversation_references.c.conversation_id, conversation_references.c.reference)
                .where(named).limit(BATCH))).all()
            for conversation_id, reference in rows:
                await connection.execute(update(conversation_references).where(
                    conversation_references.c.conversation_id == conversation_id).values(
                    reference=without_names(reference)))
        if len(rows) < BATCH:
            return


def without_names(reference: dict[str, Any]) -> dict[str, Any]:
    """A conversation reference with no display name nor chat title in it."""
    return {key: ({k: v for k, v in value.items() if k != "name"}
                  if isinstance(value, dict) else value) for key, value in reference.items()}
