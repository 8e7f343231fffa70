"""timeline kind index: whether a conversation is resolved, read without visiting every customer
message after the hand-off

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

NAME = "ix_timeline_events_conversation_id_kind_id"
TABLE, COLUMNS = "timeline_events", ["conversation_id", "kind", "id"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Built without blocking the writes of a live table.
        with op.get_context().autocommit_block():
            op.create_index(NAME, TABLE, COLUMNS, postgresql_concurrently=True)
        return
    op.create_index(NAME, TABLE, COLUMNS)


def downgrade() -> None:
    op.drop_index(NAME, table_name=TABLE)
