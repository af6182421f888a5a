"""The FTOP record's version: a store succeeds only over the version it was read at.

A seller's withdrawal and an FTA's action on the same Enterprise Assignment could each read
the record, change it and store it whole, the second overwriting the first unseen (a task
done on a withdrawn request, or a withdrawal undone). Each store now moves the version on and
is refused when someone else's came first.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ftop_assignments") as table:
        table.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("ftop_assignments") as table:
        table.drop_column("version")
