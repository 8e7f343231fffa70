"""A web chat case claimed by an agent, and its customer's appeal (申诉) waiting for the supervisor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, HandoffTicket
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import sign_in


@dataclass(frozen=True)
class AppealedCase:
    conversation_id: int
    appeal_id: int
    owner: Any
    """The console of the agent holding the case (its own cookie jar)."""
    owner_csrf: dict[str, str]
    appealing: ChatSocket
    appealing_conversation_id: int
    """The appealing customer's chat, still open (the caller closes it)."""


async def signed_in(make_client: AppFactory, username: str) -> tuple[Any, dict[str, str]]:
    """Another console (its own cookie jar) signed in as ``username``, and its CSRF header."""
    console = await make_client()
    return console, {"X-CSRF-Token": await sign_in(console, username)}


async def web_chat_case(client: Any) -> tuple[int, str]:
    """A web chat complaint recorded and handed off: its conversation id and case number."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("小区路灯坏了,晚上一片漆黑")
    await socket.until_bot_says("电话")
    await socket.send("13800138000")
    await socket.until_bot_says("小区或地址")
    await socket.send("阳光花园3栋")
    await socket.until_bot_says("阳光花园3栋")
    await socket.send("对")
    await socket.until_bot_says("投诉编号")
    await socket.close()
    async with resources(client.app).sessions() as session:
        case_number = (
            await session.execute(select(Complaint.case_number).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    return conversation_id, case_number


async def appealed_case(client: Any, make_client: AppFactory, agent: str) -> AppealedCase:
    """``agent`` claims a web chat case; its customer then appeals it from a new chat by naming
    the case number and the last digits of its phone, and the appeal waits in the supervisor queue."""
    conversation_id, case_number = await web_chat_case(client)
    owner, csrf = await signed_in(make_client, agent)
    [first] = await tickets_of(client, conversation_id)
    assert (await owner.post(f"/api/tickets/{first.id}/claim", headers=csrf)).status == 200

    token, appealing_conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send(f"{case_number} 路灯一直没人来修")
    await socket.until_bot_says("完整联系电话")
    await socket.send("13800138000")
    await socket.until_bot_says("让您等了这么久")

    async def appealed() -> bool:
        return len(await tickets_of(client, conversation_id)) == 2

    await eventually(appealed, timeout=15)
    _, appeal = await tickets_of(client, conversation_id)
    assert (appeal.queue, appeal.reason, appeal.status) == ("supervisor", "appeal", "waiting")
    return AppealedCase(conversation_id, appeal.id, owner, csrf, socket, appealing_conversation_id)


async def tickets_of(client: Any, conversation_id: int) -> list[HandoffTicket]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(
            select(HandoffTicket).where(HandoffTicket.conversation_id == conversation_id).order_by(HandoffTicket.id)
        )
        return list(found.scalars())


async def queued(console: Any, conversation_id: int) -> list[tuple[int, str]]:
    """The conversation's tickets in the console's queue: (id, queue)."""
    body = await (await console.get("/api/queue")).json()
    return [(t["id"], t["queue"]) for t in body["tickets"] if t["conversation_id"] == conversation_id]
