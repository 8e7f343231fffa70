"""An appeal goes to the duty supervisor as urgent: the customer hears the appeal's time
(``deadlines.yaml`` ``appeal``: 2 service hours, 16:00 on a Monday at 14:00), and the case's deadline
is moved to it, on SMS and web chat alike; "还是没来水！！" with "到底什么时候来水" is the same appeal."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, HandoffTicket
from tests.channels.conftest import PHONE, Stub
from tests.helpers import ChatSocket, eventually, new_session

SHANGHAI = ZoneInfo("Asia/Shanghai")
APPEAL_DUE = dt.datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI)
NATIONAL = PHONE.removeprefix("+86")


async def _filed_in_web_chat(client: Any) -> str:
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.tell(
        [
            ("停水两天了 锦绣家园6号楼", "电话"),
            (NATIONAL, "是否正确"),
            ("对", "投诉编号"),
        ]
    )
    await socket.close()
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(Complaint.case_number))).scalar_one()


async def _case(client: Any) -> tuple[dt.datetime | None, list[tuple[str, int, str]]]:
    async with resources(client.app).sessions() as session:
        deadline = (await session.execute(select(Complaint.deadline_at))).scalar_one()
        tickets = await session.execute(select(HandoffTicket.queue, HandoffTicket.priority, HandoffTicket.reason))
        return deadline, [(queue, priority, reason) for queue, priority, reason in tickets]


async def _moved(client: Any) -> None:
    async def moved() -> bool:
        deadline, tickets = await _case(client)
        return deadline == APPEAL_DUE and tickets == [("supervisor", 0, "appeal")]

    await eventually(moved, timeout=15)


@pytest.mark.parametrize("text", ["{number} 还是没来水！！", "{number} 还是没来水！！ 到底什么时候来水"])
async def test_an_appeal_texted_moves_the_case_to_the_appeal_s_time_and_says_it(
    sms_setup: tuple[Any, Stub], text: str
) -> None:
    client, stub = sms_setup
    number = await _filed_in_web_chat(client)
    before, _ = await _case(client)
    assert before is not None and before > APPEAL_DUE

    await stub.phone_sends(text.format(number=number), sender=PHONE)

    async def told() -> bool:
        return any("升级为优先处理" in said for said in stub.texts_to(PHONE))

    await eventually(told, timeout=15)
    answer = next(said for said in stub.texts_to(PHONE) if "升级为优先处理" in said)
    assert number in answer and "今天下午4点前" in answer
    await _moved(client)


async def test_an_appeal_in_web_chat_proven_by_the_phone_digits_moves_the_case_too(make_client: Any) -> None:
    client = await make_client()
    number = await _filed_in_web_chat(client)
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.tell([(f"{number} 还是没来水！！", "完整联系电话"), (NATIONAL, "升级为优先处理")])
    await socket.close()
    answer = next(said for said in socket.bot_texts() if "升级为优先处理" in said)
    assert number in answer and "今天下午4点前" in answer
    await _moved(client)
