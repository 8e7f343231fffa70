"""Closing the loop over the channels (issue 12 item 9; seed 000 四(五) 跟踪总结: tell the result,
explain to a dissatisfied customer, thank a satisfied one). After a person resolved the street
light, "路灯还是没修好啊" reopens the case and is never a rating; the rating is asked with
buttons where the channel has them (web chat quick replies, Telegram inline keyboard) and as
numbered text elsewhere (SMS), and a button or a number answers it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.keys import resources
from bot.settings import TelegramBotSettings
from bot.storage.models import Conversation, Message, Satisfaction
from tests.channels.conftest import PHONE, app_with_sms_stub
from tests.channels.telegram_helpers import CHAT, SECRET, TOKEN, FakeBotApi, update
from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually
from tests.promises.support import claim_and_resolve, promised_case, run_due

STREET_LIGHT = "小区门口的路灯坏了一个星期了,晚上一片漆黑"
NOT_FIXED = "路灯还是没修好啊"
ASK_RATING, ASK_COMMENT, REOPENED = "1到5分", "意见或建议", "重新为您处理"
RATING_OPTIONS = [{"label": str(score), "value": str(score)} for score in range(1, 6)]


async def _conversation(client: Any, conversation_id: int) -> Conversation:
    async with resources(client.app).sessions() as session:
        found = await session.get(Conversation, conversation_id)
        assert found is not None
        return found


async def _satisfaction(client: Any) -> list[Satisfaction]:
    async with resources(client.app).sessions() as session:
        return list((await session.execute(select(Satisfaction).order_by(Satisfaction.id))).scalars())


async def _only_conversation(client: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(Conversation.id))).scalar_one())


async def _resolved(client: Any, conversation_id: int) -> None:
    await claim_and_resolve(client, conversation_id)

    async def resolved() -> bool:
        return (await _conversation(client, conversation_id)).flow_state == "resolved"

    await eventually(resolved)


async def _reopened(client: Any, conversation_id: int) -> None:
    async def with_the_agent() -> bool:
        found = await _conversation(client, conversation_id)
        return found.flow_state == "handed_off" and found.owner.startswith("agent:")

    await eventually(with_the_agent)
    [answer] = await _satisfaction(client)
    assert (answer.resolved, answer.rating) == (False, None)


# ---------------------------------------------------------------------------- web chat


async def test_web_chat_not_fixed_before_the_callback_reopens_the_case(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client, STREET_LIGHT)
    await _resolved(client, conversation_id)
    await socket.send(NOT_FIXED)  # before the callback was asked
    await socket.until_bot_says(REOPENED)
    await _reopened(client, conversation_id)
    assert not any(ASK_RATING in text for text in socket.bot_texts())
    await socket.close()


async def test_web_chat_asks_the_rating_with_quick_replies_and_a_button_answers(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client, STREET_LIGHT)
    await _resolved(client, conversation_id)
    clock.advance(hours=2)
    await run_due(client)
    question = await socket.until_bot_says(ASK_RATING)
    assert question["options"] == RATING_OPTIONS
    await socket.send(question["options"][4]["value"])  # what the "5" button sends
    assert "options" not in (await socket.until_bot_says(ASK_COMMENT))
    await socket.send("路灯已经亮了,谢谢")
    await socket.until_bot_says("感谢您对我们工作的支持")
    [answer] = await _satisfaction(client)
    assert (answer.rating, answer.resolved, answer.method) == (5, True, "webchat")
    await socket.close()


async def test_web_chat_not_fixed_after_the_rating_reopens_and_keeps_the_score(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client, STREET_LIGHT)
    await _resolved(client, conversation_id)
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says(ASK_RATING)
    await socket.send("4")
    await socket.until_bot_says(ASK_COMMENT)
    await socket.send("等了两天还是没修好")
    await socket.until_bot_says(REOPENED)

    async def with_the_agent() -> bool:
        return (await _conversation(client, conversation_id)).owner.startswith("agent:")

    await eventually(with_the_agent)
    [answer] = await _satisfaction(client)
    assert (answer.resolved, answer.rating, answer.comment) == (False, 4, "等了两天还是没修好")
    await socket.close()


# ---------------------------------------------------------------------------- SMS


async def test_sms_asks_with_numbered_text_and_not_fixed_reopens(make_client: AppFactory, clock: FixedClock) -> None:
    client, stub = await app_with_sms_stub(make_client)
    try:

        async def said(fragment: str) -> str:
            async def check() -> bool:
                return any(fragment in text for text in stub.texts_to(PHONE))

            await eventually(check, timeout=15)
            return next(text for text in stub.texts_to(PHONE) if fragment in text)

        await stub.phone_sends(STREET_LIGHT)
        await said("小区或地址")
        await stub.phone_sends("阳光花园5栋")
        confirm = await said("是否正确")
        assert confirm.endswith("请您回复数字：\n1. 对\n2. 不对")
        await stub.phone_sends("1")  # the first option: 对
        await said("投诉编号")
        conversation_id = await _only_conversation(client)
        await _resolved(client, conversation_id)
        clock.advance(hours=2)  # the in-process worker's timer pump runs on the same clock
        question = await said(ASK_RATING)
        assert question.endswith("（请您回复数字1-5）")
        await stub.phone_sends(NOT_FIXED)
        await said(REOPENED)
        await _reopened(client, conversation_id)
        assert not any(ASK_COMMENT in text for text in stub.texts_to(PHONE))
    finally:
        await stub.server.close()


async def test_sms_a_number_rates(make_client: AppFactory, clock: FixedClock) -> None:
    client, stub = await app_with_sms_stub(make_client)
    try:

        async def said(fragment: str) -> None:
            async def check() -> bool:
                return any(fragment in text for text in stub.texts_to(PHONE))

            await eventually(check, timeout=15)

        await stub.phone_sends(STREET_LIGHT)
        await said("小区或地址")
        await stub.phone_sends("阳光花园5栋")
        await said("是否正确")
        await stub.phone_sends("对")
        await said("投诉编号")
        conversation_id = await _only_conversation(client)
        await _resolved(client, conversation_id)
        clock.advance(hours=2)
        await said(ASK_RATING)
        await stub.phone_sends("5")
        await said(ASK_COMMENT)
        await stub.phone_sends("师傅很负责")
        await said("感谢您对我们工作的支持")

        async def rated() -> bool:
            return bool(await _satisfaction(client))

        await eventually(rated)
        [answer] = await _satisfaction(client)
        assert (answer.rating, answer.resolved, answer.method) == (5, True, "sms")
    finally:
        await stub.server.close()


# ---------------------------------------------------------------------------- Telegram


@pytest.fixture
async def telegram(make_client: AppFactory) -> AsyncIterator[tuple[Any, FakeBotApi]]:
    api = FakeBotApi()
    fake = web.Application()
    fake.router.add_post("/bot{token}/{method}", api.handle)
    server = TestServer(fake)
    await server.start_server()
    client = await make_client(
        telegram=TelegramBotSettings(TOKEN, SECRET, str(server.make_url("")).rstrip("/")), in_process_worker=True
    )
    yield client, api
    await server.close()


def _button_press(update_id: int, data: str) -> dict[str, Any]:
    """A ``callback_query`` update as Telegram posts it when an inline button is pressed."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Li", "language_code": "zh-hans"},
            "chat_instance": "-1",
            "data": data,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": CHAT, "type": "private", "first_name": "Li"},
                "from": {"id": 1, "is_bot": True, "first_name": "Bot"},
                "text": "…",
            },
        },
    }


def _keyboard(sent: dict[str, Any]) -> list[list[dict[str, Any]]] | None:
    markup = sent.get("reply_markup")
    if markup is None:
        return None
    keyboard: list[list[dict[str, Any]]] = (json.loads(markup) if isinstance(markup, str) else markup)[
        "inline_keyboard"
    ]
    return keyboard


async def test_telegram_rating_is_an_inline_keyboard_and_a_pressed_button_answers(
    telegram: tuple[Any, FakeBotApi], clock: FixedClock
) -> None:
    client, api = telegram
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    async def post(payload: dict[str, Any]) -> Any:
        response = await client.post("/channels/telegram", json=payload, headers=headers)
        assert response.status == 200
        return await response.json()

    async def sent(fragment: str) -> dict[str, Any]:
        async def check() -> bool:
            return any(fragment in str(item["text"]) for item in api.sent)

        await eventually(check, timeout=15)
        return next(item for item in api.sent if fragment in str(item["text"]))

    for update_id, text, answer in (
        (1, STREET_LIGHT, "电话"),
        (2, "13800138000", "地址"),
        (3, "阳光花园5栋", "是否正确"),
    ):
        await post(update(update_id, text))
        await sent(answer)
    confirm = await sent("是否正确")
    assert _keyboard(confirm) == [
        [{"text": "对", "callback_data": "对"}, {"text": "不对", "callback_data": "不对"}]
    ]
    assert "请您回复数字" not in confirm["text"]  # buttons, not numbered text
    assert await post(_button_press(4, "对")) == {"method": "answerCallbackQuery", "callback_query_id": "cq4"}
    await sent("投诉编号")

    conversation_id = await _only_conversation(client)
    await _resolved(client, conversation_id)
    clock.advance(hours=2)
    question = await sent(ASK_RATING)
    assert _keyboard(question) == [[{"text": str(score), "callback_data": str(score)} for score in range(1, 6)]]
    await post(_button_press(5, "5"))
    await sent(ASK_COMMENT)
    async with resources(client.app).sessions() as session:
        pressed = (
            await session.execute(select(Message.text).where(Message.provider_message_id == "update:5"))
        ).scalar_one()
    assert pressed == "5"  # the customer's message is the button's value
