"""Table definitions; Alembic migrations create them, the repositories read and write them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    FromClause,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from storage.types import UtcDateTime

metadata = MetaData()
# Ids, names, e-mails and addresses that Teams, Entra or a roster supplies are Text: their
# lengths are Teams' and Entra's to choose (a personal chat's id of 452 characters, a display
# name of 256), and a VARCHAR that PostgreSQL enforces failed every turn past it. Ids are
# bounded at the HTTP edge instead (bot/edge/gate.py), display names cut to Entra's 256 there.

conversation_references = Table(
    "conversation_references", metadata,
    Column("conversation_id", Text, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("tenant_id", Text, nullable=False, default=""),
    Column("service_url", Text, nullable=False),
    Column("user_aad_id", Text, nullable=False, default=""),
    Column("user_id", Text, nullable=False, default=""),
    Column("team_id", Text, nullable=False, default=""),
    Column("reference", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_conversation_references_user_aad_id", "user_aad_id"),
    Index("ix_conversation_references_updated", "updated_at"),  # channel_or_newest
)

requests = Table(
    "requests", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("requester_id", Text, nullable=False),
    Column("requester_name", Text, nullable=False),
    Column("requester_timezone", String(64), nullable=False),
    Column("requester_country", String(2), nullable=False),
    Column("requester_email", Text, nullable=False, default=""),
    Column("type_key", String(40)),
    Column("values", JSON, nullable=False),
    Column("files", JSON, nullable=False),
    Column("state", String(30), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("submitted_at", UtcDateTime),
    Column("deadline", UtcDateTime),
    Column("agent_id", Text, nullable=False, default=""),
    Column("agent_name", Text, nullable=False, default=""),
    Column("answer", Text, nullable=False, default=""),
    Column("first_submitted_at", UtcDateTime),  # kept when a resubmission restarts the SLA
    Column("sent_back", JSON),  # why an FTA sent it back to the seller, by whom, when
    Column("number", String(20)),  # FTA-2026-00042, given at the first submission
    Column("extensions", JSON),  # the managers' deadline extensions: from, to, reason, by, at
    Index("ix_requests_requester_state", "requester_id", "state"),
    Index("ix_requests_number", "number", unique=True),
    # The waiting queue by deadline (the worker's every tick, /metrics' late count) and the
    # desk's open requests; and the reports' weeks, by submission.
    Index("ix_requests_state_deadline", "state", "deadline"),
    Index("ix_requests_submitted", "submitted_at"),
)

# The last request number issued (one row): submissions take the next in their transaction.
request_numbers = Table(
    "request_numbers", metadata,
    Column("id", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)

architects = Table(
    "architects", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("email", Text, nullable=False, default=""),
    Column("aad_id", String(64), nullable=False, default=""),
    Column("teams_user_id", Text, nullable=False, default=""),
    Column("manager", Text, nullable=False, default=""),
    Column("skills", JSON, nullable=False),
    Column("segments", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("holiday_country", String(2), nullable=False),
    Column("holiday_subdivision", String(10)),
    Column("capacity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("out_of_office", JSON, nullable=False),
    Index("ix_architects_aad_id", "aad_id"),
)

LIVE = text("state IN ('offered', 'accepted')")
offers = Table(
    "offers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Integer, nullable=False),
    Column("architect_id", String(64), nullable=False),
    Column("weight", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("customer", String(200), nullable=False, default=""),
    Column("override", Boolean, nullable=False, default=False),
    Column("offered_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),
    Column("engagement_ends_at", UtcDateTime),
    Column("reason", Text, nullable=False, default=""),
    Column("decision", JSON, nullable=False),
    # The database itself refuses a second live offer or assignment for one request.
    Index("uq_offers_live_request", "request_id", unique=True, sqlite_where=LIVE,
          postgresql_where=LIVE),
    # An architect's load is summed from this index alone; a request's offers found by id.
    Index("ix_offers_load", "architect_id", "state", "weight", "offered_at",
          "engagement_ends_at", "customer"),
    Index("ix_offers_request_state", "request_id", "state"),
    # Who holds work for a customer (the balancer's continuity), from this index alone.
    Index("ix_offers_customer", "customer", "state", "architect_id", "engagement_ends_at"),
    # The desk's accepted engagements still running (open requests), by their end.
    Index("ix_offers_state_ends", "state", "engagement_ends_at", "request_id"),
)

# Each architect's load, kept as offers are made and answered (storage/loads.py), so that a
# balancing decision reads one row per architect instead of summing every live offer.
architect_loads = Table(
    "architect_loads", metadata,
    Column("architect_id", String(64), primary_key=True),
    Column("points", Integer, nullable=False),
    Column("latest_offer_at", UtcDateTime),
    # From then on the row needs counting again: an engagement ended, or an offer was let go.
    Column("recount_at", UtcDateTime),
)

timers = Table(
    "timers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(30), nullable=False),
    Column("request_id", Integer, nullable=False),
    Column("offer_id", Integer),
    Column("due_at", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime),
    Column("leased_by", String(64), nullable=False, default=""),
    Column("done_at", UtcDateTime),
    Index("ix_timers_due", "done_at", "due_at"),
    Index("ix_timers_offer", "offer_id"),
    Index("ix_timers_request_kind", "request_id", "kind"),
)

ftop_assignments = Table(
    "ftop_assignments", metadata,
    Column("request_id", Integer, primary_key=True),
    Column("document", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)

card_posts = Table(
    "card_posts", metadata,
    Column("request_id", Integer, primary_key=True),
    Column("role", String(40), primary_key=True),
    Column("reference", JSON, nullable=False),
    Column("activity_id", Text, nullable=False),
)


def unfinished(items: FromClause) -> ColumnElement[bool]:
    """An outbox item still to be sent, pending or leased by a dispatcher (the outbox's live
    items; LIVE above is the offers'): one not finished, since ``finished_at`` is written exactly
    when an item leaves those states. Spelled so, the partial index below is the only one that
    serves it, and SQLite's planner, which has no statistics, takes it rather than an index on
    ``state``."""
    return items.c.finished_at.is_(None)


outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False, unique=True),  # idempotency key
    Column("kind", String(20), nullable=False),
    Column("lane", Text, nullable=False),  # delivered in id order within a lane
    Column("request_id", Integer),  # the card this item posts or updates, if any
    Column("role", String(40), nullable=False, default=""),
    Column("tenant_id", Text, nullable=False, default=""),
    Column("audience", Text, nullable=False, default=""),
    Column("payload", JSON, nullable=False),
    Column("purpose", JSON, nullable=False),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("not_before", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime),
    Column("leased_by", String(64), nullable=False, default=""),
    Column("last_status", Integer),
    Column("result", Text, nullable=False, default=""),  # the new activity's id
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Index("ix_outbox_state_due", "state", "not_before"),
    Index("ix_outbox_card", "request_id", "role"),
)
# Live items by lane, and only those: a claim walks it from lane to lane, one probe each, to
# find each lane's head (storage/outbox.py). Delivered items, the bulk of the table, stay out.
Index("ix_outbox_live_lane", outbox.c.lane, outbox.c.id,
      sqlite_where=unfinished(outbox), postgresql_where=unfinished(outbox))

roster_version = Table(
    "roster_version", metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

# Every activity handled, once: Teams' retries of an activity find it here and get the first
# answer again. It doubles as the audit log of who did what, when, from which activity.
activity_log = Table(
    "activity_log", metadata,
    Column("conversation_id", Text, primary_key=True),
    Column("activity_id", Text, primary_key=True),
    Column("actor", Text, nullable=False, default=""),  # an AAD object id, or "worker"
    Column("action", String(80), nullable=False),  # a card verb, a command, an activity type
    Column("subject", Integer),  # the request acted on, when there is one
    Column("outcome", String(20), nullable=False),  # running, done, refused, failed
    Column("response", JSON),  # an invoke's answer, given again to a retry
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Index("ix_activity_log_subject", "subject"),
    Index("ix_activity_log_started", "started_at"),
)
# The invoke answers still kept, for the purge to clear once Teams' retries are over: the few
# rows of the last day, not the whole history (storage/retention.py).
ANSWERED = text("response IS NOT NULL")
Index("ix_activity_log_answered", activity_log.c.started_at, sqlite_where=ANSWERED,
      postgresql_where=ANSWERED)


# botbuilder's bot state (UserState), one JSON document a key, with an e-tag for optimistic
# concurrency (storage/documents.py).
bot_state = Table(
    "bot_state", metadata,
    Column("key", Text, primary_key=True),
    Column("content", JSON, nullable=False),
    Column("e_tag", String(32), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_bot_state_updated", "updated_at"),
)

# Sends into Teams in the last hour, one row per key a send counts against (its conversation,
# its tenant), shared by every instance: a send reserves its place here before it goes
# (storage/send_ledger.py). A row is pruned once no window of its key reaches back to it.
send_ledger = Table(
    "send_ledger", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False),  # "conversation:<id>" or "tenant:<id>"
    Column("sent_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_send_ledger_key_sent", "key", "sent_at"),
    Index("ix_send_ledger_expires", "expires_at"),
)
