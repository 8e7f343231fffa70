"""customer phone verified: only a number the channel vouches for (an SMS sender's) joins customers

A phone typed in a chat is anyone's to type: it stays the customer's contact number, and no longer
joins a later SMS sender to that customer or finds their open cases. Customers with an SMS identity
got their phone from the channel.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: SQLite's batch mode would copy and drop the table, which
    # its foreign keys refuse.
    op.add_column("customers", sa.Column("phone_verified", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE customers SET phone_verified = TRUE WHERE phone IS NOT NULL AND id IN "
        "(SELECT customer_id FROM channel_identities WHERE channel = 'sms')"
    )


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("phone_verified")
