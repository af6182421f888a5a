"""Conversation references: every later notification is proactive.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_references",
        sa.Column("conversation_id", sa.String(400), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("service_url", sa.String(400), nullable=False),
        sa.Column("user_aad_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("user_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("team_id", sa.String(400), nullable=False, server_default=""),
        sa.Column("reference", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_conversation_references_user_aad_id", "conversation_references",
                    ["user_aad_id"])


def downgrade() -> None:
    op.drop_table("conversation_references")
