"""complaint problem: the problem as restated to the customer and confirmed, for the complaint form

Revision ID: 0057
Revises: 0046
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0057"
down_revision = "0046"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable without a default: added without rewriting the table; earlier cases show their description.
    op.add_column("complaints", sa.Column("problem", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("problem")
