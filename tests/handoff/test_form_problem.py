"""The complaint form's 问题描述 is the problem as restated to the customer and confirmed, never their
whole message with the phone and the place typed in it; their words stay on the timeline, and what they
add after the hand-off is added to it."""

from __future__ import annotations

from typing import Any

from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user, sign_in


async def _form(client: Any, conversation_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200, await response.text()
    return dict((await response.json())["complaints"][-1])


async def test_the_form_shows_the_restated_problem_not_the_whole_message(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("翠湖天地3栋楼上漏水 天花板都泡了 13800138002")
    restated = await socket.until_bot_says("问题：")
    assert "问题：楼上漏水 天花板都泡了（" in restated["text"]
    await socket.send("对")
    await socket.until_bot_says("投诉编号")
    await add_user(client, "li.agent", Role.AGENT)
    await sign_in(client, "li.agent")

    form = await _form(client, conversation_id)
    assert form["problem"] == "楼上漏水 天花板都泡了"
    assert "13800138002" not in form["problem"] and "翠湖天地" not in form["problem"]
    assert form["area"] == "翠湖天地3栋"
    # The customer's own words are kept for the staff (the phone masked for an agent, as everywhere).
    assert form["description"].startswith("翠湖天地3栋楼上漏水 天花板都泡了 138")
    await socket.close()
