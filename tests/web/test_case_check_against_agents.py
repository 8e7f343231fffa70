"""An agent who may open a case sees its phone masked (138****8000) with its case number: what the
console shows must not pass the check web chat asks of whoever names that case, or any agent could
hear of it and act on it as its customer. The check asks for the whole phone; the customer, who
knows it, still passes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, confirmed_complaint, new_session
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in

PHONE = "13800138000"


async def _case_an_agent_reads(client: Any) -> tuple[str, str]:
    """Wang's case on web chat, and the phone as the agent reading it in the console sees it."""
    conversation_id, socket = await confirmed_complaint(client)
    await socket.close()
    async with resources(client.app).sessions() as session:
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()
    await add_user(client, "li.agent", Role.AGENT)
    await api_sign_in(client, "li.agent")
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200
    body = await response.json()
    assert body["phones_masked"] is True and PHONE not in json.dumps(body, ensure_ascii=False)
    shown = body["complaints"][-1]["contact_phone"]
    assert shown == "138****8000"
    return case_number, shown


async def _asks_where(client: Any, case_number: str) -> ChatSocket:
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.send(f"投诉编号{case_number} 处理到哪了")
    await socket.until_bot_says("完整联系电话")
    return socket


def _said(socket: ChatSocket) -> str:
    return "\n".join(str(frame.get("text", "")) for frame in socket.frames)


async def test_what_the_console_shows_an_agent_does_not_pass_the_check(make_client: AppFactory) -> None:
    client = await make_client()
    case_number, shown = await _case_an_agent_reads(client)
    socket = await _asks_where(client, case_number)
    await socket.send(shown[-4:])  # the last 4 digits, as checks elsewhere ask
    await socket.until_bot_says("需要核对完整的联系电话")
    await socket.send(shown)
    await socket.until_bot_says("核对没有通过")
    await socket.send(shown.replace("*", ""))
    await socket.until_bot_says("这次无法为您查询处理情况")
    said = _said(socket)
    assert "您的投诉编号是" not in said and "答复" not in said
    await socket.close()


async def test_the_customer_who_knows_the_phone_still_hears_where_the_case_stands(make_client: AppFactory) -> None:
    client = await make_client()
    case_number, _ = await _case_an_agent_reads(client)
    socket = await _asks_where(client, case_number)
    await socket.send("138 0013 8000")
    await socket.until_bot_says(f"您的投诉编号是{case_number}")
    assert PHONE not in _said(socket)
    await socket.close()


async def _case_without_a_phone_an_agent_reads(client: Any) -> tuple[str, str]:
    """A web chat case whose customer left no phone, and its place as an agent reads it in the console."""
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    for text, answer in [
        ("小区门口的路灯坏了", "电话号码"),
        ("我不想留电话", "严格保密"),
        ("不方便", "不留电话也可以"),
        ("阳光花园3栋", "请问以上内容是否正确"),
        ("对", "您的投诉编号是"),
    ]:
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()
    async with resources(client.app).sessions() as session:
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()
    await add_user(client, "li.agent", Role.AGENT)
    await api_sign_in(client, "li.agent")
    response = await client.get(f"/api/conversations/{conversation_id}")
    assert response.status == 200
    shown = (await response.json())["complaints"][-1]["area"]
    assert shown == "阳光花园3栋"
    return case_number, shown


async def test_the_place_the_console_shows_an_agent_does_not_pass_the_check(make_client: AppFactory) -> None:
    """A case left without a phone has nothing its customer knows that the console does not show
    (its place, problem and number are on every queue card): nobody asking from elsewhere hears
    where it stands, whatever they say of it; they are told to ask where they made it."""
    client = await make_client()
    case_number, shown = await _case_without_a_phone_an_agent_reads(client)
    socket = await _asks_where(client, case_number)
    await socket.send("我当时没留电话")
    await socket.until_bot_says("当时登记投诉")
    await socket.send(shown)
    await socket.send(f"{case_number} 处理到哪了")
    await socket.until_bot_says("这次无法为您查询处理情况")
    said = _said(socket)
    assert "您的投诉编号是" not in said and "答复" not in said and "登记时留下的地址" not in said
    await socket.close()
