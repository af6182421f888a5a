"""Roster, offers (with at most one live offer per request) and database timers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
LIVE = sa.text("state IN ('offered', 'accepted')")


def upgrade() -> None:
    op.create_table(
        "architects",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False, server_default=""),
        sa.Column("aad_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("teams_user_id", sa.String(200), nullable=False, server_default=""),
        sa.Column("manager", sa.String(254), nullable=False, server_default=""),
        sa.Column("skills", sa.JSON, nullable=False),
        sa.Column("segments", sa.JSON, nullable=False),
        sa.Column("regions", sa.JSON, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("holiday_country", sa.String(2), nullable=False),
        sa.Column("holiday_subdivision", sa.String(10)),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("out_of_office", sa.JSON, nullable=False),
    )
    op.create_index("ix_architects_aad_id", "architects", ["aad_id"])
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer, nullable=False),
        sa.Column("architect_id", sa.String(64), nullable=False),
        sa.Column("weight", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("customer", sa.String(200), nullable=False, server_default=""),
        sa.Column("override", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("engagement_ends_at", sa.DateTime(timezone=True)),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("decision", sa.JSON, nullable=False),
    )
    op.create_index("uq_offers_live_request", "offers", ["request_id"], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_offers_architect_state", "offers", ["architect_id", "state"])
    op.create_table(
        "timers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("request_id", sa.Integer, nullable=False),
        sa.Column("offer_id", sa.Integer),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("leased_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("done_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_timers_due", "timers", ["done_at", "due_at"])


def downgrade() -> None:
    op.drop_table("timers")
    op.drop_table("offers")
    op.drop_table("architects")
