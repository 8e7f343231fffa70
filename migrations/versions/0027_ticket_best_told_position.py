"""ticket best told position: the nearest place in the queue a waiting customer was told

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (nullable, no default: no table rewrite).
    op.add_column("handoff_tickets", sa.Column("best_told_position", sa.Integer(), nullable=True))
    op.execute("UPDATE handoff_tickets SET best_told_position = told_position")


def downgrade() -> None:
    with op.batch_alter_table("handoff_tickets") as batch:
        batch.drop_column("best_told_position")
