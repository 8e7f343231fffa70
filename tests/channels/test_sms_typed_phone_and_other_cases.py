"""SMS: a phone typed in the text is the case's contact over the sender's number, and a case number
of another customer's pasted beside the sender's own open case is checked by its phone's last digits,
then answered; never silence."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, Customer, HandoffTicket
from tests.channels.conftest import Stub
from tests.helpers import confirmed_complaint, eventually

SENDER = "+8613811110004"
OWNER = "+8613811110001"
TWO_PHONES = "电话13999998888 打不通就打我老婆的13977776666 停水了 碧桂园凤凰城"
FOREIGN_CONTACT = "13800138000"  # the phone WANG_FILES_A_COMPLAINT leaves on the case


async def _texted(stub: Stub, phone: str, fragment: str, times: int = 1) -> str:
    async def seen() -> bool:
        return sum(fragment in text for text in stub.texts_to(phone)) >= times

    await eventually(seen, timeout=15)
    return [text for text in stub.texts_to(phone) if fragment in text][times - 1]


async def _complaints(client: Any) -> list[Complaint]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Complaint).order_by(Complaint.id))).scalars())


async def test_the_phone_typed_in_the_text_is_the_contact_and_the_problem_the_water(
    sms_setup: tuple[Any, Stub],
) -> None:
    client, stub = sms_setup
    await stub.phone_sends(TWO_PHONES, sender=SENDER)
    await _texted(stub, SENDER, "是否正确")
    restated = "\n".join(stub.texts_to(SENDER))
    assert "问题：停水了（工程维修）" in restated and "地点：碧桂园凤凰城" in restated
    assert "电话：13999998888（备用：13977776666）" in restated and "0004" not in restated
    await stub.phone_sends("对", sender=SENDER)
    await _texted(stub, SENDER, "投诉编号")
    [complaint] = await _complaints(client)
    assert (complaint.contact_phone, complaint.alternative_phone, complaint.category) == (
        "13999998888",
        "13977776666",
        "engineering_repair",
    )
    async with resources(client.app).sessions() as session:
        phones = set((await session.execute(select(Customer.phone))).scalars())
    assert "+8613999998888" not in phones and "13999998888" not in phones  # a typed number joins no one


async def test_another_customers_case_number_texted_beside_ones_own_case_is_checked_then_appealed(
    sms_setup: tuple[Any, Stub],
) -> None:
    client, stub = sms_setup
    _, socket = await confirmed_complaint(client)
    await socket.close()
    [foreign] = await _complaints(client)
    await stub.phone_sends("小区门口的路灯坏了一个星期了 翠湖花园8栋", sender=OWNER)
    await _texted(stub, OWNER, "是否正确")
    await stub.phone_sends("对", sender=OWNER)
    await _texted(stub, OWNER, "投诉编号")
    [_, own] = await _complaints(client)

    await stub.phone_sends(f"{foreign.case_number} 还是没修好", sender=OWNER)
    await _texted(stub, OWNER, "完整联系电话")
    await stub.phone_sends(FOREIGN_CONTACT, sender=OWNER)
    appealed = await _texted(stub, OWNER, "让您等了这么久")
    assert foreign.case_number in appealed and own.case_number not in appealed

    async def raised() -> bool:
        async with resources(client.app).sessions() as session:
            rows = await session.execute(
                select(HandoffTicket.queue, HandoffTicket.reason).where(
                    HandoffTicket.conversation_id == foreign.conversation_id
                )
            )
            return ("supervisor", "appeal") in [tuple(row) for row in rows]

    await eventually(raised, timeout=15)
    assert [c.case_number for c in await _complaints(client)] == [foreign.case_number, own.case_number]
