"""inbound pending index: unprocessed inbound messages by conversation, in id order

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INBOUND_PENDING = sa.text("direction = 'in' AND processed_at IS NULL")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Built without blocking the inserts of a live messages table.
        with op.get_context().autocommit_block():
            op.create_index(
                "ix_messages_inbound_pending",
                "messages",
                ["conversation_id", "id"],
                postgresql_where=INBOUND_PENDING,
                postgresql_concurrently=True,
            )
        return
    op.create_index(
        "ix_messages_inbound_pending", "messages", ["conversation_id", "id"], sqlite_where=INBOUND_PENDING
    )


def downgrade() -> None:
    op.drop_index("ix_messages_inbound_pending", table_name="messages")
