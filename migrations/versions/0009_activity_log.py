"""Activities handled once (Teams retries get the first answer) and the audit log.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_log",
        sa.Column("conversation_id", sa.String(400), primary_key=True),
        sa.Column("activity_id", sa.String(200), primary_key=True),
        sa.Column("actor", sa.String(200), nullable=False, server_default=""),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("subject", sa.Integer),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("response", sa.JSON),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_activity_log_subject", "activity_log", ["subject"])
    op.create_index("ix_activity_log_started", "activity_log", ["started_at"])


def downgrade() -> None:
    op.drop_table("activity_log")
