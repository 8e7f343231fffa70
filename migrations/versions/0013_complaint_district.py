"""complaints: the district normalised by the address parser, and an index on created_at (reports)

The district of the complaints already stored is filled from their area, read by the same slot
extractor the bot uses (the gazetteer of ``BOT_CONFIG_DIR``, or the shipped one, and the cpca
parser); an area it finds no district in stays NULL ("未知 unknown" in the reports).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_BATCH = 500


def upgrade() -> None:
    op.add_column("complaints", sa.Column("district", sa.String(length=40), nullable=True))
    op.create_index("ix_complaints_created_at", "complaints", ["created_at"])
    _backfill()


def _backfill() -> None:
    connection = op.get_bind()
    complaints = sa.table(
        "complaints", sa.column("id", sa.Integer), sa.column("area", sa.Text), sa.column("district", sa.String)
    )
    pending = sa.select(complaints.c.id, complaints.c.area).where(
        complaints.c.area.is_not(None), complaints.c.district.is_(None)
    )
    after = 0
    extractor = None
    while True:
        rows = connection.execute(pending.where(complaints.c.id > after).order_by(complaints.c.id).limit(_BATCH)).all()
        if not rows:
            return
        if extractor is None:
            # Loaded only when there is something to fill: the parser's table takes a second.
            from bot.config import load_config
            from bot.defaults import config_dir
            from bot.understanding.slots import SlotExtractor

            directory = os.environ.get("BOT_CONFIG_DIR")
            extractor = SlotExtractor.from_config(load_config(Path(directory) if directory else config_dir()))
        for complaint_id, area in rows:
            district = extractor.extract(area).district
            if district:
                connection.execute(
                    sa.update(complaints).where(complaints.c.id == complaint_id).values(district=district[:40])
                )
        after = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_complaints_created_at", table_name="complaints")
    op.drop_column("complaints", "district")
