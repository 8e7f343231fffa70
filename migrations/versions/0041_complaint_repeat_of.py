"""complaint repeat of: the earlier cases of the same category and customer (or contact phone) a new case repeats

Revision ID: 0041
Revises: 0040
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (nullable, no default: no table rewrite, so 0038's
    # SQLite search triggers stay).
    op.add_column("complaints", sa.Column("repeat_of", Json, nullable=True))


def downgrade() -> None:
    # Dropped without batch mode: SQLite's "move and copy" would drop 0038's search triggers.
    op.drop_column("complaints", "repeat_of")
