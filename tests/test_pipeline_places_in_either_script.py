"""A case's place is stored as its customer wrote it (陽光花園5棟 for a traditional writer): the
customer writing again in the other script is still at that case's place, and a place put right
after the hand-off is stored in the customer's characters too. Real database, real queue."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from bot.keys import resources
from bot.storage.models import Complaint, Conversation, HandoffTicket
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session

SIMPLIFIED = (
    ("阳光花园5栋 楼上漏水 滴到我家天花板了 13800138000", "是否正确"),
    ("对", "投诉编号"),
)
TRADITIONAL = (
    ("陽光花園5棟 樓上漏水 滴到我家天花板了 13800138000", "是否正確"),
    ("對", "投訴編號"),
)


async def _filed(client: Any, told: tuple[tuple[str, str], ...]) -> tuple[ChatSocket, int]:
    """A web chat customer's case, recorded and promised: the socket (open) and the conversation."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell(told)
    return socket, conversation_id


async def _complaints(client: Any) -> list[Complaint]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Complaint).order_by(Complaint.id))).scalars())


@pytest.mark.parametrize(
    ("first", "stored", "again", "sorry"),
    [
        (SIMPLIFIED, "阳光花园5栋", "陽光花園5棟 樓上還在漏水 到現在都沒人來", "讓您等了這麼久"),
        (TRADITIONAL, "陽光花園5棟", "阳光花园5栋 楼上还在漏水 到现在都没人来", "让您等了这么久"),
    ],
)
async def test_a_repeat_written_in_the_other_script_joins_the_open_case(
    make_client: AppFactory, first: tuple[tuple[str, str], ...], stored: str, again: str, sorry: str
) -> None:
    """Writing again after the conversation closed, in the other script: an appeal of the open
    case (its number and earlier time said), no second case."""
    client = await make_client()
    socket, conversation_id = await _filed(client, first)
    [case] = await _complaints(client)
    assert case.area == stored
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(status="closed", closed_at=resources(client.app).clock(), closed_reason="idle")
        )
    socket.frames.clear()
    await socket.send(again)
    await socket.until_bot_says(sorry)
    await socket.close()
    assert any(case.case_number in text for text in socket.bot_texts())
    assert [complaint.case_number for complaint in await _complaints(client)] == [case.case_number]

    async def appealed() -> bool:
        # The case's waiting ticket goes to the duty supervisor as the appeal.
        async with resources(client.app).sessions() as session:
            tickets = (await session.execute(select(HandoffTicket.queue, HandoffTicket.reason))).all()
            return [tuple(ticket) for ticket in tickets] == [("supervisor", "appeal")]

    await eventually(appealed)


async def test_a_place_put_right_after_the_hand_off_is_stored_in_traditional(make_client: AppFactory) -> None:
    """The agent sees the corrected place as the customer wrote it, and staff search still finds it
    in simplified characters."""
    client = await make_client()
    socket, _ = await _filed(client, TRADITIONAL)
    await socket.send("地址也寫錯了，是陽光花園6棟不是5棟")
    await socket.until_bot_says("地址已更正為：陽光花園6棟")
    await socket.close()

    async def corrected() -> bool:
        [case] = await _complaints(client)
        return case.area == "陽光花園6棟"

    await eventually(corrected)
    [case] = await _complaints(client)
    assert case.area_search == "阳光花园6栋"
