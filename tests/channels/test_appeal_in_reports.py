"""An appeal made in the case's own conversation (the customer texting its number back, "你们根本不管
这都第三次了") is an appeal in the reports (申诉) as one from another conversation is, and the repeat
it tells grades the case complex, as a repeat told with the problem is."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint, HandoffTicket
from tests.channels.conftest import PHONE, Stub
from tests.helpers import eventually
from tests.reports.cases import RANGE, add_manager


async def _texted(stub: Stub, fragment: str) -> None:
    async def said() -> bool:
        return any(fragment in text for text in stub.texts_to(PHONE))

    await eventually(said, timeout=15)


async def _case(client: Any) -> Complaint:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(Complaint))).scalar_one()


async def _appeals(client: Any) -> tuple[int, int]:
    response = await client.get(f"/api/reports?{RANGE}&group_by=category")
    assert response.status == 200, await response.text()
    totals = (await response.json())["totals"]
    return totals["appeals"], totals["appealed_cases"]


async def test_an_appeal_in_the_cases_own_sms_conversation_is_counted_and_grades_the_repeat_complex(
    sms_setup: tuple[Any, Stub],
) -> None:
    client, stub = sms_setup
    await add_manager(client)
    await stub.phone_sends("小区垃圾没人清理 臭死了 阳光花园3栋", sender=PHONE)
    await _texted(stub, "是否正确")
    await stub.phone_sends("对", sender=PHONE)
    await _texted(stub, "投诉编号")
    case = await _case(client)
    assert case.grade == "simple"
    assert await _appeals(client) == (0, 0)

    await stub.phone_sends(f"{case.case_number} 都两天了还没人理 你们根本不管 这都第三次了", sender=PHONE)
    await _texted(stub, "已升级为优先处理")

    async def appealed() -> bool:
        async with resources(client.app).sessions() as session:
            reasons = (await session.execute(select(HandoffTicket.reason))).scalars().all()
        return "appeal" in reasons

    await eventually(appealed, timeout=15)
    case = await _case(client)
    assert (case.grade, "repeat" in case.signals) == ("complex", True)
    assert await _appeals(client) == (1, 1)
