"""complaint contact extension: the extension typed after a landline, shown to the staff who call

Revision ID: 0036
Revises: 0035
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (nullable, no default: no table rewrite).
    op.add_column("complaints", sa.Column("contact_extension", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("contact_extension")
