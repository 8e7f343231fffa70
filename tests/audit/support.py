"""Reading the audit log straight from the database, as the tests check it."""

from __future__ import annotations

from typing import Any

from bot.keys import resources
from bot.storage import audit as audit_store
from bot.storage.models import AuditEntry


async def logged(client: Any, action: str | None = None) -> list[AuditEntry]:
    """Every entry (of ``action``), oldest first."""
    query = audit_store.AuditQuery(limit=10_000, action=action)
    async with resources(client.app).sessions() as session:
        found = await session.run_sync(audit_store.entries, query)
    return list(reversed(found))


async def one(client: Any, action: str) -> AuditEntry:
    """The only entry of ``action``; fails when there are none or several."""
    found = await logged(client, action)
    assert len(found) == 1, [(entry.action, entry.actor, entry.status) for entry in found]
    return found[0]
