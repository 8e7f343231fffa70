"""A status question by case number over SMS: the phone the case was left with (which the SMS
channel vouches for) hears where the case stands at once; any other phone is asked for the last 4
digits of that phone first, and without them learns nothing of the case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, TimelineEvent
from tests.channels.conftest import PHONE, Stub
from tests.helpers import ChatSocket, confirmed_complaint, eventually, new_session

STRANGER = "+8613900139000"


async def _filed_on_web_chat(client: Any) -> tuple[int, str]:
    """Wang's case, left with the phone 13800138000 (``PHONE``): its conversation and number."""
    conversation_id, socket = await confirmed_complaint(client)
    await socket.close()
    async with resources(client.app).sessions() as session:
        return conversation_id, (await session.execute(select(Complaint.case_number))).scalar_one()


async def _texted(stub: Stub, phone: str, fragment: str) -> None:
    async def arrived() -> bool:
        return any(fragment in text for text in stub.texts_to(phone))

    await eventually(arrived, timeout=15)


async def test_a_stranger_texting_the_case_number_is_told_nothing_of_the_case(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    case_conversation, case_number = await _filed_on_web_chat(client)
    await stub.phone_sends(f"我的单号 {case_number} 怎么样了", sender=STRANGER)
    await _texted(stub, STRANGER, "完整联系电话")
    await stub.phone_sends("不知道", sender=STRANGER)
    await _texted(stub, STRANGER, "这次无法为您查询处理情况")

    said = "\n".join(stub.texts_to(STRANGER))
    assert case_number not in said and "答复" not in said
    async with resources(client.app).sessions() as session:
        mentions = (
            await session.execute(
                select(TimelineEvent.detail).where(
                    TimelineEvent.conversation_id == case_conversation,
                    TimelineEvent.kind == "unverified_case_mention",
                )
            )
        ).scalars()
        assert [detail["text"] for detail in mentions] == [f"我的单号 {case_number} 怎么样了"]


async def test_the_phone_left_on_the_case_is_told_at_once(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    _, case_number = await _filed_on_web_chat(client)
    await stub.phone_sends(f"我的单号 {case_number} 怎么样了", sender=PHONE)
    await _texted(stub, PHONE, f"您的投诉编号是{case_number}")
    assert not any("完整联系电话" in text for text in stub.texts_to(PHONE))


async def _filed_without_a_phone(client: Any) -> tuple[int, str]:
    """A web chat case whose customer left no phone (the chat is its contact), at 阳光花园3栋."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.send("小区门口的路灯坏了")
    await socket.until_bot_says("电话号码")
    await socket.send("我不想留电话")
    await socket.until_bot_says("严格保密")
    await socket.send("不方便")
    await socket.until_bot_says("不留电话也可以")
    await socket.send("阳光花园3栋")
    await socket.until_bot_says("请问以上内容是否正确")
    await socket.send("对")
    await socket.until_bot_says("您的投诉编号是")
    await socket.close()
    async with resources(client.app).sessions() as session:
        complaint = (await session.execute(select(Complaint))).scalar_one()
    assert complaint.contact_phone is None
    return conversation_id, complaint.case_number


async def test_a_case_left_without_a_phone_is_told_to_no_one_asking_from_elsewhere(
    sms_setup: tuple[Any, Stub],
) -> None:
    """No phone to give the digits of, and nothing else its customer knows that the staff console
    does not show: "当时没留电话" hears that such a case is looked up where it was made, in the same
    words whether the case has no phone, has one, or does not exist; its place then proves nothing."""
    client, stub = sms_setup
    _, without_phone = await _filed_without_a_phone(client)
    for sender, text in [
        (STRANGER, f"{without_phone} 处理到哪了"),
        ("+8613700137000", "TS20261123ZZZZZZ 处理到哪了"),
    ]:
        await stub.phone_sends(text, sender=sender)
        await _texted(stub, sender, "完整联系电话")
        await stub.phone_sends("我当时没留电话", sender=sender)
        await _texted(stub, sender, "回到当时登记投诉的地方")
        await stub.phone_sends("陽光花園3棟", sender=sender)
        await stub.phone_sends(text, sender=sender)
        await _texted(stub, sender, "这次无法为您查询处理情况")
    said = stub.texts_to(STRANGER)
    assert said[1:3] == stub.texts_to("+8613700137000")[1:3]
    assert not any(without_phone in text or "答复" in text for text in said)


async def test_a_case_left_with_a_phone_is_not_told_for_its_place(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    _, case_number = await _filed_on_web_chat(client)
    async with resources(client.app).sessions() as session:
        area = (await session.execute(select(Complaint.area))).scalar_one()
    assert area
    await stub.phone_sends(f"{case_number} 处理到哪了", sender=STRANGER)
    await _texted(stub, STRANGER, "完整联系电话")
    await stub.phone_sends("当时没留电话", sender=STRANGER)
    await _texted(stub, STRANGER, "回到当时登记投诉的地方")
    await stub.phone_sends(area, sender=STRANGER)
    await stub.phone_sends(f"{case_number} 处理到哪了", sender=STRANGER)
    await _texted(stub, STRANGER, "这次无法为您查询处理情况")
    assert not any(case_number in text for text in stub.texts_to(STRANGER))
