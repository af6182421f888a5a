"""Table definitions; Alembic migrations create them, the repositories read and write them."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, MetaData, String, Table

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
