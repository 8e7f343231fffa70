"""staff_locale: the language each staff member reads the consoles in (issue 15)

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("ui_locale", sa.String(length=10), nullable=False, server_default="zh-CN"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("ui_locale")
