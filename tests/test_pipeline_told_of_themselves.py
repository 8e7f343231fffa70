"""An age told after a complaint went to the duty supervisor ("他推了我一下" / "我73岁了 差点摔倒") is kept on
the case: its description and its elder signal (长者优先), as the agent's queue card shows them; so is a
health condition told after the hand-off ("我老婆也怀孕七个月了"), with its health signal."""

from __future__ import annotations

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint
from tests.conftest import AppFactory
from tests.helpers import eventually, greeted_customer, settled


async def test_an_age_told_after_the_hand_off_marks_the_case_an_elder_s(make_client: AppFactory) -> None:
    client = await make_client()
    socket, conversation_id = await greeted_customer(client)
    await socket.send("我要投诉你们那个姓王的保安")
    await socket.until_bot_says("电话号码")
    await socket.send("他推了我一下")
    await socket.until_bot_says("值班主管")
    await socket.send("我73岁了 差点摔倒")

    async def kept() -> bool:
        async with resources(client.app).sessions() as session:
            complaint = (
                await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
            ).scalar_one_or_none()
        return complaint is not None and "我73岁了" in complaint.description and "elder" in complaint.signals

    await eventually(kept)
    async with resources(client.app).sessions() as session:
        complaint = (
            await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    assert {"violence", "staff_error", "elder"} <= set(complaint.signals)
    await settled(client, sockets=[socket])


async def test_a_health_condition_told_after_the_hand_off_is_kept_on_the_case(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    socket, conversation_id = await greeted_customer(client)
    await socket.send("楼上天天半夜蹦迪 吵得睡不着")
    await socket.until_bot_says("电话")
    await socket.send("13800138000")
    await socket.until_bot_says("哪个小区")
    await socket.send("阳光花园3栋")
    await socket.until_bot_says("是否正确")
    await socket.send("对")
    await socket.until_bot_says("投诉编号")
    await socket.send("我老婆也怀孕七个月了")
    await socket.until_bot_says("保重身体")

    async def kept() -> bool:
        async with resources(client.app).sessions() as session:
            complaint = (
                await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
            ).scalar_one_or_none()
        return complaint is not None and "我老婆也怀孕七个月了" in complaint.description

    await eventually(kept)
    async with resources(client.app).sessions() as session:
        complaint = (
            await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    assert "health" in complaint.signals  # the agent's card shows 身体状况
    await settled(client, sockets=[socket])
