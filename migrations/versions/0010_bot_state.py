"""botbuilder's bot state as documents with e-tags.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bot_state",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("e_tag", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_bot_state_updated", "bot_state", ["updated_at"])


def downgrade() -> None:
    op.drop_table("bot_state")
