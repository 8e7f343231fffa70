"""The message that ends a web chat conversation carries ``"closes": true`` (live, replayed on a
new socket and over HTTP polling), so the widget can say the conversation is over; writing again
starts a new one whose frames carry no mark."""

from __future__ import annotations

from typing import Any

from bot.config import PhraseId, ServiceConfig
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, new_session
from tests.promises.support import run_due


def _closing(frames: list[dict[str, Any]]) -> list[str]:
    return [frame["text"] for frame in frames if frame.get("type") == "message" and frame.get("closes") is True]


async def _greeted(client: Any) -> tuple[str, ChatSocket]:
    token, _ = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    return token, socket


async def test_the_idle_close_is_marked_live_on_replay_and_when_polled(
    make_client: AppFactory, clock: FixedClock, service_config: ServiceConfig
) -> None:
    client = await make_client()
    token, socket = await _greeted(client)
    phrases = service_config.phrases["zh-CN"].phrases
    clock.advance(minutes=10)
    await run_due(client)
    await socket.until_bot_says(phrases[PhraseId.IDLE_PROMPT][:8])
    clock.advance(hours=1)
    await run_due(client)
    closing = await socket.until_bot_says(phrases[PhraseId.IDLE_CLOSE][:8])
    assert closing["closes"] is True
    assert _closing(socket.frames) == [closing["text"]]  # the prompt and the greeting are not marked

    again = await ChatSocket.open(client, token)  # a reload: the history is replayed
    await again.until_bot_says(phrases[PhraseId.IDLE_CLOSE][:8])
    assert _closing(again.frames) == [closing["text"]]
    polled = await client.get("/chat/messages?after=0", headers={"Authorization": f"Bearer {token}"})
    assert _closing((await polled.json())["messages"]) == [closing["text"]]

    # Writing again starts a new conversation (a new greeting after the customer's text), unmarked.
    await socket.send("你好,我又来了")
    await socket.until(lambda frames: sum("客服代表" in text for text in socket.bot_texts()) >= 2)
    assert _closing(socket.frames) == [closing["text"]]
    await again.close()
    await socket.close()


async def test_the_harassment_close_is_marked(
    make_client: AppFactory, clock: FixedClock, service_config: ServiceConfig
) -> None:
    client = await make_client()
    _, socket = await _greeted(client)
    await socket.send("约吗")
    warned = await socket.until_bot_says("不在我们的服务范围内")
    assert "closes" not in warned
    clock.advance(minutes=5)
    await run_due(client)
    closing = await socket.until_bot_says(service_config.phrases["zh-CN"].phrases[PhraseId.HARASSMENT_CLOSE])
    assert closing["closes"] is True
    await socket.close()


async def test_a_withdrawn_complaint_s_farewell_is_marked(make_client: AppFactory) -> None:
    client = await make_client()
    _, socket = await _greeted(client)
    await socket.send("小区电梯坏了三天了，没人管")
    await socket.until_bot_says("电话号码")
    await socket.send("算了 不投诉了 没用")
    asked = await socket.until_bot_says("确定不需要")
    assert "closes" not in asked
    await socket.send("对")
    farewell = await socket.until_bot_says("不为您登记投诉")
    await socket.caught_up()
    assert _closing(socket.frames) == [socket.bot_texts()[-1]]
    assert farewell["text"] in socket.bot_texts()
    await socket.close()
