"""Table definitions; Alembic migrations create them, the repositories read and write them."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

conversation_references = Table(
    "conversation_references", metadata,
    Column("conversation_id", String(400), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("tenant_id", String(64), nullable=False, default=""),
    Column("service_url", String(400), nullable=False),
    Column("user_aad_id", String(64), nullable=False, default=""),
    Column("user_id", String(200), nullable=False, default=""),
    Column("team_id", String(400), nullable=False, default=""),
    Column("reference", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_conversation_references_user_aad_id", "user_aad_id"),
)

requests = Table(
    "requests", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("requester_id", String(200), nullable=False),
    Column("requester_name", String(200), nullable=False),
    Column("requester_timezone", String(64), nullable=False),
    Column("requester_country", String(2), nullable=False),
    Column("type_key", String(40)),
    Column("values", JSON, nullable=False),
    Column("files", JSON, nullable=False),
    Column("state", String(30), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True)),
    Column("deadline", DateTime(timezone=True)),
    Column("agent_id", String(200), nullable=False, default=""),
    Column("agent_name", String(200), nullable=False, default=""),
    Column("answer", Text, nullable=False, default=""),
    Index("ix_requests_requester_state", "requester_id", "state"),
)
