"""Helpers for the standards tests: a signed-in manager, a section's body, a greeting."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user, sign_in


async def signed_in(client: Any, username: str, role: Role) -> dict[str, str]:
    """A staff member of ``role`` signed in on ``client``; returns the CSRF header."""
    await add_user(client, username, role)
    return {"X-CSRF-Token": await sign_in(client, username)}


async def section(client: Any, section_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/standards/{section_id}")
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def greeting(client: Any, fragment: str) -> str:
    """The first thing a new web chat customer on ``client`` is told, once it has ``fragment``."""
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    try:
        frame = await socket.until_bot_says(fragment)
    finally:
        await socket.close()
    return str(frame["text"])
