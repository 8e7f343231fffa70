"""deliveries: attempt outcome on messages, dead letters, daily reports

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("attempt_started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("possibly_duplicated", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index("ix_messages_delivery_status", "messages", ["delivery_status"])
    op.create_table(
        "dead_letters",
        sa.Column("id", Id, nullable=False),
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("args", Json, nullable=False),
        sa.Column("message_id", Id, nullable=True),
        sa.Column("conversation_id", Id, nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retried_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_dead_letters_message_id_messages")),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_dead_letters_conversation_id_conversations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
    )
    op.create_table(
        "reports",
        sa.Column("id", Id, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("body", Json, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("kind", "day", name="uq_reports_kind_day"),
    )


def downgrade() -> None:
    op.drop_table("reports")
    op.drop_table("dead_letters")
    op.drop_index("ix_messages_delivery_status", table_name="messages")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("possibly_duplicated")
        batch_op.drop_column("last_error")
        batch_op.drop_column("attempt_started_at")
        batch_op.drop_column("attempts")
