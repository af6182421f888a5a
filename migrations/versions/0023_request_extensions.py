"""A manager may extend a request's assignment deadline, with a reason: each extension (from,
to, reason, by, at) is kept, so reports still measure against the original deadline.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("extensions", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("extensions")
