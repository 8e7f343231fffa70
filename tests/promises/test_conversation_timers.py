"""Idle close (1 h) and harassment close (5 min) as deferred jobs, cancelled by a timely answer."""

from __future__ import annotations

from typing import Any

from bot.config import PhraseId, ServiceConfig
from bot.keys import resources
from bot.storage.models import Conversation
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket, new_session, settled
from tests.promises.support import run_due


async def _status(client: Any, conversation_id: int) -> tuple[str, str | None]:
    async with resources(client.app).sessions() as session:
        found = await session.get(Conversation, conversation_id)
        assert found is not None
        return found.status, found.closed_reason


async def _greeted(client: Any) -> tuple[int, ChatSocket]:
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    return conversation_id, socket


async def test_idle_close_fires_when_the_customer_stays_silent(
    make_client: AppFactory, clock: FixedClock, service_config: ServiceConfig
) -> None:
    client = await make_client()
    conversation_id, socket = await _greeted(client)
    phrases = service_config.phrases["zh-CN"].phrases
    clock.advance(minutes=10)
    await run_due(client)
    await socket.until_bot_says(phrases[PhraseId.IDLE_PROMPT][:8])
    clock.advance(minutes=59)
    await run_due(client)
    assert await _status(client, conversation_id) == ("open", None)
    clock.advance(minutes=1)
    await run_due(client)
    await socket.until_bot_says(phrases[PhraseId.IDLE_CLOSE][:8])
    assert await _status(client, conversation_id) == ("closed", "idle")
    await socket.close()


async def test_an_answer_after_the_prompt_cancels_the_idle_close(
    make_client: AppFactory, clock: FixedClock, service_config: ServiceConfig
) -> None:
    client = await make_client()
    conversation_id, socket = await _greeted(client)
    phrases = service_config.phrases["zh-CN"].phrases
    clock.advance(minutes=10)
    await run_due(client)
    await socket.until_bot_says(phrases[PhraseId.IDLE_PROMPT][:8])
    await socket.send("楼道的灯坏了")
    await socket.until_bot_says("电话")
    clock.advance(hours=1)  # the cancelled close's time (the re-armed prompt fires meanwhile)
    await run_due(client)
    assert await _status(client, conversation_id) == ("open", None)
    await settled(client, sockets=[socket])
    assert not any(phrases[PhraseId.IDLE_CLOSE][:8] in text for text in socket.bot_texts())
    await socket.close()


async def test_harassment_closes_after_five_minutes(
    make_client: AppFactory, clock: FixedClock, service_config: ServiceConfig
) -> None:
    client = await make_client()
    conversation_id, socket = await _greeted(client)
    await socket.send("约吗")
    await socket.until_bot_says("不在我们的服务范围内")
    clock.advance(minutes=4, seconds=59)
    await run_due(client)
    assert await _status(client, conversation_id) == ("open", None)
    clock.advance(seconds=1)
    await run_due(client)
    await socket.until_bot_says(service_config.phrases["zh-CN"].phrases[PhraseId.HARASSMENT_CLOSE])
    assert await _status(client, conversation_id) == ("closed", "harassment")
    await socket.close()


async def test_a_real_question_in_time_cancels_the_harassment_close(
    make_client: AppFactory, clock: FixedClock, service_config: ServiceConfig
) -> None:
    client = await make_client()
    conversation_id, socket = await _greeted(client)
    await socket.send("约吗")
    await socket.until_bot_says("不在我们的服务范围内")
    clock.advance(minutes=2)
    await socket.send("小区停水了,什么时候来水")
    await socket.until_bot_says("电话")
    clock.advance(minutes=5)
    await run_due(client)
    assert await _status(client, conversation_id) == ("open", None)
    assert service_config.phrases["zh-CN"].phrases[PhraseId.HARASSMENT_CLOSE] not in socket.bot_texts()
    await socket.close()
