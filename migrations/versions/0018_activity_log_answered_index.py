"""The audit log's rows that still keep an invoke's answer, indexed by time.

The retention purge clears those answers (whole cards, with names and customer text) once
Teams' retries are over. Without this partial index it would walk every row of the history
each hour; with it, the rows of the last day.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ANSWERED = sa.text("response IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_activity_log_answered", "activity_log", ["started_at"],
                    sqlite_where=ANSWERED, postgresql_where=ANSWERED)


def downgrade() -> None:
    op.drop_index("ix_activity_log_answered", "activity_log")
