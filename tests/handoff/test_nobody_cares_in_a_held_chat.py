"""End to end, in a chat an agent holds: after talk of self-harm, "没人管我" reaches the customer as care
with the helpline, never silence, while the duty supervisors and the agent hold the urgent notice the
self-harm raised and the agent keeps the chat; the message is on the timeline for them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Conversation, Notification, TimelineEvent
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import add_user, claim_conversation, sign_in


async def _claimed_case(client: Any, csrf: str) -> tuple[int, ChatSocket]:
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
    await claim_conversation(client, csrf, conversation_id)
    return conversation_id, socket


async def _kinds(client: Any, conversation_id: int) -> list[str]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(
            select(TimelineEvent.kind)
            .where(TimelineEvent.conversation_id == conversation_id)
            .order_by(TimelineEvent.id)
        )
        return [str(kind) for kind in found.scalars()]


async def _told(client: Any, conversation_id: int) -> list[str]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(
            select(Notification.audience).where(
                Notification.conversation_id == conversation_id, Notification.kind == "supervisor_told"
            )
        )
        return sorted(found.scalars())


async def test_nobody_cares_after_talk_of_self_harm_in_a_held_chat_hears_care(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    conversation_id, socket = await _claimed_case(client, csrf)

    await socket.send("我真的不想活了 跳下去算了")
    await socket.until_bot_says("12356")
    await socket.send("没人管我")
    await socket.until_bot_says("值班主管已收到通知")  # queue_urgent_care, with the helpline again
    assert "12356" in socket.bot_texts()[-1]

    async def on_the_timeline() -> bool:
        return "message_after_handoff" in await _kinds(client, conversation_id)

    await eventually(on_the_timeline, timeout=15)
    told = await _told(client, conversation_id)
    assert len(told) == 2 and "role:supervisor" in told  # the supervisors and the agent, once
    async with resources(client.app).sessions() as session:
        held = await session.get(Conversation, conversation_id)
        assert held is not None and held.owner.startswith("agent:")
    await socket.close()
