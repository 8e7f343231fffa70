"""notifications; the queue position last told to a waiting customer

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", Id, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("audience", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", Id, nullable=True),
        sa.Column("complaint_id", Id, nullable=True),
        sa.Column("ticket_id", Id, nullable=True),
        sa.Column("detail", Json, nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_notifications_conversation_id_conversations")
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_notifications_complaint_id_complaints")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["handoff_tickets.id"], name=op.f("fk_notifications_ticket_id_handoff_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notifications_dedupe_key")),
    )
    op.create_index("ix_notifications_audience_id", "notifications", ["audience", "id"])
    with op.batch_alter_table("handoff_tickets") as batch:
        batch.add_column(sa.Column("told_position", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff_tickets") as batch:
        batch.drop_column("told_position")
    op.drop_index("ix_notifications_audience_id", table_name="notifications")
    op.drop_table("notifications")
