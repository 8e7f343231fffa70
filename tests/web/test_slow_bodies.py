"""A client that sends a body a byte at a time (slow loris) is answered 408 and let go once the
body's time is up, on every route with a body, photo uploads too; one that sends in time is served."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import pytest

from tests.conftest import AppFactory
from tests.helpers import new_session
from tests.media.uploads import MULTIPART


async def trickled(client: Any, head: bytes, every: float = 0.2) -> tuple[str, float]:
    """The status line for a request whose body never ends but keeps coming, a byte every
    ``every`` seconds, and how long until the server closed the connection. The server closes
    it with the client's bytes still unread, so its 408 may be lost to the reset that follows
    (then the status is "reset")."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    started = time.perf_counter()

    async def trickle() -> None:
        with contextlib.suppress(ConnectionError):
            while True:
                writer.write(b"x")
                await writer.drain()
                await asyncio.sleep(every)

    writer.write(head + b"\r\n")
    feeding = asyncio.create_task(trickle())
    status = "reset"
    try:
        status = (await asyncio.wait_for(reader.readline(), 20)).decode().strip()
        await asyncio.wait_for(reader.read(), 10)  # to the end: the server closes the connection
    except ConnectionResetError:
        pass
    finally:
        feeding.cancel()
        writer.close()
    return status, time.perf_counter() - started


async def test_a_json_body_trickling_in_is_cut_off_when_its_time_is_up(make_client: AppFactory) -> None:
    client = await make_client(body_read_seconds=1.0)
    head = b"POST /chat/session HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n"
    status, took = await trickled(client, head)
    assert status.startswith("HTTP/1.1 408") or status == "reset", status
    assert 0.9 < took < 10
    # Everyone else is served as before, and a body sent in time is read as usual.
    response = await client.post("/chat/session", json={"locale": "en"})
    assert response.status == 201


async def test_a_photo_trickling_in_is_cut_off_when_the_uploads_time_is_up(make_client: AppFactory) -> None:
    client = await make_client(upload_read_seconds=1.0)
    token, _ = await new_session(client)
    head = (
        b"POST /chat/media HTTP/1.1\r\nHost: test\r\n"
        + f"Authorization: Bearer {token}\r\nContent-Type: {MULTIPART}\r\nContent-Length: 200000\r\n".encode()
    )
    status, took = await trickled(client, head)
    assert status.startswith("HTTP/1.1 408") or status == "reset", status
    assert 0.9 < took < 10


async def test_a_body_claiming_to_be_a_photo_gets_the_bodys_time_on_a_route_that_takes_no_photo(
    make_client: AppFactory,
) -> None:
    client = await make_client(body_read_seconds=1.0, upload_read_seconds=60.0)
    head = (
        b"POST /chat/session HTTP/1.1\r\nHost: test\r\n"
        + f"Content-Type: {MULTIPART}\r\nContent-Length: 100000\r\n".encode()
    )
    status, took = await trickled(client, head)
    assert status.startswith("HTTP/1.1 408") or status == "reset", status
    assert took < 10


async def test_a_body_that_cannot_be_read_is_a_bad_request_not_a_server_error(
    make_client: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = await make_client()
    with caplog.at_level(logging.ERROR):
        response = await client.post(
            "/chat/session", data=b"abcde", headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
        )
        assert response.status == 400
        assert "cannot be read" in (await response.json())["error"]
        served = await client.post("/chat/session", json={})  # the next request, on a new connection
        assert served.status in (200, 201)
    # The client's broken body is no error of the server's: nothing logged as one (aiohttp draining
    # the rest of the body after the answer logged "Unhandled exception").
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_the_bodys_time_comes_from_the_environment() -> None:
    from bot.settings import Settings

    settings = Settings.from_env({"BOT_BODY_READ_SECONDS": "5", "BOT_UPLOAD_READ_SECONDS": "60"})
    assert (settings.body_read_seconds, settings.upload_read_seconds) == (5.0, 60.0)
    assert (Settings.from_env({}).body_read_seconds, Settings.from_env({}).upload_read_seconds) == (30.0, 120.0)
