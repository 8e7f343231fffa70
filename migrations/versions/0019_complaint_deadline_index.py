"""complaint deadline index: open complaints by deadline, bounded by the open ones (issue 16)

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Built without blocking the writes of a live complaints table.
        with op.get_context().autocommit_block():
            op.create_index(
                "ix_complaints_status_deadline_at",
                "complaints",
                ["status", "deadline_at"],
                postgresql_concurrently=True,
            )
        return
    op.create_index("ix_complaints_status_deadline_at", "complaints", ["status", "deadline_at"])


def downgrade() -> None:
    op.drop_index("ix_complaints_status_deadline_at", table_name="complaints")
