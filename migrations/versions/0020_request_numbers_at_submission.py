"""Request numbers are given at submission from a counter, so abandoned drafts leave no gaps.

Numbers were the row id (FTA-<year created>-<id>); every request submitted before this keeps the
number it was given, stored now, and the counter starts above the highest of them so no new
number can repeat one. Drafts never submitted get theirs when they are.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

REQUESTS = sa.table("requests", sa.column("id", sa.Integer), sa.column("created_at"),
                    sa.column("submitted_at"), sa.column("number", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("number", sa.String(20), nullable=True))
    numbers = op.create_table("request_numbers", sa.Column("id", sa.Integer, primary_key=True),
                              sa.Column("last", sa.Integer, nullable=False))
    connection = op.get_bind()
    issued = connection.execute(sa.select(REQUESTS.c.id, REQUESTS.c.created_at).where(
        REQUESTS.c.submitted_at.is_not(None))).all()
    for request_id, created_at in issued:  # str() reads a datetime and SQLite's text alike
        number = f"FTA-{str(created_at)[:4]}-{request_id:05d}"
        connection.execute(sa.update(REQUESTS).where(REQUESTS.c.id == request_id)
                           .values(number=number))
    op.bulk_insert(numbers, [{"id": 1, "last": max((i for i, _ in issued), default=0)}])
    op.create_index("ix_requests_number", "requests", ["number"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_requests_number", "requests")
    op.drop_table("request_numbers")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("number")
