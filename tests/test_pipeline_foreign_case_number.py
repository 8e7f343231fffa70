"""A customer with an open case of their own names another customer's case by its number: that case
is not theirs for knowing its number, so its phone's last digits are asked before anything of it is
told or added to it, never their own case's status said instead nor the words only passed on."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, HandoffTicket
from tests.conftest import AppFactory
from tests.helpers import confirmed_complaint, eventually

CONTACT = "13800138000"  # the phone WANG_FILES_A_COMPLAINT leaves on the case
OWN = "小区门口的路灯坏了一个星期了 翠湖花园8栋 电话13912345678"


async def _case_numbers(client: Any) -> list[str]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Complaint.case_number).order_by(Complaint.id))).scalars())


async def _tickets(client: Any, case_number: str) -> list[tuple[str, str]]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(
            select(HandoffTicket.queue, HandoffTicket.reason)
            .join(Complaint, Complaint.conversation_id == HandoffTicket.conversation_id)
            .where(Complaint.case_number == case_number)
            .order_by(HandoffTicket.id)
        )
        return [(queue, reason) for queue, reason in rows]


@pytest.mark.parametrize(
    ("asked", "then"),
    [
        pytest.param("{} 处理到哪了", "您的投诉编号是{}", id="status"),
        pytest.param("{} 还是没修好", "让您等了这么久", id="still not fixed"),
    ],
)
async def test_another_cases_number_is_checked_by_its_phone_s_digits_then_answered(
    make_client: AppFactory, asked: str, then: str
) -> None:
    client = await make_client()
    _, first = await confirmed_complaint(client)
    await first.close()
    [foreign] = await _case_numbers(client)
    _, socket = await confirmed_complaint(client, OWN)
    [_, own] = await _case_numbers(client)
    socket.frames.clear()

    await socket.send(asked.format(foreign))
    await socket.until_bot_says("完整联系电话")
    said = "\n".join(socket.bot_texts())
    assert own not in said and foreign not in said and "已转给客服代表" not in said
    await socket.send(CONTACT)
    await socket.until_bot_says(then.format(foreign))
    await socket.close()
    assert own not in "\n".join(socket.bot_texts())
    if "还是没修好" in asked:

        async def appealed() -> bool:
            return ("supervisor", "appeal") in await _tickets(client, foreign)

        await eventually(appealed, timeout=15)


async def test_missed_digits_leave_that_case_be_and_the_words_become_a_case_of_their_own(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    _, first = await confirmed_complaint(client)
    await first.close()
    [foreign] = await _case_numbers(client)
    _, socket = await confirmed_complaint(client, OWN)
    [_, own] = await _case_numbers(client)
    before = await _tickets(client, foreign)
    socket.frames.clear()

    await socket.send(f"{foreign} 楼道灯还是没修好")
    await socket.until_bot_says("完整联系电话")
    await socket.send("13800132468")
    await socket.until_bot_says("核对没有通过")
    await socket.send("13800131357")
    await socket.until_bot_says("暂时无法核实")
    await socket.until_bot_says("小区或地址")
    await socket.send("阳光花园3栋")
    await socket.until_bot_says("是否正确")
    await socket.send("对")
    await socket.until_bot_says("您的投诉编号是")
    await socket.close()

    said = "\n".join(socket.bot_texts())
    assert foreign not in said and "2468" not in said
    assert await _tickets(client, foreign) == before
    numbers = await _case_numbers(client)
    assert len(numbers) == 3 and numbers[:2] == [foreign, own] and numbers[2] in said
