"""A local server speaking the OpenAI chat-completions protocol, whose answers each test sets."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from opencc import OpenCC

from bot.config import Classification
from bot.understanding.model import ModelUnderstander
from bot.understanding.model_settings import ModelSettings

MODEL, API_KEY = "qwen2.5:7b-instruct", "sk-test-key"
TIMEOUT = 0.2
"""For the tests where the model is too slow on purpose."""
ANSWER_TIMEOUT = 5.0
"""For the others: generous, so a loaded machine never turns an answer into a timeout."""
TO_SIMPLIFIED = OpenCC("t2s").convert


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def system_prompt(self) -> str:
        return str(self.body["messages"][0]["content"])

    @property
    def user_text(self) -> str:
        return str(self.body["messages"][1]["content"])


Behaviour = Callable[[], Awaitable[web.StreamResponse]]


def completion(content: str | None) -> dict[str, Any]:
    """The standard non-streamed chat completion carrying ``content``."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


class ChatServer:
    """Records every request; answers with the current behaviour (default: an empty understanding).

    ``hold()`` makes requests wait until ``release()``, ``hold_texts(fragment)`` only those about a
    text containing ``fragment``; ``in_flight`` counts those being answered.
    """

    def __init__(self) -> None:
        self.requests: list[SeenRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.finished = 0
        self._behaviour: Behaviour = lambda: self._json(completion(json.dumps({"intents": []})))
        self._held = asyncio.Event()
        self._held.set()
        self._held_fragment: str | None = None
        self._changed = asyncio.Condition()
        self.server = TestServer(self._app())

    @property
    def base_url(self) -> str:
        return str(self.server.make_url("/v1"))

    def answer(self, content: str | None) -> None:
        self._behaviour = lambda: self._json(completion(content))

    def answer_object(self, answer: object) -> None:
        self.answer(json.dumps(answer, ensure_ascii=False))

    def fail(self, status: int, body: str = "") -> None:
        error = {"error": {"message": body or f"status {status}", "type": "server_error", "code": None}}
        self._behaviour = lambda: self._json(error, status=status)

    def respond(self, response: Callable[[], web.StreamResponse]) -> None:
        async def behaviour() -> web.StreamResponse:
            return response()

        self._behaviour = behaviour

    def hold(self) -> None:
        self._held.clear()

    def hold_texts(self, fragment: str) -> None:
        self._held_fragment = fragment
        self._held.clear()

    def release(self) -> None:
        self._held_fragment = None
        self._held.set()

    async def wait_for(self, condition: Callable[[ChatServer], bool]) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: condition(self))

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        seen = SeenRequest(request.path, dict(request.headers), await request.json())
        async with self._changed:
            self.requests.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._changed.notify_all()
        try:
            if self._held_fragment is None or self._held_fragment in seen.user_text:
                await self._held.wait()
            return await self._behaviour()
        finally:
            async with self._changed:
                self.in_flight -= 1
                self.finished += 1
                self._changed.notify_all()

    @staticmethod
    async def _json(body: object, status: int = 200) -> web.StreamResponse:
        return web.json_response(body, status=status)


@asynccontextmanager
async def chat_server() -> AsyncIterator[ChatServer]:
    server = ChatServer()
    await server.server.start_server()
    try:
        yield server
    finally:
        server.release()
        await server.server.close()


class ManualClock:
    """The breaker's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@asynccontextmanager
async def understander(
    base_url: str,
    classification: Classification,
    clock: Callable[[], float] | None = None,
    **overrides: Any,
) -> AsyncIterator[ModelUnderstander]:
    options: dict[str, Any] = {"api_key": API_KEY, "timeout_seconds": ANSWER_TIMEOUT, **overrides}
    settings = ModelSettings(base_url=base_url, model=MODEL, **options)
    client = ModelUnderstander(settings, classification, TO_SIMPLIFIED, **({"monotonic": clock} if clock else {}))
    try:
        yield client
    finally:
        await client.aclose()


@contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound, never listening, held for the block."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()
