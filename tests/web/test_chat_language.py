"""Web chat answers in the language the customer writes in, and the conversation keeps it
(issue 12, item 8): the stored locale is what timers, follow-ups and callbacks speak later."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.core.phrases import asks_for_traditional
from bot.keys import resources
from bot.storage.models import Conversation
from bot.understanding.model_settings import ModelSettings
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session, timeline_kinds
from tests.understanding.chat_server import API_KEY, MODEL, chat_server


async def stored_locale(client: Any, conversation_id: int) -> str:
    async with resources(client.app).sessions() as session:
        locale = await session.execute(select(Conversation.locale).where(Conversation.id == conversation_id))
        return locale.scalar_one()


async def test_an_english_message_switches_a_chinese_session_and_it_is_stored(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client, "zh-CN")
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("下午好")
    await socket.send("The street light outside my building has been broken for a week")
    await socket.until_bot_says("Could you please leave a phone number")
    assert await stored_locale(client, conversation_id) == "en"
    assert "locale_switched" in await timeline_kinds(client, conversation_id)

    await socket.send("13800138000")
    await socket.until_bot_says("Which residential community")
    await socket.send("阳光花园3栋的路灯")
    await socket.until_bot_says("我跟您确认一下")
    await socket.close()
    assert await stored_locale(client, conversation_id) == "zh-CN"
    assert (await timeline_kinds(client, conversation_id)).count("locale_switched") == 2


async def test_a_short_message_read_by_the_model_keeps_the_language(make_client: AppFactory) -> None:
    """The model's reading is made before the conversation is loaded: it may not decide the
    language of "ok" (the service default would switch an English session to Chinese)."""
    async with chat_server() as server:
        server.fail(503)
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=2))
        token, conversation_id = await new_session(client, "en")
        socket = await ChatSocket.open(client, token)
        await socket.until_bot_says("Good afternoon")
        await socket.send("The elevator in my building is broken")
        await socket.until_bot_says("Could you please leave a phone number")
        await socket.send("ok")
        await socket.until(lambda frames: len(socket.bot_texts()) >= 5)
        await socket.close()
    assert all(text.isascii() for text in socket.bot_texts()), socket.bot_texts()
    assert await stored_locale(client, conversation_id) == "en"
    assert "locale_switched" not in await timeline_kinds(client, conversation_id)


async def test_a_browser_reading_traditional_characters_is_greeted_and_answered_in_them(
    make_client: AppFactory,
) -> None:
    """A widget in Hong Kong asks for zh-HK: the Chinese phrases, shown in traditional characters
    from the greeting on, until the customer writes simplified characters."""
    client = await make_client()
    response = await client.post("/chat/session", json={"locale": "zh-HK"})
    assert response.status == 201, await response.text()
    body = await response.json()
    assert (body["locale"], body["traditional"]) == ("zh-CN", True)
    socket = await ChatSocket.open(client, body["token"])
    await socket.until_bot_says("為您服務")
    assert not any("为您服务" in text for text in socket.bot_texts())
    await socket.send("電梯壞了三天")
    await socket.until_bot_says("電話號碼")
    await socket.send("我用简体字写吧，电话13800138000")
    await socket.until_bot_says("请问您反映的问题发生在哪个小区")
    await socket.close()
    assert await stored_locale(client, body["conversation_id"]) == "zh-CN"


async def test_a_session_asked_in_simplified_or_another_language_is_not_traditional(make_client: AppFactory) -> None:
    client = await make_client()
    for asked, locale in (("zh-CN", "zh-CN"), ("en-GB", "en"), ("fr-FR", "zh-CN")):
        response = await client.post("/chat/session", json={"locale": asked})
        body = await response.json()
        assert (body["locale"], body["traditional"]) == (locale, False), asked


@pytest.mark.parametrize(
    ("tag", "traditional"),
    [
        ("zh-TW", True),
        ("zh-hk", True),
        ("zh_MO", True),
        ("zh-Hant", True),
        ("zh-Hant-TW", True),
        ("zh-Hans-HK", False),  # simplified characters, written in Hong Kong
        ("zh-CN", False),
        ("zh-SG", False),
        ("zh", False),
        ("en-HK", False),
        (None, False),
    ],
)
def test_which_language_tags_ask_for_traditional_characters(tag: str | None, traditional: bool) -> None:
    assert asks_for_traditional(tag) is traditional
