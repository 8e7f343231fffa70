"""Another problem told while the first case waits, of another category: the agent side sees two
cases in the queue, each with its own case number, category, queue and deadline, and each case's
deadline is tracked on its own (its reminder, apology and breach)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.keys import resources
from bot.promises.timers import CaseTimerKind
from bot.staff.accounts import Role
from bot.storage.models import Complaint, Timer
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import add_user, sign_in

WATER_THEN_RUBBISH = (
    ("阳光花园5栋停水了 13812345678", "是否正确"),
    ("对", "投诉编号"),
    ("另外还有个事 小区门口的垃圾一个星期没人清了", "哪个小区或地址"),
    ("同一个地方", "是否正确"),
    ("对", "投诉编号"),
)
"""停水 registered, then rubbish left at the same place: two cases of two categories (a broken
street light would be a second repair)."""


async def _told(client: TestClient[Any, Any], exchanges: tuple[tuple[str, str], ...]) -> int:
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.tell(exchanges)
    await socket.close()
    return conversation_id


async def _queue(client: TestClient[Any, Any], cases: int) -> list[dict[str, Any]]:
    waiting: list[dict[str, Any]] = []

    async def all_there() -> bool:
        response = await client.get("/api/queue")
        assert response.status == 200, await response.text()
        waiting[:] = (await response.json())["tickets"]
        return len(waiting) == cases

    await eventually(all_there)
    return waiting


async def test_two_cases_wait_in_the_queue_each_with_its_own_deadline(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id = await _told(
        client,
        WATER_THEN_RUBBISH,
    )
    await add_user(client, "boss", Role.SUPERVISOR)
    await sign_in(client, "boss")

    tickets = await _queue(client, 2)
    assert {ticket["conversation_id"] for ticket in tickets} == {conversation_id}
    by_category = {ticket["category"]: ticket for ticket in tickets}
    water, rubbish = by_category["engineering_repair"], by_category["property_service"]
    assert water["case_number"] != rubbish["case_number"]
    assert (water["queue"], rubbish["queue"]) == ("general", "general")
    # 停水 is a complex repair (24 service hours), rubbish left a simple property matter (12).
    assert rubbish["deadline_at"] < water["deadline_at"]
    # Each card shows its own case's problem, not the conversation's newest.
    assert (water["problem"], rubbish["problem"]) == ("阳光花园5栋停水了 13812345678", "小区门口的垃圾一个星期没人清了")

    body = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    cases = {case["case_number"]: case for case in body["complaints"]}
    assert cases.keys() == {water["case_number"], rubbish["case_number"]}
    assert cases[rubbish["case_number"]]["description"] == "小区门口的垃圾一个星期没人清了"
    assert cases[rubbish["case_number"]]["area"] == "阳光花园5栋"
    assert cases[water["case_number"]]["description"] == "阳光花园5栋停水了 13812345678"
    assert any(event["kind"] == "another_case_started" for event in body["timeline"])

    # Each case's deadline is tracked: its own breach, at its own deadline.
    async with resources(client.app).sessions() as session:
        complaints = {
            complaint.case_number: complaint for complaint in (await session.execute(select(Complaint))).scalars()
        }
        breaches = {
            timer.complaint_id: timer.due_at
            for timer in (
                await session.execute(select(Timer).where(Timer.kind == CaseTimerKind.BREACH.value))
            ).scalars()
            if timer.status == "pending"
        }
    for case_number in (water["case_number"], rubbish["case_number"]):
        complaint = complaints[case_number]
        assert breaches[complaint.id] == complaint.deadline_at
        assert dt.datetime.fromisoformat(by_category[complaint.category]["deadline_at"]) == complaint.deadline_at


async def test_the_other_case_goes_to_the_queue_the_routing_rules_name(make_client: AppFactory) -> None:
    client = await make_client()
    await _told(
        client,
        (
            ("阳光花园5栋停水了 13812345678", "是否正确"),
            ("对", "投诉编号"),
            ("另外 开发商交房延期三个月了", "哪个小区或地址"),
            ("同一个小区", "是否正确"),
            ("对", "投诉编号"),
        ),
    )
    await add_user(client, "boss", Role.SUPERVISOR)
    await sign_in(client, "boss")
    tickets = await _queue(client, 2)
    # The manager rules send real-estate complaints to the developer's group; the water stays.
    assert {ticket["category"]: ticket["queue"] for ticket in tickets} == {
        "engineering_repair": "general",
        "real_estate": "real_estate",
    }


async def test_claiming_one_of_a_conversation_s_cases_takes_the_other_waiting_one_too(make_client: AppFactory) -> None:
    """One person owns a conversation: its second case does not stay in the queue for no one to take."""
    client = await make_client()
    conversation_id = await _told(
        client,
        WATER_THEN_RUBBISH,
    )
    await add_user(client, "li", Role.AGENT)
    csrf = {"X-CSRF-Token": await sign_in(client, "li")}
    first, _second = await _queue(client, 2)
    assert (await client.post(f"/api/tickets/{first['id']}/claim", headers=csrf)).status == 200
    await _queue(client, 0)
    reply = {"text": "您好，两个问题我都来跟进"}
    assert (await client.post(f"/api/conversations/{conversation_id}/messages", json=reply, headers=csrf)).status == 201
    summary = {"summary": "已安排师傅"}
    resolved = await client.post(f"/api/conversations/{conversation_id}/resolve", json=summary, headers=csrf)
    assert resolved.status == 200
    body = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert all(case["resolved_at"] for case in body["complaints"])
