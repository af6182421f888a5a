"""An index of requests by state and deadline.

The worker reads the waiting queue by deadline at every tick, and /metrics counts the late
requests at every scrape; both read every request ever filed without it (about 100 ms on a
history of 300,000, on the event loop on SQLite).

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30
"""
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_requests_state_deadline", "requests", ["state", "deadline"])


def downgrade() -> None:
    op.drop_index("ix_requests_state_deadline", "requests")
