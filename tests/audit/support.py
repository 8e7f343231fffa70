"""Signing in as a browser would, and reading the audit log straight from the database."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage import audit as audit_store
from bot.storage.models import AuditEntry, User


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


BROWSER = "Mozilla/5.0 (audit test)"


async def attempt(client: Any, username: str, password: str, headers: dict[str, str] | None = None) -> int:
    response = await client.post(
        "/api/login",
        json={"username": username, "password": password},
        headers={"User-Agent": BROWSER, **(headers or {})},
    )
    await response.read()
    client.session.cookie_jar.clear()
    return response.status


def stored_text(entries: list[AuditEntry]) -> str:
    return json.dumps(
        [[entry.actor, entry.target, entry.detail, entry.user_agent] for entry in entries], ensure_ascii=False
    )


async def user_id(client: Any, username: str) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(User.id).where(User.username == username))).scalar_one())
