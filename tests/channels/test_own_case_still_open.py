"""The customer's own case said to be still not handled, in the conversation that filed it (web
chat and SMS): "TS2026… 电梯还是没修好" reads as 物业服务 beside a 工程维修 lift case, yet it is that
case's: no "different problem" new case, no phone digits asked of the very customer who filed it.
A different problem naming the case's number is still one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint
from tests.channels.conftest import PHONE, Stub
from tests.helpers import confirmed_complaint, eventually

LIFT = "电梯坏了三天了 锦绣家园6号楼 我姓王 电话13912345678"


async def _cases(client: Any) -> list[tuple[str, str]]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(Complaint.case_number, Complaint.description).order_by(Complaint.id))
        return [(number, description) for number, description in rows]


async def test_still_not_fixed_under_its_own_number_in_web_chat_goes_on_that_case(make_client: Any) -> None:
    client = await make_client()
    _, socket = await confirmed_complaint(client, LIFT)
    [(number, _)] = await _cases(client)

    await socket.send(f"{number} 电梯还是没修好")
    answer = await socket.until_bot_says("我们会在")
    await socket.until_bot_says("让您久等了")

    said = "\n".join(socket.bot_texts())
    assert number in answer["text"] and "11月26日" in answer["text"]
    assert "不是同一件事" not in said and "完整联系电话" not in said and "无法核实" not in said

    async def on_the_case() -> bool:
        [(_, description)] = await _cases(client)
        return "电梯还是没修好" in description

    await eventually(on_the_case)

    # A different problem naming the lift case's number is still a case of its own.
    await socket.send(f"{number} 楼上噪音太吵了 天天半夜拍球")
    await socket.until_bot_says("不是同一件事")
    await socket.until_bot_says("小区或地址")
    await socket.close()
    assert "完整联系电话" not in "\n".join(socket.bot_texts())


async def test_still_not_fixed_texted_from_the_phone_that_filed_the_case_is_never_checked(
    sms_setup: tuple[Any, Stub],
) -> None:
    client, stub = sms_setup

    async def texted(fragment: str, times: int = 1) -> None:
        async def seen() -> bool:
            return sum(fragment in text for text in stub.texts_to(PHONE)) >= times

        await eventually(seen, timeout=15)

    await stub.phone_sends("电梯坏了三天了 锦绣家园6号楼", sender=PHONE)
    await texted("是否正确")
    await stub.phone_sends("对", sender=PHONE)
    await texted("投诉编号")
    [(number, _)] = await _cases(client)

    await stub.phone_sends(f"{number} 电梯还是没修好", sender=PHONE)
    await texted("让您久等了")
    await stub.phone_sends("什么时候能修好", sender=PHONE)
    await texted("我们会在11月26日", times=2)  # where the case stands, each time

    said = "\n".join(stub.texts_to(PHONE))
    assert "不是同一件事" not in said and "完整联系电话" not in said and "无法核实" not in said
    assert len(await _cases(client)) == 1
