"""An age told after a complaint went to the duty supervisor ("他推了我一下" / "我73岁了 差点摔倒") is kept on
the case: its description and its elder signal (长者优先), as the agent's queue card shows them; so is a
health condition told after the hand-off ("我老婆也怀孕七个月了"), with its health signal. Told while the
case waits for an agent, a health condition ("我有高血压 气得头疼") or our staff's manner complained of
("你们客服态度太差了") ranks its waiting ticket as the manager rules would have at the hand-off (P1), in the
queue it waits in, and the staff's manner is reported to the duty supervisors (如实上报主管)."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, HandoffTicket, Notification
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, greeted_customer, settled


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


async def _noise_case_waiting(socket: ChatSocket) -> None:
    for message, answer in (
        ("楼上装修太吵了", "电话"),
        ("13800138000", "哪个小区"),
        ("阳光花园3栋", "是否正确"),
        ("对", "投诉编号"),
    ):
        await socket.send(message)
        await socket.until_bot_says(answer)


async def _ticket(client: TestClient[Any, Any], conversation_id: int) -> HandoffTicket:
    async with resources(client.app).sessions() as session:
        return (
            await session.execute(select(HandoffTicket).where(HandoffTicket.conversation_id == conversation_id))
        ).scalar_one()


async def test_a_health_condition_told_while_the_case_waits_raises_its_ticket(make_client: AppFactory) -> None:
    client = await make_client()
    socket, conversation_id = await greeted_customer(client)
    await _noise_case_waiting(socket)
    waiting = await _ticket(client, conversation_id)
    assert (waiting.status, waiting.priority) == ("waiting", 2)
    await socket.send("我有高血压 气得头疼")
    await socket.until_bot_says("保重身体")

    async def raised() -> bool:
        return (await _ticket(client, conversation_id)).priority == 1

    await eventually(raised)
    ticket = await _ticket(client, conversation_id)
    assert (ticket.status, ticket.queue) == ("waiting", waiting.queue)
    await settled(client, sockets=[socket])


async def test_staff_attitude_complained_of_while_the_case_waits_goes_on_the_case_and_to_the_supervisors(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    socket, conversation_id = await greeted_customer(client)
    await _noise_case_waiting(socket)
    await socket.send("你们客服态度太差了")
    await socket.until_bot_says("如实上报主管")

    async def raised() -> bool:
        return (await _ticket(client, conversation_id)).priority == 1

    await eventually(raised)
    async with resources(client.app).sessions() as session:
        complaint = (
            await session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
        notices = (
            (await session.execute(select(Notification).where(Notification.conversation_id == conversation_id)))
            .scalars()
            .all()
        )
    assert "staff_error" in complaint.signals and "service_attitude" in (complaint.other_categories or [])
    assert complaint.category == "property_service" and "你们客服态度太差了" in complaint.description
    assert any(notice.kind == "rule_supervisor" for notice in notices)
    await settled(client, sockets=[socket])
