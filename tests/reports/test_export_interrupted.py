"""A manager who stops an export's download (closes the tab, cancels it) leaves one info line in
the log, the client gone, not an error with a traceback; the export is still audited, as stopped."""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from structlog.testing import capture_logs

from bot.app import create_app
from bot.config import ServiceConfig
from bot.core.engine import ConversationEngine
from bot.keys import resources
from bot.settings import Settings
from bot.staff.auth import COOKIE_NAME
from tests.audit.support import logged
from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually
from tests.reports.cases import add_manager
from tests.reports.many import store_cases


@pytest.fixture
async def served_port(
    settings: Settings, service_config: ServiceConfig, clock: FixedClock, conversation_engine: ConversationEngine
) -> AsyncIterator[int]:
    """An instance served as ``python -m bot`` serves it: a handler runs on when its client goes
    (the test server would cancel it instead)."""
    app = create_app(settings.with_overrides(instance_id="served"), service_config, clock, engine=conversation_engine)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield runner.addresses[0][1]
    await runner.cleanup()


async def _ask_and_hang_up(port: int, path: str, cookie: str) -> None:
    """Ask for the file and, once its headers came, reset the connection: the client is gone. Its
    small receive buffer keeps the file from being sent whole before."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nCookie: {COOKIE_NAME}={cookie}\r\n\r\n".encode())
    await writer.drain()
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@pytest.mark.parametrize("path", ["/api/cases.csv", "/api/cases.xlsx"])
async def test_an_export_whose_download_is_stopped_is_an_info_line_not_an_error(
    make_client: AppFactory, served_port: int, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    client = await make_client()
    await add_manager(client)
    await store_cases(client, resources(client.app).clock(), 3000)
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE_NAME].value

    with capture_logs() as lines, caplog.at_level(logging.INFO):
        await _ask_and_hang_up(served_port, path, cookie)
        await eventually(lambda: _exported(client))

    assert [line for line in lines if line["log_level"] in ("error", "critical", "exception")] == []
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
    [gone] = [line for line in lines if line["event"] == "export.client_gone"]
    assert gone["log_level"] == "info"
    assert "exc_info" not in gone
    [entry] = await logged(client, "export")
    assert (entry.status, entry.detail.get("client_gone")) == (200, True)


async def _exported(client: object) -> bool:
    return bool(await logged(client, "export"))
