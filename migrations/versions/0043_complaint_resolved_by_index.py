"""complaint resolved-by index: the conversations an agent handles, found without reading every case

Revision ID: 0043
Revises: 0041
"""

from __future__ import annotations

from alembic import op

revision = "0043"
down_revision = "0041"
branch_labels = None
depends_on = None

NAME = "ix_complaints_resolved_by"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Built without blocking the writes of a live complaints table.
        with op.get_context().autocommit_block():
            op.create_index(NAME, "complaints", ["resolved_by"], postgresql_concurrently=True)
        return
    op.create_index(NAME, "complaints", ["resolved_by"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="complaints")
