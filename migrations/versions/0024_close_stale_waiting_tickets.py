"""close stale waiting tickets: the ones a transfer left behind, which let another agent claim
the conversation from the one it went to

Revision ID: 0024
Revises: 0023

A transfer now closes the conversation's waiting tickets (status "transferred", a value the
``status`` column takes as it is: no schema change). Before, it left them waiting: the older of
two waiting tickets of a conversation (a transfer to a queue added the newer one), and any waiting
ticket of a conversation an agent owns (a transfer to a person), but for an appeal, the ticket a
supervisor claims to take a case from its agent. The live queue in Redis drops them at its next
rebuild (the reconcile cron's, within a minute).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

CLOSE_STALE = sa.text(
    "UPDATE handoff_tickets SET status = 'transferred' "
    "WHERE status = 'waiting' AND ("
    "id < (SELECT max(newer.id) FROM handoff_tickets AS newer "
    "WHERE newer.conversation_id = handoff_tickets.conversation_id AND newer.status = 'waiting') "
    "OR (reason <> 'appeal' AND EXISTS (SELECT 1 FROM conversations "
    "WHERE conversations.id = handoff_tickets.conversation_id AND conversations.owner LIKE 'agent:%')))"
)


def upgrade() -> None:
    op.get_bind().execute(CLOSE_STALE)


def downgrade() -> None:
    # Nothing to undo: a closed ticket reopened would let its conversation be claimed from its owner.
    pass
