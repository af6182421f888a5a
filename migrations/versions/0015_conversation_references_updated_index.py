"""Conversation references indexed by when they were last written: a post to a channel takes
its tenant and service URL from the newest reference, and without the index each post read and
sorted the whole table, a row per person and chat that ever spoke to the bot (a sixth of an
accept turn's time at 3,000 conversations on SQLite, measured with py-spy).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24
"""
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_conversation_references_updated", "conversation_references",
                    ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_conversation_references_updated", "conversation_references")
