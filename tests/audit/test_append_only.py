"""The audit log is append-only: the database itself refuses UPDATE and DELETE on it (PostgreSQL and
SQLite triggers), and the code has no path that changes or removes an entry."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from bot.storage import audit as audit_store
from bot.storage.db import Database
from tests.audit.triggers import delete_every_entry, update_every_entry

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


async def test_the_database_refuses_to_change_or_delete_an_entry(database_url: str) -> None:
    database = Database(database_url)
    try:
        entry = audit_store.NewEntry(
            at=NOW, action="rules_change", status=200, actor_id=1, actor="boss", role="manager"
        )
        entry_id = await database.write(lambda session: audit_store.append(session, entry))
        for change in (update_every_entry, delete_every_entry):
            with pytest.raises(DBAPIError, match="audit_log is append-only"):
                await database.write(change)
        async with database.sessions() as session:
            kept = await session.run_sync(audit_store.entries, audit_store.AuditQuery(limit=10))
        assert [(row.id, row.actor, row.action, row.status) for row in kept] == [
            (entry_id, "boss", "rules_change", 200)
        ]
    finally:
        await database.dispose()


def _statement_builders(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
        for alias in node.names
        if alias.name in {"select", "insert", "update", "delete", "text"}
    }


def test_only_the_audit_storage_module_touches_the_table_and_only_to_add_and_read() -> None:
    assert _statement_builders(ROOT / "bot/storage/audit.py") == {"insert", "select"}
    source = (ROOT / "bot/storage/audit.py").read_text(encoding="utf-8")
    assert ".delete(" not in source and ".merge(" not in source and "session.add(" not in source
    touching = sorted(
        str(path.relative_to(ROOT))
        for package in ("bot", "workers")
        for path in (ROOT / package).rglob("*.py")
        if "AuditEntry" in (text := path.read_text(encoding="utf-8")) or "audit_log" in text.replace("audit_log(", "")
    )
    # The model, its storage, and the read-only API that turns entries into JSON.
    assert touching == ["bot/staff/audit_api.py", "bot/storage/audit.py", "bot/storage/models.py"]
