"""The managers' desk reads open requests and the reports' weeks by index.

Open requests are those waiting for an FTA (requests by state, then deadline: the desk's
order) and those whose accepted engagement still runs (offers by state and end); the reports
and the CSV read requests by submission time. Without these, every poll of a desk tab walked
the requests and offers tables from end to end: years of closed work.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30
"""
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_requests_state_deadline", "requests", ["state", "deadline"])
    op.create_index("ix_requests_submitted", "requests", ["submitted_at"])
    op.create_index("ix_offers_state_ends", "offers", ["state", "engagement_ends_at",
                                                        "request_id"])


def downgrade() -> None:
    op.drop_index("ix_offers_state_ends", "offers")
    op.drop_index("ix_requests_submitted", "requests")
    op.drop_index("ix_requests_state_deadline", "requests")
