"""reopen the appeals a transfer closed: an appeal waits for the supervisor whoever holds the case

Revision ID: 0025
Revises: 0024

From 0024 on, a transfer closed every waiting ticket of the conversation (status "transferred"),
a customer's appeal (申诉) among them: the agent holding the case could move the appeal against
it out of the supervisor queue by transferring the case, and 0024 closed appeals waiting beside
a newer ticket too. The newest appeal of each conversation so closed waits again (data only);
the live queue in Redis takes it at its next rebuild (the reconcile cron's, within a minute).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

REOPEN_APPEALS = sa.text(
    "UPDATE handoff_tickets SET status = 'waiting' "
    "WHERE status = 'transferred' AND reason = 'appeal' AND NOT EXISTS ("
    "SELECT 1 FROM handoff_tickets AS later WHERE later.conversation_id = handoff_tickets.conversation_id "
    "AND later.reason = 'appeal' AND later.id > handoff_tickets.id)"
)


def upgrade() -> None:
    op.get_bind().execute(REOPEN_APPEALS)


def downgrade() -> None:
    # Nothing to undo: closing them again would hide appeals from the supervisor.
    pass
