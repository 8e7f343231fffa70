"""What a customer gives after the hand-off reaches the stored case: a corrected phone replaces
the case's, and the place of an emergency handed over at once is put on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session


async def _case(client: Any) -> Complaint | None:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(Complaint))).scalar_one_or_none()


async def _handed_off_then(client: Any, phone: str, after: str, answered: str) -> None:
    """A web chat complaint with ``phone`` handed off, then ``after`` said and ``answered`` heard."""
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in (
        ("小区楼道的垃圾三天没人清理", "电话"),
        (phone, "小区或地址"),
        ("阳光花园3栋", "是否正确"),
        ("对", "投诉编号"),
        (after, answered),
    ):
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()


async def test_a_phone_corrected_after_the_hand_off_replaces_the_cases(make_client: AppFactory) -> None:
    client = await make_client()
    await _handed_off_then(client, "13611113333", "不好意思电话留错了 应该是13611113334", "已更正为13611113334")

    async def corrected() -> bool:
        case = await _case(client)
        return case is not None and case.contact_phone == "13611113334"

    await eventually(corrected, timeout=15)


async def test_a_number_to_try_too_after_the_hand_off_is_the_cases_backup(make_client: AppFactory) -> None:
    client = await make_client()
    await _handed_off_then(client, "13811114444", "打不通就打我老婆的13922225555", "备用电话13922225555")

    async def kept() -> bool:
        case = await _case(client)
        return case is not None and case.alternative_phone == "13922225555"

    await eventually(kept, timeout=15)
    case = await _case(client)
    assert case is not None and case.contact_phone == "13811114444"


async def test_the_place_of_a_gas_leak_given_after_the_hand_off_is_on_the_case(make_client: AppFactory) -> None:
    client = await make_client()
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("楼道里煤气味特别大 是不是漏气了")
    await socket.until_bot_says("电话号码")  # with the supervisor already: the phone asked first
    await socket.send("13800001117 朝阳区劲松八区5号楼")
    await socket.until_bot_says("地点：朝阳区劲松八区5号楼")  # restated, then promised
    await socket.until_bot_says("您的投诉编号是")
    await socket.close()

    async def placed() -> bool:
        case = await _case(client)
        return case is not None and case.contact_phone == "13800001117" and "劲松八区5号楼" in (case.area or "")

    await eventually(placed, timeout=15)
    case = await _case(client)
    assert case is not None and "danger" in case.signals
    assert case.district == "朝阳区"  # counted by area in the reports like any other case
