"""The network guard: a test that tries to leave the machine fails before anything is sent."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.network_guard import NetworkAccessBlocked, take_blocked

pytest_plugins = ("pytester",)

PUBLIC = ("93.184.216.34", 80)


def test_a_connection_to_a_public_address_is_refused_before_it_is_made() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        with pytest.raises(NetworkAccessBlocked, match=r"connect to 93\.184\.216\.34:80"):
            sock.connect(PUBLIC)
        with pytest.raises(OSError):
            sock.getpeername()  # the real connect never ran: the socket has no peer
        assert sock.connect_ex(("127.0.0.1", 1)) != 0  # loopback still goes through (nothing listens)
        with pytest.raises(NetworkAccessBlocked, match="connect_ex"):
            sock.connect_ex(("::ffff:93.184.216.34", 80))
    assert len(take_blocked()) == 2


def test_a_name_is_not_looked_up_and_an_ipv6_or_udp_packet_does_not_leave() -> None:
    with pytest.raises(NetworkAccessBlocked, match=r"getaddrinfo\('example.com'\) would ask DNS"):
        socket.getaddrinfo("example.com", 80)
    with pytest.raises(NetworkAccessBlocked, match="gethostbyname"):
        socket.gethostbyname("example.com")
    with pytest.raises(NetworkAccessBlocked, match="would ask DNS"):
        socket.create_connection(("example.com", 80), timeout=1)
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock, pytest.raises(NetworkAccessBlocked):
        sock.connect(("2606:2800:220:1:248:1893:25c8:1946", 80))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(NetworkAccessBlocked, match="sendto"):
        sock.sendto(b"\0" * 12, ("8.8.8.8", 53))
    assert len(take_blocked()) == 5
    assert socket.getaddrinfo("localhost", 80)  # /etc/hosts, no DNS


async def test_asyncio_and_aiohttp_are_refused_and_loopback_still_works() -> None:
    with pytest.raises(NetworkAccessBlocked, match=r"create_connection to 93\.184\.216\.34:80"):
        await asyncio.open_connection(*PUBLIC)
    async with aiohttp.ClientSession() as http:
        with pytest.raises(NetworkAccessBlocked):
            await http.get("http://example.com/")
    assert len(take_blocked()) == 2

    async def here(request: web.Request) -> web.Response:
        return web.Response(text="here")

    app = web.Application()
    app.router.add_get("/", here)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            for host in ("127.0.0.1", "localhost"):
                async with http.get(f"http://{host}:{server.port}/") as response:
                    assert await response.text() == "here"
    finally:
        await server.close()


def test_a_unix_socket_is_allowed(tmp_path: Path) -> None:
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen()
        client.connect(path)


def test_an_attempt_the_code_swallows_still_fails_the_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
        import socket

        def test_swallows_the_error():
            try:
                socket.create_connection(("93.184.216.34", 80), timeout=1)
            except Exception:
                pass  # as product code that logs a failed send and carries on
        """
    )
    root = str(Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = pytester.runpytest_subprocess("-p", "tests.network_guard", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*tests must not reach the network: connect to 93.184.216.34:80*"])
