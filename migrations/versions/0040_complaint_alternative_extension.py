"""complaint alternative extension: the extension typed after the alternative phone, shown to the staff who call

Revision ID: 0040
Revises: 0038
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (nullable, no default: no table rewrite, so 0038's
    # SQLite search triggers stay).
    op.add_column("complaints", sa.Column("alternative_extension", sa.String(10), nullable=True))


def downgrade() -> None:
    # Dropped without batch mode: SQLite's "move and copy" would drop 0038's search triggers.
    op.drop_column("complaints", "alternative_extension")
