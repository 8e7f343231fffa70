"""message read in part: a long text the bot read only the beginning and end of, for the console's label

Revision ID: 0046
Revises: 0043
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0046"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant default: PostgreSQL adds the column without rewriting the messages table.
    op.add_column("messages", sa.Column("read_in_part", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    # In place, on SQLite too: a batch copy of messages could not drop the table sms_parts refers to.
    op.drop_column("messages", "read_in_part")
