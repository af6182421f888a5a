"""A request an FTA sent back to the seller (incomplete, or of the wrong type): why, by whom
and when; and its first submission, kept when a resubmission restarts the 2-business-day
deadline. Existing submitted requests were submitted once: their first submission is the one.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sent_back", sa.JSON(), nullable=True))
    op.execute("UPDATE requests SET first_submitted_at = submitted_at "
               "WHERE submitted_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("sent_back")
        batch.drop_column("first_submitted_at")
