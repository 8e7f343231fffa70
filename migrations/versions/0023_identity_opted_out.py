"""identity opted out: an SMS "TD" (回复TD退订) stops the messages the service starts to that number

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (nullable, no default: no table rewrite on PostgreSQL);
    # SQLite's batch mode would copy and drop the table, which its foreign keys refuse.
    op.add_column("channel_identities", sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("channel_identities") as batch:
        batch.drop_column("opted_out_at")
