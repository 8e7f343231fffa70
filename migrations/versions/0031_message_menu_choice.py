"""message menu choice: what a menu button asks, stored apart from the text shown to the staff

Revision ID: 0031
Revises: 0030
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (nullable, no default: no table rewrite).
    op.add_column("messages", sa.Column("menu_choice", sa.String(40), nullable=True))
    # A button pressed before the upgrade and not yet processed: its choice from the text it was
    # stored with ("[menu] faq:hours"). Only unprocessed inbound rows, by their partial index.
    op.execute(
        "UPDATE messages SET menu_choice = trim(substr(text, 7)) "
        "WHERE direction = 'in' AND processed_at IS NULL AND kind = 'menu' AND text LIKE '[menu]%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("menu_choice")
