"""The send ledger: recent sends into Teams, shared by every instance.

Each instance kept Teams' rate limits (7 sends a second into one conversation, the tenant's
budget) in its own memory, so N instances on one database could send N times as much. A send
now reserves its place in this table first (storage/send_ledger.py); rows older than the
longest window of their key are pruned.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "send_ledger",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_send_ledger_key_sent", "send_ledger", ["key", "sent_at"])
    op.create_index("ix_send_ledger_expires", "send_ledger", ["expires_at"])


def downgrade() -> None:
    op.drop_table("send_ledger")
