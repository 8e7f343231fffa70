"""search index: staff search finds its rows through a trigram index, however long the history

PostgreSQL: ``pg_trgm`` GIN indexes on the expressions the search compares (``LIKE '%…%'`` uses
them from 3 characters). When the database user may not create the extension, the migration
still succeeds without them and search works unindexed (docs/deploy.md says how to add them).

SQLite: contentless FTS5 tables with the ``trigram`` tokenizer (SQLite ≥ 3.34), a row per message,
complaint and customer under its id, kept in step by triggers (whoever writes the rows). A later
migration that rebuilds one of these tables (``batch_alter_table`` "move and copy") drops its
triggers: it must create them again (as ``_sqlite_statements`` does).

Revision ID: 0038
Revises: 0037
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

SQLITE_INDEXES = (
    ("messages_search", "messages", ("text", "search_text"), {"body": "coalesce({row}.search_text, {row}.text)"}),
    (
        "complaints_search",
        "complaints",
        ("case_number", "area", "area_search", "contact_phone"),
        {
            "case_number": "{row}.case_number",
            "place": "coalesce({row}.area_search, {row}.area)",
            "contact_phone": "{row}.contact_phone",
        },
    ),
    ("customers_search", "customers", ("phone",), {"phone": "{row}.phone"}),
)
"""(FTS5 table, the table it indexes, the columns it reads, its own columns and what each holds
of a row, ``{row}`` the row)."""

PG_INDEXES = (
    ("ix_messages_search_trgm", "messages", "coalesce(search_text, text)"),
    ("ix_complaints_case_number_trgm", "complaints", "case_number"),  # ILIKE: pg_trgm serves it too
    ("ix_complaints_place_trgm", "complaints", "coalesce(area_search, area)"),
    ("ix_complaints_contact_phone_trgm", "complaints", "contact_phone"),
    ("ix_customers_phone_trgm", "customers", "phone"),
)


def _sqlite_statements(fts: str, table: str, watched: tuple[str, ...], columns: dict[str, str]) -> list[str]:
    names = ", ".join(columns)
    of = {row: ", ".join(expression.format(row=row) for expression in columns.values()) for row in ("new", "old")}
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {of['new']});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {of['old']});"
    source = ", ".join(expression.format(row=table) for expression in columns.values())
    return [
        # Contentless (content=''): the index alone, not a second copy of the text.
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='', tokenize='trigram')",
        f"INSERT INTO {fts}(rowid, {names}) SELECT id, {source} FROM {table}",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {', '.join(watched)} ON {table} BEGIN {delete} {insert} END",
    ]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for fts, table, watched, columns in SQLITE_INDEXES:
            for statement in _sqlite_statements(fts, table, watched, columns):
                bind.exec_driver_sql(statement)
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as error:
        log.warning("pg_trgm not created (%s): staff search works without its index, slower", error.orig)
    if not bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
        return
    for name, table, expression in PG_INDEXES:
        bind.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for fts, *_ in SQLITE_INDEXES:
            for trigger in ("insert", "update", "delete"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
            bind.exec_driver_sql(f"DROP TABLE IF EXISTS {fts}")
        return
    for name, _table, _expression in PG_INDEXES:
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
