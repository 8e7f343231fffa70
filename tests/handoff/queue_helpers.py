"""Helpers for the live queue tests: customers who hand off on web chat, staff sign-in, job ctx."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.resources import job_ctx as resources_ctx
from bot.storage.models import HandoffTicket
from tests.conftest import FixedClock
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


async def gas_then_fire(client: Any, clock: FixedClock) -> tuple[int, ChatSocket]:
    """A web chat case handed off, then the gas leaking at its place, then a fire there two minutes later."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell(
        [
            ("楼道灯坏了两周没人修", "电话"),
            ("13800138000", "小区或地址"),
            ("阳光花园3栋", "阳光花园3栋"),
            ("对", "投诉编号"),
        ]
    )
    await socket.send("阳光花园3栋燃气泄漏了 好大的味道")
    await socket.until_bot_says("关闭燃气总阀")
    await socket.until_bot_says("紧急情况")
    clock.advance(minutes=2)
    await socket.send("阳光花园3栋着火了")
    await socket.until_bot_says("沿安全通道撤离")
    return conversation_id, socket
