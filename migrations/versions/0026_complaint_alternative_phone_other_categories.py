"""complaint alternative phone and other categories: a second number to try, the other problems told

Revision ID: 0026
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # Plain ADD COLUMNs on both databases (nullable, no default: no table rewrite on PostgreSQL);
    # SQLite's batch mode would copy and drop the table, which its foreign keys refuse.
    op.add_column("complaints", sa.Column("alternative_phone", sa.String(32), nullable=True))
    op.add_column("complaints", sa.Column("other_categories", Json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("other_categories")
        batch.drop_column("alternative_phone")
