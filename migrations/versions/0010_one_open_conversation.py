"""one open conversation per identity: a partial unique index, so two instances cannot each open one

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

CONVERSATION_OPEN = sa.text("status = 'open'")

# Open conversations that a newer open one of the same identity superseded: the service only
# ever used the newest (it reads the highest id), so the older ones are closed.
CLOSE_SUPERSEDED = sa.text(
    "UPDATE conversations SET status = 'closed', closed_at = :now, closed_reason = 'superseded' "
    "WHERE status = 'open' AND id < ("
    "SELECT max(newer.id) FROM conversations AS newer "
    "WHERE newer.identity_id = conversations.identity_id AND newer.status = 'open')"
)


def upgrade() -> None:
    bind = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    if bind.dialect.name == "postgresql":
        # No conversation is opened between closing the duplicates and building the index.
        op.execute("LOCK TABLE conversations IN SHARE ROW EXCLUSIVE MODE")
    else:
        now = now.replace(tzinfo=None)
    bind.execute(CLOSE_SUPERSEDED.bindparams(sa.bindparam("now", now, type_=sa.DateTime(timezone=True))))
    op.create_index(
        "uq_conversations_identity_open",
        "conversations",
        ["identity_id"],
        unique=True,
        sqlite_where=CONVERSATION_OPEN,
        postgresql_where=CONVERSATION_OPEN,
    )


def downgrade() -> None:
    op.drop_index("uq_conversations_identity_open", table_name="conversations")
