"""One customer cannot hold the model against the others (``bot/core/read_ahead.py``).

A text that makes the model slow holds up only its own conversation: another customer writing
meanwhile is answered at once, with the model's reading. And a conversation has at most one model
call in flight: what its customer sends while it runs is read by the rules alone, not queued for the
model. The model is a real local chat-completions server holding the slow text's request.
"""

from __future__ import annotations

import asyncio

from bot.understanding.model_settings import ModelSettings
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.understanding.chat_server import API_KEY, MODEL, ChatServer, chat_server

SLOW = "怪味"
"""The fake model holds every request about a text with this in it until released."""


async def _greeted(client: object) -> tuple[ChatSocket, int]:
    token, conversation_id = await new_session(client)  # type: ignore[arg-type]
    socket = await ChatSocket.open(client, token)  # type: ignore[arg-type]
    await socket.caught_up()
    return socket, conversation_id


def _asked_about(server: ChatServer, fragment: str) -> int:
    return sum(1 for request in server.requests if fragment in request.user_text)


async def test_a_slow_reading_holds_up_only_its_own_conversation(make_client: AppFactory) -> None:
    async with chat_server() as server:
        # Danger: acted on for the smell (its words hint at it), only suggested for the street light.
        server.answer_object({"intents": ["complaint"], "signals": ["danger"], "slots": {"address": "西门口"}})
        server.hold_texts(SLOW)
        client = await make_client(llm=ModelSettings(server.base_url, MODEL, api_key=API_KEY, timeout_seconds=8))
        slow, _ = await _greeted(client)
        other, _ = await _greeted(client)

        await slow.send("楼道里有股怪味 阳光花园3栋")
        async with asyncio.timeout(5):
            await server.wait_for(lambda s: _asked_about(s, SLOW) == 1)
        for text in ("好难闻 有股怪味", "你们快来看看 怪味越来越重"):
            await slow.send(text)
        await other.send("小区的路灯坏了一个星期，就在我们那个西门口，电话13800138000")

        await other.until_bot_says("请问西门口是哪个小区的呢")  # the model's reading, while the slow one is held
        assert server.in_flight == 1 and _asked_about(server, SLOW) == 1
        assert len(slow.bot_texts()) == 2  # the greeting only: its conversation waits for its reading

        server.release()
        await slow.until_bot_says("请您先确保人身安全")
        await slow.collect_for(0.5)
        assert _asked_about(server, SLOW) == 1  # the texts sent meanwhile were not queued for the model
        for socket in (slow, other):
            await socket.close()
