"""Offers indexed for the two questions every balancing decision asks: an architect's load
(read from the index alone, without visiting the rows) and a request's earlier offers.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24
"""
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

LOAD_COLUMNS = ["architect_id", "state", "weight", "offered_at", "engagement_ends_at",
                "customer"]


def upgrade() -> None:
    op.create_index("ix_offers_load", "offers", LOAD_COLUMNS)
    op.drop_index("ix_offers_architect_state", "offers")
    op.create_index("ix_offers_request_state", "offers", ["request_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_offers_request_state", "offers")
    op.create_index("ix_offers_architect_state", "offers", ["architect_id", "state"])
    op.drop_index("ix_offers_load", "offers")
