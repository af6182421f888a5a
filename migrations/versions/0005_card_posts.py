"""Cards posted per request, so state changes can update them in place.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_posts",
        sa.Column("request_id", sa.Integer, primary_key=True),
        sa.Column("role", sa.String(40), primary_key=True),
        sa.Column("reference", sa.JSON, nullable=False),
        sa.Column("activity_id", sa.String(400), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("card_posts")
