"""sms parts: every part of a long SMS by its provider id, and reports that came before the send was recorded

Before 0035 an SMS text cut into parts kept its parts' ids joined by commas in
messages.provider_message_id (128 characters: four parts or more did not fit, and PostgreSQL
refused the send's outcome). Each part's id now has its row in sms_parts, and the message keeps
its first part's id. Downgrading joins them again where they fit.

Revision ID: 0035
Revises: 0034
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UNMATCHED = sa.text("message_id IS NULL")
BATCH = 1000
OLD_ID_CHARS = 128

_messages = sa.table(
    "messages",
    sa.column("id", Id),
    sa.column("channel", sa.String()),
    sa.column("direction", sa.String()),
    sa.column("provider_message_id", sa.String()),
)
_parts = sa.table(
    "sms_parts",
    sa.column("provider_message_id", sa.String()),
    sa.column("message_id", Id),
    sa.column("part", sa.Integer()),
)


def upgrade() -> None:
    op.create_table(
        "sms_parts",
        sa.Column("provider_message_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", Id, nullable=True),
        sa.Column("part", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_sms_parts_message_id_messages")),
        sa.PrimaryKeyConstraint("provider_message_id", name=op.f("pk_sms_parts")),
    )
    op.create_index("ix_sms_parts_message_id", "sms_parts", ["message_id"])
    op.create_index(
        "ix_sms_parts_unmatched",
        "sms_parts",
        ["reported_at"],
        sqlite_where=UNMATCHED,
        postgresql_where=UNMATCHED,
    )
    _split_joined_ids()


def _split_joined_ids() -> None:
    """Every SMS the bot sent gets its parts' rows (a late report still finds its message), and a
    message of several parts keeps its first part's id, as new sends are stored."""
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(_messages.c.id, _messages.c.provider_message_id)
            .where(
                _messages.c.id > last,
                _messages.c.channel == "sms",
                _messages.c.direction == "out",
                _messages.c.provider_message_id.is_not(None),
            )
            .order_by(_messages.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        parts, firsts, seen = [], [], set()
        for message_id, joined in rows:
            ids = [sid for sid in joined.split(",") if sid and sid not in seen]
            seen.update(ids)
            parts.extend(
                {"provider_message_id": sid, "message_id": message_id, "part": number}
                for number, sid in enumerate(ids, start=1)
            )
            if ids and joined != ids[0]:
                firsts.append({"b_id": message_id, "b_first": ids[0]})
        if parts:
            connection.execute(sa.insert(_parts), parts)
        if firsts:
            connection.execute(
                sa.update(_messages)
                .where(_messages.c.id == sa.bindparam("b_id"))
                .values(provider_message_id=sa.bindparam("b_first")),
                firsts,
            )


def downgrade() -> None:
    _join_ids_again()
    op.drop_index("ix_sms_parts_unmatched", table_name="sms_parts")
    op.drop_index("ix_sms_parts_message_id", table_name="sms_parts")
    op.drop_table("sms_parts")


def _join_ids_again() -> None:
    """The messages of several parts keep their ids joined, as before 0035, where they fit (a
    text of four parts or more keeps its first part's)."""
    connection = op.get_bind()
    several = list(connection.execute(sa.select(_parts.c.message_id).where(_parts.c.part > 1).distinct()).scalars())
    for start in range(0, len(several), BATCH):
        chunk = several[start : start + BATCH]
        ids: dict[int, list[str]] = {}
        for message_id, sid in connection.execute(
            sa.select(_parts.c.message_id, _parts.c.provider_message_id)
            .where(_parts.c.message_id.in_(chunk))
            .order_by(_parts.c.message_id, _parts.c.part)
        ):
            ids.setdefault(message_id, []).append(sid)
        joined = [
            {"b_id": message_id, "b_joined": ",".join(sids)}
            for message_id, sids in ids.items()
            if len(",".join(sids)) <= OLD_ID_CHARS
        ]
        if joined:
            connection.execute(
                sa.update(_messages)
                .where(_messages.c.id == sa.bindparam("b_id"))
                .values(provider_message_id=sa.bindparam("b_joined")),
                joined,
            )
