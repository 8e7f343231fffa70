"""An SMS customer's complaint told start to finish, and what the stub gateway texted them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Complaint
from tests.channels.conftest import PHONE, Stub
from tests.helpers import eventually


async def sms_complaint(stub: Stub, description: str) -> None:
    """``description`` texted from ``PHONE``, then its place and the confirmation, until the case number comes."""
    await stub.phone_sends(description, sender=PHONE)
    await until_texted(stub, "小区或地址")
    await stub.phone_sends("阳光花园3栋", sender=PHONE)
    await until_texted(stub, "阳光花园3栋")
    await stub.phone_sends("对", sender=PHONE)
    await until_texted(stub, "投诉编号")


async def until_texted(stub: Stub, fragment: str, to: str = PHONE) -> str:
    """The first text to ``to`` holding ``fragment``, once one has come."""

    async def texted() -> bool:
        return any(fragment in text for text in stub.texts_to(to))

    await eventually(texted, timeout=15)
    return next(text for text in stub.texts_to(to) if fragment in text)


async def only_case(client: Any) -> str:
    """The number of the one case stored."""
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(Complaint.case_number))).scalar_one()
