"""The outbox's lanes indexed with their state, so a claim finds a lane's earlier live item
without walking the lane's delivered ones.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_lane_live", "outbox", ["lane", "state", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_lane_live", "outbox")
