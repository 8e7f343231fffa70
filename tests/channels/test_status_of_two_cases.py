"""A web chat customer with two open cases (停水, then rubbish left uncollected, told after the hand-off) asks
where their complaint stands: they hear of both, each case number with where it stands and its
reply time; asking after one by what it is about ("停水的那个呢") or by its number hears of that one
only. Real database, real queue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session

WATER_THEN_RUBBISH = (
    ("阳光花园5栋停水了 13812345678", "是否正确"),
    ("对", "投诉编号"),
    ("另外还有个事 小区门口的垃圾一个星期没人清了", "哪个小区或地址"),
    ("同一个地方", "是否正确"),
    ("对", "投诉编号"),
)


async def _two_cases(client: Any) -> tuple[ChatSocket, dict[str, str]]:
    """The socket of the customer with both cases handed off, and the case numbers by category."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell(WATER_THEN_RUBBISH)
    async with resources(client.app).sessions() as session:
        rows = (
            await session.execute(
                select(Complaint.category, Complaint.case_number).where(Complaint.conversation_id == conversation_id)
            )
        ).all()
    return socket, {category: case_number for category, case_number in rows}


async def _answer(socket: ChatSocket, text: str, expect: str) -> str:
    """Everything the bot says to ``text`` up to the line holding ``expect``."""
    before = len(socket.bot_texts())
    await socket.send(text)
    await socket.until(lambda frames: any(expect in said for said in socket.bot_texts()[before:]))
    return "\n".join(socket.bot_texts()[before:])


async def test_both_cases_are_told_then_the_one_named(make_client: AppFactory) -> None:
    client = await make_client()
    socket, cases = await _two_cases(client)
    water, rubbish = cases["engineering_repair"], cases["property_service"]

    both = await _answer(socket, "处理到哪了", rubbish)
    assert "您目前有2个投诉正在处理" in both, both
    told = [line for line in both.splitlines() if "投诉编号" in line]
    assert len(told) == 2 and water in told[0] and rubbish in told[1], told
    assert all("答复" in line for line in told), told  # each with its own reply time

    one = await _answer(socket, "停水的那个呢", water)
    assert rubbish not in one and "2个投诉" not in one, one
    other = await _answer(socket, "垃圾那个怎么样了", rubbish)
    assert water not in other, other

    # None of the questions became a case or went on one.
    async with resources(client.app).sessions() as session:
        descriptions = list((await session.execute(select(Complaint.description))).scalars())
    assert sorted(descriptions) == sorted(["阳光花园5栋停水了 13812345678", "小区门口的垃圾一个星期没人清了"])
    await socket.close()


async def test_the_case_named_by_its_number_is_told_alone(make_client: AppFactory) -> None:
    client = await make_client()
    socket, cases = await _two_cases(client)
    water, rubbish = cases["engineering_repair"], cases["property_service"]

    one = await _answer(socket, f"{water} 多久能好", water)
    assert rubbish not in one and "2个投诉" not in one and "答复" in one, one
    other = await _answer(socket, f"我的投诉 {rubbish.lower()} 处理得怎么样了", rubbish)
    assert water not in other and "2个投诉" not in other, other
    both = await _answer(socket, "how is it going", rubbish)
    assert water in both and rubbish in both, both
    await socket.close()
