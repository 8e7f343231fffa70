"""End to end: a customer complaining of the agent's attitude after the agent's reply ("你们客服说这是规定没办法，
这是什么态度？") hears the standard apology, and the duty supervisors and the agent get the urgent
``supervisor_told`` notice (reason ``staff_attitude``), the agent keeping the case (首问负责)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, Notification, TimelineEvent, User
from tests.conftest import AppFactory
from tests.handoff.appeal_helpers import tickets_of
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import add_user, claim_conversation, sign_in

COMPLAINT_ABOUT_THE_AGENT = "你们客服说这是规定没办法，这是什么态度？"


async def _notices(client: Any, conversation_id: int) -> list[Notification]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(
            select(Notification)
            .where(Notification.conversation_id == conversation_id, Notification.kind == "supervisor_told")
            .order_by(Notification.id)
        )
        return list(found.scalars())


async def test_a_complaint_about_the_agent_after_its_reply_reaches_the_supervisors_and_the_agent_keeps_the_case(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    answers = [("楼道灯坏了两周没人修", "电话"), ("13800138000", "小区或地址"), ("阳光花园3栋", "阳光花园3栋")]
    await socket.tell([*answers, ("对", "投诉编号")])
    await claim_conversation(client, csrf, conversation_id)
    replied = await client.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"text": "您好，楼道灯的更换需要物业统一安排，请您耐心等待。"},
        headers={"X-CSRF-Token": csrf},
    )
    assert replied.status == 201

    await socket.send(COMPLAINT_ABOUT_THE_AGENT)

    await socket.until_bot_says("如实上报主管")
    assert not any("处理进度" in text or "请您稍候" in text for text in socket.bot_texts()[-1:])

    async def told() -> bool:
        return len(await _notices(client, conversation_id)) == 2

    await eventually(told, timeout=15)
    async with resources(client.app).sessions() as session:
        li = (await session.execute(select(User.id).where(User.username == "li"))).scalar_one()
        case = (
            await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None and conversation.owner == f"agent:{li}"
        escalated = (
            await session.execute(
                select(TimelineEvent.detail).where(
                    TimelineEvent.conversation_id == conversation_id, TimelineEvent.kind == "escalated"
                )
            )
        ).scalar_one()
    notices = await _notices(client, conversation_id)
    assert {notice.audience for notice in notices} == {"role:supervisor", f"user:{li}"}
    detail = notices[0].detail or {}
    assert detail["reason"] == "staff_attitude" and detail["signals"] == ["staff_error"]
    assert detail["text"] == COMPLAINT_ABOUT_THE_AGENT and detail["priority"] == 0
    assert detail["case_number"] == case.case_number and notices[0].complaint_id == case.id
    assert escalated == {"reason": "staff_attitude", "agent_keeps": True}
    # No ticket takes the case from its agent.
    assert [(t.reason, t.status) for t in await tickets_of(client, conversation_id)] == [("complaint", "claimed")]
    await socket.close()
