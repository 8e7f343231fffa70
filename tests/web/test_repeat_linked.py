"""A new case from a phone that complained of the same kind of problem before (a case still open, or
resolved within ``handoff.yaml`` ``repeat_link_days``) is a repeat complaint (seed 003): the agent's
console shows the earlier case numbers on its form (此前投诉), its signals carry ``repeat`` and it is
graded complex; another kind of problem, or a case resolved long ago, links nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user, sign_in

PHONE = "13812345678"


async def _file(client: Any, problem: str) -> int:
    """A web chat customer of their own files ``problem`` (with its place and phone) and confirms it."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in ((problem, "是否正确"), ("对", "投诉编号")):
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    return conversation_id


async def _case_number(client: Any, conversation_id: int) -> str:
    async with resources(client.app).sessions() as session:
        return (
            await session.execute(select(Complaint.case_number).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()


async def _resolve(client: Any, case_number: str, at: dt.datetime) -> None:
    async with resources(client.app).sessions() as session, session.begin():
        await session.execute(
            update(Complaint).where(Complaint.case_number == case_number).values(status="resolved", resolved_at=at)
        )


async def _case_seen(client: Any, conversation_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200, await response.text()
    (case,) = (await response.json())["complaints"]
    result: dict[str, Any] = case
    return result


async def test_a_second_case_from_the_same_phone_shows_the_earlier_one(make_client: AppFactory) -> None:
    client = await make_client()
    first = await _file(client, f"阳光花园5栋楼上漏水 {PHONE}")
    earlier = await _case_number(client, first)
    second = await _file(client, f"阳光花园5栋 楼上又漏水了 {PHONE}")
    await add_user(client, "boss", Role.SUPERVISOR)
    await sign_in(client, "boss")
    case = await _case_seen(client, second)
    assert case["repeat_of"] == [earlier]
    assert "repeat" in case["signals"] and case["grade"] == "complex"
    # The earlier case is no repeat of the later one.
    assert (await _case_seen(client, first))["repeat_of"] == []


async def test_another_kind_of_problem_from_the_same_phone_is_no_repeat(make_client: AppFactory) -> None:
    client = await make_client()
    await _file(client, f"阳光花园5栋楼上漏水 {PHONE}")
    second = await _file(client, f"阳光花园5栋 物业费乱收费 多收了我200块 {PHONE}")
    await add_user(client, "boss", Role.SUPERVISOR)
    await sign_in(client, "boss")
    case = await _case_seen(client, second)
    assert case["repeat_of"] == [] and "repeat" not in case["signals"]


async def test_a_case_resolved_within_the_window_is_linked_one_resolved_long_ago_is_not(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    days = resources(client.app).config.handoff.repeat_link_days
    long_ago = await _case_number(client, await _file(client, f"阳光花园5栋楼上漏水 {PHONE}"))
    await _resolve(client, long_ago, clock() - dt.timedelta(days=days + 1))
    recently = await _case_number(client, await _file(client, f"阳光花园5栋 楼上漏水还在漏 {PHONE}"))
    await _resolve(client, recently, clock() - dt.timedelta(days=days - 1))
    third = await _file(client, f"阳光花园5栋 楼上又漏水了 {PHONE}")
    await add_user(client, "boss", Role.SUPERVISOR)
    await sign_in(client, "boss")
    assert (await _case_seen(client, third))["repeat_of"] == [recently]
