"""A status question by case number over SMS: the phone the case was left with (which the SMS
channel vouches for) hears where the case stands at once; any other phone is asked for the last 4
digits of that phone first, and without them learns nothing of the case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, TimelineEvent
from tests.channels.conftest import PHONE, Stub
from tests.helpers import confirmed_complaint, eventually

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
    await _texted(stub, STRANGER, "后四位")
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
    assert not any("后四位" in text for text in stub.texts_to(PHONE))
