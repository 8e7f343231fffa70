"""What the agent sees of a case with two problems and two phones: the other problem's category
on the form and the timeline, and the alternative phone, masked for an agent who does not own
the conversation."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Conversation, Customer, HandoffTicket
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user, set_queues, sign_in


async def _file(client: Any) -> int:
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in (
        ("停水两天了 电梯也坏了一个礼拜 物业根本不管", "电话"),
        ("电话13812345678 打不通就打我老婆的13987654321", "小区或地址"),
        ("阳光花园3栋", "备用：13987654321"),
        ("对", "投诉编号"),
    ):
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    return conversation_id


async def _case_seen_by(client: Any, username: str, conversation_id: int) -> dict[str, Any]:
    await sign_in(client, username)
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def test_the_agent_sees_the_other_problem_and_the_alternative_phone(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id = await _file(client)
    await add_user(client, "boss", Role.SUPERVISOR)
    body = await _case_seen_by(client, "boss", conversation_id)
    (case,) = body["complaints"]
    assert (case["category"], case["other_categories"]) == ("engineering_repair", ["property_service"])
    assert (case["contact_phone"], case["alternative_phone"]) == ("13812345678", "13987654321")
    classified = [event for event in body["timeline"] if event["kind"] == "classified"]
    assert classified[-1]["detail"]["other_categories"] == ["property_service"]
    assert any(event["kind"] == "alternative_contact_received" for event in body["timeline"])
    async with resources(client.app).sessions() as session:
        assert (await session.execute(select(HandoffTicket.queue))).scalar_one() == "general"  # routed as before


async def test_an_agent_who_does_not_own_the_case_sees_the_alternative_phone_masked(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id = await _file(client)
    await add_user(client, "li", Role.AGENT)
    await set_queues(client, "li", ["general"])
    body = await _case_seen_by(client, "li", conversation_id)
    (case,) = body["complaints"]
    assert (case["contact_phone"], case["alternative_phone"]) == ("138****5678", "139****4321")
    assert body["phones_masked"]


async def test_another_problem_told_while_the_case_waits_is_on_the_case_the_agent_opens(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in (
        ("阳光花园5栋楼上漏水 13812345678", "是否正确"),
        ("对", "投诉编号"),
        ("还有 电梯也坏了", "一并记录在投诉"),  # a repair at the same place, as the case is
    ):
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    await add_user(client, "boss", Role.SUPERVISOR)
    body = await _case_seen_by(client, "boss", conversation_id)
    (case,) = body["complaints"]
    assert case["category"] == "engineering_repair"
    assert not case["other_categories"]
    assert case["description"].splitlines()[-1] == "还有 电梯也坏了"


@pytest.mark.parametrize("landline", ["0755-2688-1234转8021", "0755 2688 1234 ext 8021", "0755-26881234 分机8021"])
async def test_a_landlines_extension_is_said_back_and_shown_beside_the_number_never_in_it(
    make_client: AppFactory, landline: str
) -> None:
    """The chat box is the web chat's only phone box: an extension is typed after the number, as on
    any channel, in the words a customer uses for one."""
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in (
        (f"阳光花园5栋楼上漏水 座机{landline}", "电话：0755-26881234转8021"),
        ("对", "投诉编号"),
    ):
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    await add_user(client, "boss", Role.SUPERVISOR)
    body = await _case_seen_by(client, "boss", conversation_id)
    (case,) = body["complaints"]
    # The number alone is the one called, texted and checked; the extension is the staff's to ask for.
    assert (case["contact_phone"], case["contact_extension"]) == ("075526881234", "8021")
    async with resources(client.app).sessions() as session:
        customer_phone = (
            await session.execute(
                select(Customer.phone)
                .join(Conversation, Conversation.customer_id == Customer.id)
                .where(Conversation.id == conversation_id)
            )
        ).scalar_one()
    assert customer_phone in (None, "075526881234")


async def test_the_alternative_landline_s_extension_is_shown_to_the_agent_beside_it(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in (
        ("阳光花园5栋楼上漏水", "电话"),
        ("13812345678 打不通就打我单位的010-62345678转8021", "备用：010-62345678转8021"),
        ("对", "投诉编号"),
        ("另外一个号码 0755-26881234转6612", "备用电话0755-26881234转6612"),
    ):
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    await add_user(client, "boss", Role.SUPERVISOR)
    body = await _case_seen_by(client, "boss", conversation_id)
    (case,) = body["complaints"]
    assert (case["contact_phone"], case["contact_extension"]) == ("13812345678", None)
    # The number given after the hand-off replaces the alternative, and its extension the old one's.
    assert (case["alternative_phone"], case["alternative_extension"]) == ("075526881234", "6612")
