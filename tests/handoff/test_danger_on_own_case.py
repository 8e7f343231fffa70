"""Danger told with the customer's own case number, end to end: a case filed in web chat under a phone,
then "TS2026… 煤气味很重 快来人" texted from that phone (the case provably theirs). The customer is
texted the emergency's hand-off and its hour; the case's ticket waits for the duty supervisor as
danger, the case due within the hour, its timeline showing the emergency; with an agent holding the
case, no ticket takes it from them: the supervisors and the agent get the urgent notice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Conversation, HandoffTicket, Notification, TimelineEvent, User
from tests.channels.conftest import PHONE, Stub, app_with_sms_stub
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import add_user, sign_in


@pytest.fixture
async def sms_setup(make_client: AppFactory) -> AsyncIterator[tuple[Any, Stub]]:
    client, stub = await app_with_sms_stub(make_client)
    yield client, stub
    await stub.server.close()


async def _web_chat_case(client: Any) -> tuple[int, str]:
    """A web chat complaint left under the SMS customer's phone: its conversation and case number."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell(
        [
            ("小区路灯坏了,晚上一片漆黑", "电话"),
            ("13800138000", "小区或地址"),
            ("阳光花园3栋", "阳光花园3栋"),
            ("对", "投诉编号"),
        ]
    )
    await socket.close()
    return conversation_id, (await _case(client)).case_number


async def _case(client: Any) -> Complaint:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(Complaint))).scalar_one()


async def _tickets(client: Any) -> list[HandoffTicket]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(HandoffTicket).order_by(HandoffTicket.id))).scalars())


async def _notices(client: Any, kind: str) -> list[Notification]:
    async with resources(client.app).sessions() as session:
        found = await session.execute(select(Notification).where(Notification.kind == kind).order_by(Notification.id))
        return list(found.scalars())


async def _texted(stub: Stub, fragment: str) -> str:
    async def texted() -> bool:
        return any(fragment in text for text in stub.texts_to(PHONE))

    await eventually(texted, timeout=15)
    return "\n".join(stub.texts_to(PHONE))


async def test_danger_texted_with_their_own_case_is_an_emergency_on_that_case(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    case_conversation, case_number = await _web_chat_case(client)
    promised = (await _case(client)).deadline_at

    await stub.phone_sends(f"{case_number} 煤气味很重 快来人")

    told = await _texted(stub, "1小时内")
    assert "燃气" in told and "紧急情况" in told and case_number in told
    assert "让您等了这么久" not in told and "完整联系电话" not in told

    async def raised() -> bool:
        return [(t.conversation_id, t.queue, t.priority, t.reason) for t in await _tickets(client)] == [
            (case_conversation, "supervisor", 0, "danger")
        ]

    await eventually(raised, timeout=15)
    case = await _case(client)  # still the one case: no second one opened
    assert case.case_number == case_number and "danger" in (case.signals or [])
    assert case.deadline_at is not None and promised is not None and case.deadline_at < promised
    async with resources(client.app).sessions() as session:
        received = (
            await session.execute(
                select(TimelineEvent.detail).where(
                    TimelineEvent.conversation_id == case_conversation, TimelineEvent.kind == "appeal_received"
                )
            )
        ).scalar_one()
    assert received["reason"] == "danger" and "煤气味很重" in received["text"]
    [notice] = await _notices(client, "appeal")
    assert (notice.detail or {})["reason"] == "danger" and notice.conversation_id == case_conversation

    # The duty supervisor opening the texting customer's chat may claim the emergency there, and answers there.
    await add_user(client, "zhou", Role.SUPERVISOR)
    csrf = {"X-CSRF-Token": await sign_in(client, "zhou")}
    async with resources(client.app).sessions() as session:
        texting = (await session.execute(select(Conversation.id).where(Conversation.channel == "sms"))).scalar_one()
    view = await (await client.get(f"/api/conversations/{texting}")).json()
    [waiting] = view["waiting"]
    assert (waiting["conversation_id"], waiting["reason"]) == (case_conversation, "danger")
    taken = await client.post(f"/api/tickets/{waiting['ticket_id']}/claim", headers=csrf)
    assert taken.status == 200 and (await taken.json())["reply_in"] == texting


async def test_danger_texted_with_their_case_an_agent_holds_tells_the_supervisors_and_the_agent_keeps_it(
    sms_setup: tuple[Any, Stub],
) -> None:
    client, stub = sms_setup
    await add_user(client, "li", Role.AGENT)
    csrf = await sign_in(client, "li")
    case_conversation, case_number = await _web_chat_case(client)
    promised = (await _case(client)).deadline_at
    [first] = await _tickets(client)
    assert (await client.post(f"/api/tickets/{first.id}/claim", headers={"X-CSRF-Token": csrf})).status == 200

    await stub.phone_sends(f"{case_number} 煤气味很重 快来人")

    told = await _texted(stub, "1小时内")
    assert "紧急情况" in told and "让您等了这么久" not in told

    async def notified() -> bool:
        return len(await _notices(client, "supervisor_told")) == 2

    await eventually(notified, timeout=15)
    async with resources(client.app).sessions() as session:
        li = (await session.execute(select(User.id).where(User.username == "li"))).scalar_one()
        owner = (await session.get(Conversation, case_conversation)).owner  # type: ignore[union-attr]
    notices = await _notices(client, "supervisor_told")
    assert {notice.audience for notice in notices} == {"role:supervisor", f"user:{li}"}
    detail = notices[0].detail or {}
    assert detail["reason"] == "danger" and detail["signals"] == ["danger"] and detail["priority"] == 0
    assert detail["case_number"] == case_number and notices[0].conversation_id == case_conversation
    # The agent keeps the case (首问负责): no ticket waits to take it from them; it is due within the hour.
    assert owner == f"agent:{li}"
    assert [(t.reason, t.status) for t in await _tickets(client)] == [("complaint", "claimed")]
    case = await _case(client)
    assert "danger" in (case.signals or [])
    assert case.deadline_at is not None and promised is not None and case.deadline_at < promised
