"""A web chat customer whose connection goes while the server is answering (the page closed
mid-reply, a phone losing its network): what they sent is stored and the reply waits in the
history, and the server logs no error ("Cannot write to closing transport") for it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from bot.keys import resources, webchat_hub
from bot.storage.models import Message
from tests.conftest import AppFactory
from tests.helpers import eventually, new_session


async def _customer_texts(client: Any, conversation_id: int) -> list[str]:
    async with resources(client.app).sessions() as session:
        texts = await session.execute(
            select(Message.text).where(Message.conversation_id == conversation_id, Message.sender == "customer")
        )
        return [text for text in texts.scalars() if text]


async def test_a_socket_gone_before_the_ack_is_no_error_and_the_message_is_kept(
    make_client: AppFactory, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await make_client()
    # As the service runs (aiohttp's default, bot.web.connections): a connection lost does not
    # cancel its handler, which goes on to write to it. The test server cancels it.
    client.server.runner.server.handler_cancellation = False  # type: ignore[union-attr]
    token, conversation_id = await new_session(client)
    socket = await client.ws_connect(f"/chat/ws?token={token}")
    await socket.receive_json(timeout=10)  # the greeting: the socket is served
    pipeline = resources(client.app).pipeline
    submit = type(pipeline).submit
    stored, gone, answered = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def submit_then_wait(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = await submit(self, *args, **kwargs)
            stored.set()
            await gone.wait()  # the customer's connection went before the ack could be written
            return result
        finally:
            answered.set()

    monkeypatch.setattr(type(pipeline), "submit", submit_then_wait)
    await socket.send_json({"type": "message", "id": str(uuid.uuid4()), "text": "小区电梯坏了"})
    await asyncio.wait_for(stored.wait(), timeout=10)
    socket._response.connection.transport.abort()  # type: ignore[union-attr]  # the network went
    await asyncio.sleep(0.1)
    gone.set()
    await asyncio.wait_for(answered.wait(), timeout=10)

    async def handler_done() -> bool:
        return not any(True for _ in webchat_hub(client.app).sockets())

    await eventually(handler_done)
    assert await _customer_texts(client, conversation_id) == ["小区电梯坏了"]
    errors = [record for record in caplog.records if record.levelname in ("ERROR", "CRITICAL")]
    assert [record.getMessage() for record in errors] == []
