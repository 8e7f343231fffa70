"""Shared by the rules tests: a billing rule, a complaint taken to the promise on web chat, and its ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import HandoffTicket
from tests.helpers import ChatSocket, new_session

BILLING_RULE = {
    "name": "billing complaints go to the billing team",
    "when": {"categories": ["billing"]},
    "then": {"queue": "billing"},
}


async def complain(client: Any, description: str, socket: ChatSocket | None = None, phone: str = "13800138000") -> int:
    """Complain on web chat up to the promise; returns the conversation id of the handoff."""
    if socket is None:
        token, _ = await new_session(client)
        socket = await ChatSocket.open(client, token)
        await socket.until_bot_says("客服代表")
        close = True
    else:
        close = False
    before = len(socket.frames)

    def said(*words: str) -> bool:
        return any(word in f.get("text", "") for f in socket.frames[before:] for word in words)

    def saying(*words: str) -> Any:
        return lambda frames: any(word in f.get("text", "") for f in frames[before:] for word in words)

    await socket.send(description)
    # A phone bill (收费类) needs no place, and a phone known already is not asked for again.
    await socket.until(saying("联系到您的电话", "小区或地址", "是否正确"))
    if not said("小区或地址", "是否正确"):
        await socket.send(phone)
        await socket.until(saying("小区或地址", "是否正确"))
    if not said("是否正确"):
        await socket.send("阳光花园3栋")
        await socket.until(
            lambda frames: any("阳光花园3栋" in f.get("text", "") for f in frames[before:] if f.get("from") == "bot")
        )
    await socket.send("对")
    await socket.until(lambda frames: any("工号是" in f.get("text", "") for f in frames[before:]))
    if close:
        await socket.close()
    async with resources(client.app).sessions() as session:
        newest_first = select(HandoffTicket.conversation_id).order_by(HandoffTicket.id.desc())
        latest = (await session.execute(newest_first)).scalar()
    assert latest is not None, "no ticket was opened"
    return latest


async def ticket_of(client: Any, conversation_id: int) -> HandoffTicket:
    async with resources(client.app).sessions() as session:
        return (
            await session.execute(select(HandoffTicket).where(HandoffTicket.conversation_id == conversation_id))
        ).scalar_one()
