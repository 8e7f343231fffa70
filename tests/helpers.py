"""Test helpers that act as a web chat customer would."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.keys import sessions_key
from bot.models import TimelineEvent


async def new_session(client: TestClient[Any, Any], locale: str = "zh-CN") -> tuple[str, int]:
    response = await client.post("/chat/session", json={"locale": locale})
    assert response.status == 201, await response.text()
    body = await response.json()
    return body["token"], body["conversation_id"]


class ChatSocket:
    """A customer's websocket: sends messages and collects every frame the server sends."""

    def __init__(self, socket: ClientWebSocketResponse) -> None:
        self.socket = socket
        self.frames: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, client: TestClient[Any, Any], token: str) -> ChatSocket:
        return cls(await client.ws_connect(f"/chat/ws?token={token}"))

    async def send(self, text: str, message_id: str | None = None) -> str:
        message_id = message_id or str(uuid.uuid4())
        await self.socket.send_json({"type": "message", "id": message_id, "text": text})
        return message_id

    async def until(self, predicate: Callable[[list[dict[str, Any]]], bool], timeout: float = 10) -> None:
        async def collect() -> None:
            while not predicate(self.frames):
                message = await self.socket.receive()
                if message.type is not WSMsgType.TEXT:
                    raise AssertionError(f"socket ended: {message.type} {message.data!r}")
                self.frames.append(message.json())

        try:
            await asyncio.wait_for(collect(), timeout)
        except TimeoutError as error:
            raise AssertionError(f"timed out; frames so far: {self.frames}") from error

    async def collect_for(self, seconds: float) -> None:
        """Take every frame that arrives within ``seconds`` (to show that something did not)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while (left := end - loop.time()) > 0:
            try:
                message = await asyncio.wait_for(self.socket.receive(), left)
            except TimeoutError:
                return
            if message.type is not WSMsgType.TEXT:
                raise AssertionError(f"socket ended: {message.type} {message.data!r}")
            self.frames.append(message.json())

    async def until_bot_says(self, fragment: str, timeout: float = 10) -> dict[str, Any]:
        await self.until(lambda frames: any(self._says(frame, fragment) for frame in frames), timeout)
        return next(frame for frame in self.frames if self._says(frame, fragment))

    async def until_acked(self, message_id: str, timeout: float = 10) -> None:
        await self.until(lambda frames: any(f == {"type": "ack", "id": message_id} for f in frames), timeout)

    @staticmethod
    def _says(frame: dict[str, Any], fragment: str) -> bool:
        return frame.get("type") == "message" and frame.get("from") == "bot" and fragment in frame["text"]

    def bot_texts(self) -> list[str]:
        return [f["text"] for f in self.frames if f.get("type") == "message" and f.get("from") == "bot"]

    async def close(self) -> None:
        await self.socket.close()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10, interval: float = 0.05) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(interval)


async def timeline_kinds(client: TestClient[Any, Any], conversation_id: int) -> list[str]:
    """The kinds of a conversation's timeline rows, oldest first."""
    async with client.app[sessions_key]() as session:
        rows = await session.execute(
            select(TimelineEvent.kind)
            .where(TimelineEvent.conversation_id == conversation_id)
            .order_by(TimelineEvent.id)
        )
        return list(rows.scalars())
