"""``python -m bot run`` alone, with no proxy in front, holds up against slow and idle connections:
one address cannot hold more than its share of connections, and a connection that sends no whole
request in time is closed, while a web chat websocket stays open (bot/web/connections.py)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis

from tests.processes import Instance, product_env

pytestmark = pytest.mark.one_database

CAP = 5


@contextlib.asynccontextmanager
async def app(database_url: str, redis_url: str, tmp_path: Path, **env: str) -> AsyncIterator[Instance]:
    instance = await Instance.start(product_env(database_url, redis_url, tmp_path / "var", **env), tmp_path / "app.log")
    try:
        yield instance
    finally:
        await instance.stop()


async def connect(instance: Instance, source: str = "127.0.0.1") -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    port = int(instance.base.rsplit(":", 1)[1])
    return await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bytes:
    """Everything the server sent before it closed the connection (asserting it did in time)."""
    received = b""
    async with asyncio.timeout(within):
        with contextlib.suppress(ConnectionResetError):
            while chunk := await reader.read(4096):
                received += chunk
    return received


async def healthz(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
    return await asyncio.wait_for(reader.readuntil(b'"ok"}'), 5)


async def test_one_address_over_its_cap_is_refused_and_other_addresses_are_not(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    env = {"BOT_MAX_CONNECTIONS_PER_ADDRESS": str(CAP), "BOT_REQUEST_HEADER_SECONDS": "60"}
    async with app(database_url, redis_url, tmp_path, **env) as instance:
        held = [await connect(instance) for _ in range(CAP)]  # idle, as a slow client's would be
        reader, _ = await connect(instance)
        refused = await closed_by_server(reader, within=5)
        assert refused.startswith(b"HTTP/1.1 429 "), refused

        other = await connect(instance, source="127.0.0.2")
        assert b"200 OK" in await healthz(*other)
        reader, _ = await connect(instance)
        assert (await closed_by_server(reader, within=5)).startswith(b"HTTP/1.1 429 ")  # still full

        _, writer = held.pop()
        writer.close()
        again = None
        deadline = time.monotonic() + 5
        while again is None and time.monotonic() < deadline:  # once the server has seen it close
            reader, writer = await connect(instance)
            try:
                again = await healthz(reader, writer)
            except (asyncio.IncompleteReadError, ConnectionResetError):
                await asyncio.sleep(0.05)
        assert again is not None and b"200 OK" in again
        for _, writer in [*held, other]:
            writer.close()


async def test_slow_headers_and_idle_connections_are_closed_but_a_web_chat_socket_is_not(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    env = {"BOT_REQUEST_HEADER_SECONDS": "1", "BOT_IDLE_CONNECTION_SECONDS": "6"}
    async with app(database_url, redis_url, tmp_path, **env) as instance, aiohttp.ClientSession() as http:
        async with http.post(f"{instance.base}/chat/session", json={}) as response:
            token = (await response.json())["token"]
        chat = await http.ws_connect(f"{instance.base}/chat/ws?token={token}")

        reader, writer = await connect(instance)
        started = time.monotonic()
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n")

        async def a_header_line_now_and_then() -> None:
            for number in range(100):
                await asyncio.sleep(0.2)
                writer.write(b"X-Slow-%d: 1\r\n" % number)

        dribbling = asyncio.create_task(a_header_line_now_and_then())
        assert await closed_by_server(reader, within=10) == b""
        dribbling.cancel()
        assert time.monotonic() - started < 5  # the header deadline, not the idle one (6 s)

        reader, writer = await connect(instance)
        assert b"200 OK" in await healthz(reader, writer)
        answered = time.monotonic()
        await closed_by_server(reader, within=15)  # kept alive, then idle
        assert 5 < time.monotonic() - answered < 12

        assert not chat.closed  # open past both deadlines
        await chat.send_json({"type": "message", "id": "a1", "text": "你好"})
        frame = await chat.receive(timeout=10)
        assert frame.type is aiohttp.WSMsgType.TEXT, frame
        await chat.close()
