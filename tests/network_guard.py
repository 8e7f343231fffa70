"""A pytest plugin that fails any test reaching the network (loopback and Unix sockets are fine).

Every way this process leaves the machine goes through a few socket calls, patched for the whole
session: ``socket.getaddrinfo`` / ``gethostbyname`` (a name other than ``localhost`` would be
looked up in DNS), ``socket.socket.connect`` / ``connect_ex`` / ``sendto`` (an address outside
127.0.0.0/8 and ::1), and the event loop's ``create_connection`` (its host, before any lookup).
asyncio, aiohttp, redis, httpx and requests all connect through these. The call raises
:class:`NetworkAccessBlocked` before the real one runs, so nothing is sent; and since product code
may catch and log the error, every blocked attempt is also recorded and fails the test at teardown.
Subprocesses the tests start (``python -m bot run``, Chromium) are not covered.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

LOCAL_NAMES = frozenset({"localhost", "localhost."})


class NetworkAccessBlocked(AssertionError):
    """A test tried to reach an address outside this machine."""


_blocked: list[str] = []
_lock = threading.Lock()
_originals: dict[tuple[Any, str], Callable[..., Any]] = {}


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine: ``localhost``, 127.0.0.0/8 or ::1 (also IPv4-mapped)."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _refuse(what: str) -> None:
    message = f"tests must not reach the network: {what} (only loopback and Unix sockets are allowed)"
    with _lock:
        _blocked.append(message)
    raise NetworkAccessBlocked(message)


def _check_lookup(host: Any, call: str) -> None:
    # A numeric address is not looked up: connecting to it is what gets checked.
    if host is None or host in ("", b""):
        return
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name.lower() not in LOCAL_NAMES and not _is_ip(name):
        _refuse(f"{call}({name!r}) would ask DNS")


def _check_address(family: int, address: Any, call: str) -> None:
    if family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets, netlink: never leave the machine
    host = address[0] if isinstance(address, tuple) else address
    name = host.decode() if isinstance(host, bytes) else str(host)
    if not is_loopback(name):
        port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
        _refuse(f"{call} to {name}:{port}")


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    _check_lookup(host, "getaddrinfo")
    return _originals[(socket, "getaddrinfo")](host, *args, **kwargs)


def _gethostbyname(host: str) -> str:
    _check_lookup(host, "gethostbyname")
    return str(_originals[(socket, "gethostbyname")](host))


def _gethostbyname_ex(host: str) -> Any:
    _check_lookup(host, "gethostbyname_ex")
    return _originals[(socket, "gethostbyname_ex")](host)


def _connect(self: socket.socket, address: Any) -> None:
    _check_address(self.family, address, "connect")
    _originals[(socket.socket, "connect")](self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(self.family, address, "connect_ex")
    return int(_originals[(socket.socket, "connect_ex")](self, address))


def _sendto(self: socket.socket, data: Any, *args: Any) -> int:
    address = args[-1]  # sendto(data, address) or sendto(data, flags, address)
    _check_address(self.family, address, "sendto")
    return int(_originals[(socket.socket, "sendto")](self, data, *args))


async def _create_connection(self: asyncio.AbstractEventLoop, *args: Any, **kwargs: Any) -> Any:
    host = args[1] if len(args) > 1 else kwargs.get("host")
    if host is not None and kwargs.get("sock") is None and not is_loopback(str(host)):
        port = args[2] if len(args) > 2 else kwargs.get("port")
        _refuse(f"create_connection to {host}:{port}")
    return await _originals[(asyncio.BaseEventLoop, "create_connection")](self, *args, **kwargs)


_PATCHES: tuple[tuple[Any, str, Callable[..., Any]], ...] = (
    (socket, "getaddrinfo", _getaddrinfo),
    (socket, "gethostbyname", _gethostbyname),
    (socket, "gethostbyname_ex", _gethostbyname_ex),
    (socket.socket, "connect", _connect),
    (socket.socket, "connect_ex", _connect_ex),
    (socket.socket, "sendto", _sendto),
    (asyncio.BaseEventLoop, "create_connection", _create_connection),
)


def install() -> None:
    for owner, name, replacement in _PATCHES:
        if (owner, name) not in _originals:
            _originals[(owner, name)] = getattr(owner, name)
            setattr(owner, name, replacement)


def uninstall() -> None:
    for owner, name, _ in _PATCHES:
        original = _originals.pop((owner, name), None)
        if original is not None:
            setattr(owner, name, original)


def take_blocked() -> list[str]:
    """The attempts blocked so far (for a test that makes one on purpose); forgets them."""
    with _lock:
        taken = list(_blocked)
        _blocked.clear()
    return taken


def pytest_configure(config: pytest.Config) -> None:
    install()


def pytest_unconfigure(config: pytest.Config) -> None:
    uninstall()


@pytest.fixture(autouse=True)
def no_network() -> Iterator[None]:
    """Fail the test if it tried to reach the network, even where the error was caught and logged."""
    take_blocked()
    yield
    if blocked := take_blocked():
        pytest.fail("\n".join(blocked), pytrace=False)
