"""The outbox's live items indexed by lane, and only those; the two lane indexes go.

A claim used to take every due item and ask of each whether its lane had an earlier live one,
and a lane held for Teams' rate limit was kept out of that by rewriting every item queued
behind its head (12,000 notices took 33,000 row updates on PostgreSQL). A claim now walks the
lanes that have live items, one probe each, over this partial index, and a held lane is its
head alone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

LIVE = sa.text("finished_at IS NULL")  # pending or sending: see storage.tables.unfinished


def upgrade() -> None:
    # The index's condition stands for the states (storage.tables.unfinished); make sure every
    # row already written agrees, so that none is out of the claim's reach or blocks a lane.
    op.execute("UPDATE outbox SET finished_at = NULL "
               "WHERE state IN ('pending', 'sending') AND finished_at IS NOT NULL")
    op.execute("UPDATE outbox SET finished_at = created_at "
               "WHERE state NOT IN ('pending', 'sending') AND finished_at IS NULL")
    op.create_index("ix_outbox_live_lane", "outbox", ["lane", "id"], sqlite_where=LIVE,
                    postgresql_where=LIVE)
    op.drop_index("ix_outbox_lane_live", "outbox")
    op.drop_index("ix_outbox_lane", "outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_lane", "outbox", ["lane", "id"])
    op.create_index("ix_outbox_lane_live", "outbox", ["lane", "state", "id"])
    op.drop_index("ix_outbox_live_lane", "outbox")
