"""agent work indexes: an agent's own conversations and the ones they resolved, read from any browser

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_conversations_owner_status", "conversations", ["owner", "status"]),
    ("ix_timeline_events_actor_kind_id", "timeline_events", ["actor", "kind", "id"]),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Built without blocking the writes of live tables.
        with op.get_context().autocommit_block():
            for name, table, columns in INDEXES:
                op.create_index(name, table, columns, postgresql_concurrently=True)
        return
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
