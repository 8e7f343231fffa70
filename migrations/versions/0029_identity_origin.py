"""identity origin: the client address a web chat session was opened from, for limits by address

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (nullable, no default: no table rewrite).
    op.add_column("channel_identities", sa.Column("origin", sa.String(64), nullable=True))
    op.create_index("ix_channel_identities_origin", "channel_identities", ["origin"])


def downgrade() -> None:
    op.drop_index("ix_channel_identities_origin", table_name="channel_identities")
    with op.batch_alter_table("channel_identities") as batch:
        batch.drop_column("origin")
