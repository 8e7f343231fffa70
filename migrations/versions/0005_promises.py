"""promises: deadline extension, breach and resolution on complaints; satisfaction callbacks

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("original_deadline_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolved_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("resolution_summary", sa.Text(), nullable=True))
    op.create_table(
        "satisfaction",
        sa.Column("id", Id, nullable=False),
        sa.Column("complaint_id", Id, nullable=False),
        sa.Column("conversation_id", Id, nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_satisfaction_complaint_id_complaints")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_satisfaction_conversation_id_conversations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction")),
    )
    op.create_index(op.f("ix_satisfaction_complaint_id"), "satisfaction", ["complaint_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_satisfaction_complaint_id"), table_name="satisfaction")
    op.drop_table("satisfaction")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("resolution_summary")
        batch.drop_column("resolved_by")
        batch.drop_column("resolved_at")
        batch.drop_column("breached_at")
        batch.drop_column("original_deadline_at")
