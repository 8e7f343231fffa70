"""complaint contact phone index: an SMS sender's open cases by the contact phone left on them

Revision ID: 0037
Revises: 0036
"""

from __future__ import annotations

from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

NAME = "ix_complaints_contact_phone"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Built without blocking the writes of a live complaints table.
        with op.get_context().autocommit_block():
            op.create_index(NAME, "complaints", ["contact_phone"], postgresql_concurrently=True)
        return
    op.create_index(NAME, "complaints", ["contact_phone"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="complaints")
