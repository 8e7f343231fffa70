"""search in one script: messages' text and complaints' place in simplified characters, for staff search

Revision ID: 0033
Revises: 0032
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    # Plain ADD COLUMNs on both databases (nullable, no default: no table rewrite).
    op.add_column("messages", sa.Column("search_text", sa.Text(), nullable=True))
    op.add_column("complaints", sa.Column("area_search", sa.Text(), nullable=True))
    # Rows written before: their text in simplified characters where that differs (as
    # bot.storage.searchable writes new ones), read and written a batch at a time by id. OpenCC
    # converts ≈ 100,000 messages a second: a few seconds to a minute for a large service.
    import opencc

    converter = opencc.OpenCC("t2s")
    bind = op.get_bind()
    for table, column, target in (("messages", "text", "search_text"), ("complaints", "area", "area_search")):
        columns = (sa.column("id", sa.Integer()), sa.column(column, sa.Text()), sa.column(target, sa.Text()))
        rows = sa.table(table, *columns)
        update = rows.update().where(rows.c.id == sa.bindparam("row_id")).values({target: sa.bindparam("converted")})
        after = 0
        while True:
            batch = bind.execute(
                sa.select(rows.c.id, rows.c[column])
                .where(rows.c.id > after, rows.c[column].is_not(None))
                .order_by(rows.c.id)
                .limit(_BATCH)
            ).all()
            if not batch:
                break
            after = batch[-1][0]
            changed = []
            for row_id, text in batch:
                if text.isascii():
                    continue
                converted = converter.convert(text)
                if converted != text:
                    changed.append({"row_id": row_id, "converted": converted})
            if changed:
                bind.execute(update, changed)


def downgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("area_search")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("search_text")
