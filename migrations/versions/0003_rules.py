"""rules: versioned manager rules (rule_sets) and queue membership (users.queues)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "rule_sets",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rules", Json, nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_rule_sets")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("queues", Json, nullable=True))
    users = sa.table("users", sa.column("queues", Json))
    op.execute(users.update().values(queues=["general"]))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("queues", existing_type=Json, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("queues")
    op.drop_table("rule_sets")
