"""case timers per case: a conversation may hold several open cases (another problem told after the
hand-off is a case of its own), each with its own reminder, waiting apology, breach and follow-up

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

_CASE_KINDS = ("case_reminder", "case_apology", "case_breach", "case_follow_up")


def upgrade() -> None:
    with op.batch_alter_table("timers") as batch:
        batch.add_column(
            sa.Column(
                "complaint_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=False,
                server_default="0",
            )
        )
        batch.drop_constraint("uq_timers_conversation_id", type_="unique")
        batch.create_unique_constraint("uq_timers_conversation_id", ["conversation_id", "kind", "complaint_id"])
    # Until now a conversation had one open case at a time, its newest: its case timers are that case's.
    timers = sa.table("timers", sa.column("conversation_id"), sa.column("kind"), sa.column("complaint_id"))
    complaints = sa.table("complaints", sa.column("id"), sa.column("conversation_id"))
    newest = (
        sa.select(sa.func.max(complaints.c.id))
        .where(complaints.c.conversation_id == timers.c.conversation_id)
        .scalar_subquery()
    )
    op.execute(timers.update().where(timers.c.kind.in_(_CASE_KINDS)).values(complaint_id=sa.func.coalesce(newest, 0)))


def downgrade() -> None:
    # One row per conversation and kind again: the newest case's.
    timers = sa.table("timers", sa.column("id"), sa.column("conversation_id"), sa.column("kind"))
    kept = sa.select(sa.func.max(timers.c.id)).group_by(timers.c.conversation_id, timers.c.kind)
    op.execute(timers.delete().where(timers.c.id.not_in(kept)))
    with op.batch_alter_table("timers") as batch:
        batch.drop_constraint("uq_timers_conversation_id", type_="unique")
        batch.create_unique_constraint("uq_timers_conversation_id", ["conversation_id", "kind"])
        batch.drop_column("complaint_id")
