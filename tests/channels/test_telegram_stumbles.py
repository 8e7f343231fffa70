"""Telegram where customers stumbled: a photo whose caption is the complaint, a voice message
first, an edited message, an old button pressed again, and long emoji-heavy replies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.keys import resources
from bot.settings import TelegramBotSettings
from bot.storage.models import Media, Message
from tests.channels.telegram_helpers import (
    SECRET,
    TOKEN,
    FakeBotApi,
    button_press,
    edited_update,
    fake_bot_app,
    photo_update,
    update,
    voice_update,
)
from tests.channels.wechat_helpers import queue_late_message
from tests.conftest import AppFactory
from tests.helpers import eventually, sent_containing, settled
from tests.media.images import photo


@pytest.fixture
async def telegram(make_client: AppFactory) -> AsyncIterator[tuple[Any, FakeBotApi]]:
    api = FakeBotApi()
    server = TestServer(fake_bot_app(api))
    await server.start_server()
    client = await make_client(
        telegram=TelegramBotSettings(TOKEN, SECRET, str(server.make_url("")).rstrip("/")), in_process_worker=True
    )
    yield client, api
    await server.close()


async def post(client: Any, payload: dict[str, Any]) -> Any:
    response = await client.post(
        "/channels/telegram", json=payload, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status == 200
    return await response.json()


async def inbound_count(client: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(func.count()).where(Message.direction == "in"))).scalar_one())


async def test_a_photo_sent_first_with_the_complaint_as_caption_is_read_and_greeted(
    telegram: tuple[Any, FakeBotApi],
) -> None:
    client, api = telegram
    api.files["AgACcorridor"] = photo("JPEG", (640, 480), "gray")
    await post(client, photo_update(500, "AgACcorridor", caption="你看看这个楼道 全是电动车 堵死了 消防通道！！"))
    texts = await sent_containing(api, "电话")  # the complaint taken: its phone asked for
    assert "客服代表" in texts[0]
    assert not any("用文字" in text for text in texts)

    async def linked() -> bool:
        async with resources(client.app).sessions() as session:
            return (await session.execute(select(func.count()).select_from(Media))).scalar_one() == 1

    await eventually(linked, timeout=15)


async def test_a_voice_message_first_is_greeted_and_asked_for_words_without_a_promise(
    telegram: tuple[Any, FakeBotApi],
) -> None:
    client, api = telegram
    await post(client, voice_update(510))
    texts = await sent_containing(api, "用文字")
    assert "客服代表" in texts[0]
    assert not any("相关工作人员" in text for text in texts)


async def test_edits_are_answered_once_asking_for_the_correction_as_a_new_message(
    telegram: tuple[Any, FakeBotApi],
) -> None:
    client, api = telegram
    await post(client, update(520, "小区电梯坏了"))
    await sent_containing(api, "电话")
    await post(client, edited_update(521, 520, "小区电梯坏了三天了"))
    await post(client, edited_update(522, 520, "小区2号楼电梯坏了三天了"))
    await settled(client)
    assert sum("重新发送" in text for text in api.texts()) == 1
    await post(client, update(523, "13800138000"))
    await sent_containing(api, "地址")  # the form goes on where it was


async def test_start_in_the_middle_asks_the_current_question_again(telegram: tuple[Any, FakeBotApi]) -> None:
    client, api = telegram
    await post(client, update(530, "小区电梯坏了"))
    await sent_containing(api, "电话")
    await post(client, update(531, "/start"))
    await settled(client)
    assert sum("电话号码" in text for text in api.texts()) == 2


async def test_a_button_of_an_earlier_question_is_answered_as_stale_and_changes_nothing(
    telegram: tuple[Any, FakeBotApi],
) -> None:
    client, api = telegram
    for update_id, (text, answer) in enumerate(
        (("小区门口的路灯坏了一个星期了", "电话"), ("13800138000", "地址"), ("阳光花园5栋", "是否正确")), start=540
    ):
        await post(client, update(update_id, text))
        await sent_containing(api, answer)
    assert await post(client, button_press(550, "对")) == {
        "method": "answerCallbackQuery",
        "callback_query_id": "cq550",
    }
    await sent_containing(api, "投诉编号")
    await settled(client)
    stored, sent = await inbound_count(client), len(api.texts())
    again = await post(client, button_press(551, "对"))
    assert again["method"] == "answerCallbackQuery" and again["callback_query_id"] == "cq551"
    assert "过期" in again["text"]
    await settled(client)
    assert (await inbound_count(client), len(api.texts())) == (stored, sent)


async def test_a_long_emoji_reply_is_split_within_4096_utf16_units_at_sentences(
    telegram: tuple[Any, FakeBotApi],
) -> None:
    client, api = telegram
    await post(client, update(560, "小区电梯坏了"))
    await sent_containing(api, "电话")
    before = len(api.texts())
    reply = "维修师傅已到场😀👍，请您放心🙏。" * 250  # 4000 characters, 4750 UTF-16 units
    await queue_late_message(client, resources(client.app).clock(), reply, channel="telegram")

    # A send that timed out on a loaded machine is tried again after its backoff: settled waits for it.
    await settled(client, timeout=30)
    pieces = api.texts()[before:]
    assert len(pieces) == 2
    assert all(len(piece.encode("utf-16-le")) // 2 <= 4096 and piece.endswith("。") for piece in pieces)
    assert "".join(pieces) == reply


async def test_a_long_reply_whose_second_piece_failed_for_now_goes_on_from_that_piece(
    telegram: tuple[Any, FakeBotApi],
) -> None:
    client, api = telegram
    await post(client, update(570, "小区电梯坏了"))
    await sent_containing(api, "电话")
    await settled(client)
    before = len(api.texts())
    reply = "维修师傅已到场😀👍，请您放心🙏。" * 500  # 8000 characters, 9500 UTF-16 units: three pieces
    api.fail_once_at = len(api.sent) + 1  # the second piece meets a 502 Bad Gateway
    await queue_late_message(client, resources(client.app).clock(), reply, channel="telegram")

    await settled(client, timeout=30)  # the retry after its backoff
    assert api.fail_once_at is None
    pieces = api.texts()[before:]
    assert len(pieces) == 3 and "".join(pieces) == reply  # each piece once, in order
