"""A customer whose case was resolved names it by number in a new conversation: the new case
follows it (timeline), with its place offered from storage."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.keys import resources
from bot.storage.models import Complaint, Conversation, TimelineEvent
from tests.conftest import AppFactory
from tests.helpers import confirmed_complaint


async def test_a_new_case_naming_a_resolved_one_follows_it_and_offers_its_place(make_client: AppFactory) -> None:
    client = await make_client()
    first_id, socket = await confirmed_complaint(client)  # 阳光花园3栋, 王先生, 13800138000
    sessions = resources(client.app).sessions
    async with sessions() as session, session.begin():
        earlier = (await session.execute(select(Complaint.case_number))).scalar_one()
        await session.execute(update(Complaint).values(status="resolved", resolved_at=resources(client.app).clock()))
        await session.execute(
            update(Conversation)
            .where(Conversation.id == first_id)
            .values(status="closed", closed_at=resources(client.app).clock(), closed_reason="resolved")
        )
    socket.frames.clear()
    await socket.send(f"{earlier} 垃圾又堆满了！")
    restated = await socket.until_bot_says("我跟您确认一下")
    assert "问题：垃圾又堆满了" in restated["text"] and earlier not in restated["text"]
    assert "地点：阳光花园3栋" in restated["text"]
    await socket.send("对")
    await socket.until_bot_says("您的投诉编号是")
    async with sessions() as session:
        cases = (await session.execute(select(Complaint.case_number, Complaint.conversation_id))).all()
        assert len(cases) == 2
        new_number, new_conversation = cases[1]
        rows = await session.execute(
            select(TimelineEvent.detail).where(
                TimelineEvent.conversation_id == new_conversation, TimelineEvent.kind == "follows_case"
            )
        )
        assert list(rows.scalars()) == [{"case_number": earlier}] and new_number != earlier
    await socket.close()
