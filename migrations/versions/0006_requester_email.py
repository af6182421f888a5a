"""The requester's e-mail address, for the playbook's assignment e-mail.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("requester_email", sa.String(254), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("requester_email")
