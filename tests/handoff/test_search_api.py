"""``GET /api/search`` (issue 15): by case number, phone or text, only what the staff member may read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint
from tests.conftest import AppFactory
from tests.handoff.queue_helpers import customer_hands_off
from tests.helpers import ChatSocket, eventually, new_session
from tests.staff import add_user, set_queues, sign_in

PHONE = "13812345678"


async def search(client: Any, query: str) -> list[dict[str, Any]]:
    response = await client.get("/api/search", params={"q": query})
    assert response.status == 200, await response.text()
    return list((await response.json())["hits"])


async def customer_with_a_complaint(client: Any) -> tuple[int, str]:
    """A web chat customer records a complaint (phone given); returns the conversation and case number."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    steps = [("小区楼道的垃圾三天没人清理", "电话"), (PHONE, "小区"), ("阳光花园3栋", "正确"), ("对", "TS")]
    for text, answer in steps:
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    async with resources(client.app).sessions() as session:
        case_number = (
            await session.execute(select(Complaint.case_number).where(Complaint.conversation_id == conversation_id))
        ).scalar_one()
    return conversation_id, case_number


async def test_staff_find_a_conversation_by_case_number_phone_or_text(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await sign_in(client, "zhou.sup")
    conversation_id, case_number = await customer_with_a_complaint(client)
    other, socket = await customer_hands_off(client)
    await socket.close()

    [hit] = await search(client, case_number.lower())
    assert (hit["conversation_id"], hit["matched"], hit["case_number"]) == (conversation_id, "case_number", case_number)
    [hit] = await search(client, "1234 5678")
    assert (hit["conversation_id"], hit["matched"]) == (conversation_id, "phone")
    assert hit["text"] is not None
    [hit] = await search(client, "垃圾三天")
    assert (hit["conversation_id"], hit["matched"]) == (conversation_id, "text")
    assert "垃圾三天没人清理" in hit["text"]
    assert {hit["conversation_id"] for hit in await search(client, "转人工")} == {other}
    assert await search(client, "%%") == []  # LIKE wildcards are searched for as themselves
    assert (await client.get("/api/search", params={"q": "垃"})).status == 400


async def test_an_agent_finds_only_conversations_they_may_read_with_phones_masked(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "wang.agent", Role.AGENT)
    await set_queues(client, "wang.agent", ["billing"])
    conversation_id, socket = await customer_hands_off(client)
    await socket.send(f"我电话{PHONE}")

    await sign_in(client, "li.agent")

    async def found() -> bool:
        return bool(await search(client, PHONE[-6:]))

    await eventually(found)
    [hit] = await search(client, PHONE[-6:])
    assert hit["conversation_id"] == conversation_id
    # The conversation's newest message with the number: the customer's, or the bot's answer
    # naming it back ("联系电话已更正为…"); masked either way.
    assert "138****5678" in hit["text"] and PHONE not in hit["text"]
    await socket.close()

    await sign_in(client, "wang.agent")  # the ticket waits in "general", not one of wang's queues
    assert await search(client, PHONE[-6:]) == []
    assert await search(client, "转人工") == []
