"""Requests: drafts and submitted requests with their state and version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("requester_id", sa.String(200), nullable=False),
        sa.Column("requester_name", sa.String(200), nullable=False),
        sa.Column("requester_timezone", sa.String(64), nullable=False),
        sa.Column("requester_country", sa.String(2), nullable=False),
        sa.Column("type_key", sa.String(40)),
        sa.Column("values", sa.JSON, nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("deadline", sa.DateTime(timezone=True)),
        sa.Column("agent_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("agent_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("answer", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_requests_requester_state", "requests", ["requester_id", "state"])


def downgrade() -> None:
    op.drop_table("requests")
