"""The transactional outbox: notices written with the state change that causes them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lane", sa.String(400), nullable=False),
        sa.Column("request_id", sa.Integer),
        sa.Column("role", sa.String(40), nullable=False, server_default=""),
        sa.Column("tenant_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("audience", sa.String(400), nullable=False, server_default=""),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("purpose", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("leased_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("last_status", sa.Integer),
        sa.Column("result", sa.String(400), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_outbox_state_due", "outbox", ["state", "not_before"])
    op.create_index("ix_outbox_lane", "outbox", ["lane", "id"])
    op.create_index("ix_outbox_card", "outbox", ["request_id", "role"])


def downgrade() -> None:
    op.drop_table("outbox")
