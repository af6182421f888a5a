"""Ids, names, e-mails and addresses from Teams, Entra and the roster become unbounded text.

PostgreSQL enforced the VARCHAR lengths: a 251-character display name (Entra allows 256) made
every submission fail, and a 452-character conversation id every turn in that chat. SQLite
never enforces a declared length (VARCHAR has TEXT affinity there), so only PostgreSQL's
columns change; rebuilding SQLite's tables for a name would copy them for nothing. On
PostgreSQL, VARCHAR to TEXT is binary compatible: no table is rewritten.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# (table, column, the length it had)
WIDENED = (
    ("conversation_references", "conversation_id", 400),
    ("conversation_references", "tenant_id", 64),
    ("conversation_references", "service_url", 400),
    ("conversation_references", "user_aad_id", 64),
    ("conversation_references", "user_id", 200),
    ("conversation_references", "team_id", 400),
    ("requests", "requester_id", 200),
    ("requests", "requester_name", 200),
    ("requests", "requester_email", 254),
    ("requests", "agent_id", 200),
    ("requests", "agent_name", 200),
    ("architects", "name", 200),
    ("architects", "email", 254),
    ("architects", "teams_user_id", 200),
    ("architects", "manager", 254),
    ("card_posts", "activity_id", 400),
    ("outbox", "key", 200),
    ("outbox", "lane", 400),
    ("outbox", "tenant_id", 64),
    ("outbox", "audience", 400),
    ("outbox", "result", 400),
    ("activity_log", "conversation_id", 400),
    ("activity_log", "activity_id", 200),
    ("activity_log", "actor", 200),
    ("bot_state", "key", 400),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in WIDENED:
        op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))


def downgrade() -> None:
    """Fails, as it should, if a longer value has been stored since."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in WIDENED:
        op.alter_column(table, column, type_=sa.String(length), existing_type=sa.Text())
