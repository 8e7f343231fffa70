"""Helpers for the live queue tests: customers who hand off on web chat, staff sign-in, job ctx."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.resources import job_ctx as resources_ctx
from bot.storage.models import HandoffTicket
from tests.helpers import ChatSocket, new_session


async def customer_hands_off(client: Any, says: str = "转人工", expect: str = "人工") -> tuple[int, ChatSocket]:
    """A web chat customer asks for a person; returns their conversation id and open socket."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send(says)
    await socket.until_bot_says(expect)
    return conversation_id, socket


async def ticket_of(client: Any, conversation_id: int) -> int:
    async with resources(client.app).sessions() as session:
        ticket_id = (
            await session.execute(
                select(HandoffTicket.id)
                .where(HandoffTicket.conversation_id == conversation_id)
                .order_by(HandoffTicket.id.desc())
            )
        ).scalars().first()
    assert ticket_id is not None, f"conversation {conversation_id} has no ticket"
    return ticket_id


def job_ctx(client: Any) -> dict[str, Any]:
    """What the in-process worker's ``on_startup`` gives jobs, taken from a running app."""
    return {**resources_ctx(resources(client.app)), "redis": resources(client.app).redis}


def system_texts(socket: ChatSocket) -> list[str]:
    return [f["text"] for f in socket.frames if f.get("type") == "message" and f.get("from") == "system"]
