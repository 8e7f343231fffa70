"""case check misses: wrong answers to a case number's phone check, counted per case and writer

Revision ID: 0032
Revises: 0031
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "case_check_misses",
        sa.Column("id", Id, nullable=False),
        sa.Column("case_number", sa.String(length=32), nullable=False),
        sa.Column("writer", sa.String(length=80), nullable=False),
        sa.Column("conversation_id", Id, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_case_check_misses_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_check_misses")),
    )
    op.create_index(
        "ix_case_check_misses_case_number_created_at", "case_check_misses", ["case_number", "created_at"]
    )
    op.create_index("ix_case_check_misses_writer_created_at", "case_check_misses", ["writer", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_case_check_misses_writer_created_at", table_name="case_check_misses")
    op.drop_index("ix_case_check_misses_case_number_created_at", table_name="case_check_misses")
    op.drop_table("case_check_misses")
