"""Raw SQL the tests run against ``audit_log`` behind the application's back: a database that
refuses new entries (to see an action survive it), and the UPDATE and DELETE the triggers refuse."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

_POSTGRES_REFUSE = """
CREATE FUNCTION test_audit_refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'test: no new audit entries'; END
$$
"""


def refuse_inserts(session: Any, dialect: str) -> None:
    if dialect == "postgresql":
        session.execute(text(_POSTGRES_REFUSE))
        session.execute(
            text(
                "CREATE TRIGGER test_audit_refuse_insert BEFORE INSERT ON audit_log "
                "FOR EACH ROW EXECUTE FUNCTION test_audit_refuse_insert()"
            )
        )
    else:
        session.execute(
            text(
                "CREATE TRIGGER test_audit_refuse_insert BEFORE INSERT ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'test: no new audit entries'); END"
            )
        )


def allow_inserts(session: Any, dialect: str) -> None:
    session.execute(
        text("DROP TRIGGER test_audit_refuse_insert" + (" ON audit_log" if dialect == "postgresql" else ""))
    )
    if dialect == "postgresql":
        session.execute(text("DROP FUNCTION test_audit_refuse_insert()"))


def update_every_entry(session: Any) -> None:
    session.execute(text("UPDATE audit_log SET actor = 'someone else', status = 200"))


def delete_every_entry(session: Any) -> None:
    session.execute(text("DELETE FROM audit_log"))
