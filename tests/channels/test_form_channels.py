"""The complaint form over web chat and SMS (issue 12 item 5), with the real app and database:
everything at once, corrections in plain words, a refused phone, a quoted forbidden phrase."""

from __future__ import annotations

from typing import Any

from opencc import OpenCC
from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint
from bot.understanding.guard import ForbiddenGuard
from tests.channels.conftest import PHONE, Stub
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, eventually, new_session, timeline_kinds
from tests.staff import add_user, sign_in

EVERYTHING = "我是王先生，朝阳区建国路88号6栋的路灯坏了三天了，电话13912345678"


async def _complaint(client: Any) -> Complaint:
    async with resources(client.app).sessions() as session:
        return (await session.execute(select(Complaint))).scalar_one()


async def _chat(client: Any) -> tuple[ChatSocket, int]:
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    return socket, conversation_id


async def test_web_chat_everything_at_once_then_corrections(make_client: AppFactory) -> None:
    client = await make_client()
    socket, _ = await _chat(client)
    await socket.send(EVERYTHING)
    restatement = await socket.until_bot_says("称呼：王先生")
    assert "问题：路灯坏了三天了（工程维修）" in restatement["text"]
    assert "地点：朝阳区建国路88号6栋" in restatement["text"]
    assert "电话：13912345678" in restatement["text"]
    await socket.send("不对，电话是13912345679")
    await socket.until_bot_says("电话：13912345679")
    await socket.send("地址写错了，应该是7栋")
    await socket.until_bot_says("地点：朝阳区建国路88号7栋")
    await socket.send("对")
    await socket.until_bot_says("TS20261123")
    assert not any("电话号码" in text or "哪个小区" in text for text in socket.bot_texts())
    await socket.close()
    complaint = await _complaint(client)
    assert (complaint.contact_phone, complaint.area) == ("13912345679", "朝阳区建国路88号7栋")
    assert not complaint.contact_by_channel


async def test_web_chat_a_refused_phone_goes_on_with_the_chat_as_contact(make_client: AppFactory) -> None:
    client = await make_client()
    socket, conversation_id = await _chat(client)
    await socket.send("小区门口的路灯坏了")
    await socket.until_bot_says("电话号码")
    await socket.send("我不想留电话")
    await socket.until_bot_says("严格保密")
    await socket.send("不方便")
    await socket.until_bot_says("不留电话也可以")
    await socket.send("阳光花园3栋")
    await socket.until_bot_says("电话：未留电话，通过本次对话的渠道与您联系")
    await socket.send("对")
    await socket.until_bot_says("TS20261123")
    await socket.close()
    asks = [text for text in socket.bot_texts() if "留下可以联系到您的电话" in text or "方便留一个电话" in text]
    assert len(asks) == 2
    complaint = await _complaint(client)
    assert complaint.contact_by_channel and complaint.contact_phone is None
    kinds = await timeline_kinds(client, conversation_id)
    assert kinds.count("phone_refused") == 2 and kinds.count("contact_by_channel") == 1

    # The agent's form says how to reach the customer.
    await add_user(client, "zhang.sup", Role.SUPERVISOR)
    await sign_in(client, "zhang.sup")
    detail = await (await client.get(f"/api/conversations/{conversation_id}")).json()
    assert detail["complaints"][0]["contact_by_channel"] is True
    assert detail["channel"] == "webchat"


async def test_sms_everything_at_once_and_a_correction(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    await stub.phone_sends(EVERYTHING)

    async def restated(fragment: str) -> bool:
        return any(fragment in text for text in stub.texts_to(PHONE))

    await eventually(lambda: restated("称呼：王先生"), timeout=15)
    texts = stub.texts_to(PHONE)
    assert not any("电话号码" in text or "哪个小区" in text for text in texts)
    assert any("电话：13912345678" in text for text in texts)  # typed: replaces the sender's number
    await stub.phone_sends("地址写错了，应该是7栋")
    await eventually(lambda: restated("地点：朝阳区建国路88号7栋"), timeout=15)
    await stub.phone_sends("对")
    await eventually(lambda: restated("TS20261123"), timeout=15)
    complaint = await _complaint(client)
    assert (complaint.contact_phone, complaint.area) == ("13912345678", "朝阳区建国路88号7栋")


async def test_sms_the_senders_number_is_restated_masked(sms_setup: tuple[Any, Stub]) -> None:
    _client, stub = sms_setup
    await stub.phone_sends("朝阳区建国路88号6栋的路灯坏了")

    async def restated() -> bool:
        return any("称呼：" in text for text in stub.texts_to(PHONE))

    await eventually(restated, timeout=15)
    restatement = next(text for text in stub.texts_to(PHONE) if "称呼：" in text)
    assert "电话：138****8000" in restatement


async def test_sms_a_quoted_forbidden_phrase_is_not_said_back(sms_setup: tuple[Any, Stub]) -> None:
    client, stub = sms_setup
    config = resources(client.app).config
    guard = ForbiddenGuard(config.forbidden, OpenCC("t2s").convert)
    complaint = "阳光花园3栋，营业员跟我说“这不是我们的责任，您应该去找开发商”，态度太差了"
    assert guard.check(complaint) is not None
    await stub.phone_sends(complaint)

    async def restated() -> bool:
        return any("称呼：" in text for text in stub.texts_to(PHONE))

    await eventually(restated, timeout=15)
    restatement = next(text for text in stub.texts_to(PHONE) if "称呼：" in text)
    assert "态度太差了" in restatement
    for text in stub.texts_to(PHONE):
        assert guard.check(text) is None, text
