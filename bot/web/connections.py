"""The app's own guard on its connections, for when no reverse proxy stands in front of it (what
``deploy/nginx.conf`` does with ``limit_conn`` and ``client_header_timeout``): slow or idle
connections from one address cannot use up the process's file descriptors.

- At most ``per_address`` connections open at once from one client address (HTTP and websockets,
  counted by this instance in memory, by :meth:`ClientAddresses.connection_key`: an IPv6 client by
  its /64, a trusted proxy not at all); one more is answered ``429`` and closed at once, and other
  addresses are untouched.
- A connection's first request must have sent its headers within ``header_seconds`` of connecting
  (a slow loris sending a header line every few seconds is closed then).
- aiohttp's keep-alive timeout (``idle_seconds``, given to the runner by :func:`serve`) closes a
  connection that has not sent a whole next request by then after its last answer, and one that
  sent nothing at all.

Neither deadline touches a request being answered: a websocket (the web chat's, the consoles')
lives as long as its own ping says."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from typing import Any

import structlog
from aiohttp import web

from bot.settings import ConnectionLimits
from bot.web.client_address import ClientAddresses

log = structlog.get_logger(__name__)

_TOO_MANY = b'{"error": "too many connections from this address"}'
_REFUSAL = (
    b"HTTP/1.1 429 Too Many Requests\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Length: " + str(len(_TOO_MANY)).encode() + b"\r\n"
    b"Retry-After: 10\r\n"
    b"Connection: close\r\n\r\n" + _TOO_MANY
)
_HEADERS_END = (b"\n\r\n", b"\n\n")
"""An empty line ends the headers (a bare LF too, which the parser accepts)."""


class ConnectionGuard:
    """Counts the open connections of each client address and gives each its header deadline."""

    def __init__(self, limits: ConnectionLimits, addresses: ClientAddresses) -> None:
        self.limits = limits
        self._addresses = addresses
        self._open: dict[str, int] = {}
        self._refusing: set[str] = set()

    def protocols(self, make: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        """A protocol factory for ``loop.create_server`` guarding each protocol ``make`` makes."""
        return lambda: _Guarded(self, make())

    def open_connections(self, key: str) -> int:
        return self._open.get(key, 0)

    def _admit(self, transport: asyncio.BaseTransport) -> tuple[bool, str | None]:
        peer: Any = transport.get_extra_info("peername")
        key = self._addresses.connection_key(peer[0] if isinstance(peer, tuple) else str(peer or ""))
        if key is None:
            return True, None
        count = self._open.get(key, 0)
        if count >= self.limits.per_address:
            if key not in self._refusing:  # logged once each time the address reaches the cap
                self._refusing.add(key)
                log.warning("connections.refused", address=key, open=count, why="the most one address may hold")
            return False, None
        self._open[key] = count + 1
        return True, key

    def _release(self, key: str) -> None:
        count = self._open[key] - 1
        if count:
            self._open[key] = count
        else:
            del self._open[key]
        if count < self.limits.per_address:
            self._refusing.discard(key)


class _Guarded(asyncio.Protocol):
    """aiohttp's protocol for one connection, counted against its address and timed until the
    first request's headers end; everything else passes straight to it."""

    __slots__ = ("_guard", "_header_timer", "_inner", "_key", "_tail")

    def __init__(self, guard: ConnectionGuard, inner: asyncio.Protocol) -> None:
        self._guard = guard
        self._inner: asyncio.Protocol | None = inner
        self._key: str | None = None
        self._header_timer: asyncio.TimerHandle | None = None
        self._tail = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        admitted, self._key = self._guard._admit(transport)
        if not admitted:
            self._inner = None
            if isinstance(transport, asyncio.WriteTransport):
                transport.write(_REFUSAL)
            transport.close()
            return
        loop = asyncio.get_running_loop()
        self._header_timer = loop.call_later(self._guard.limits.header_seconds, transport.close)
        assert self._inner is not None
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self._inner is None:
            return
        if self._header_timer is not None:
            seen = self._tail + data
            if any(end in seen for end in _HEADERS_END):
                self._header_timer.cancel()
                self._header_timer = None
                self._tail = b""
            else:
                self._tail = seen[-2:]
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        if self._key is not None:
            self._guard._release(self._key)
            self._key = None
        inner, self._inner = self._inner, None
        if inner is not None:
            inner.connection_lost(exc)


class _GuardedSite(web.BaseSite):
    """aiohttp's ``TCPSite``, its connections made through the guard."""

    __slots__ = ("_guard", "_host", "_port")

    def __init__(self, runner: web.AppRunner, host: str, port: int, guard: ConnectionGuard) -> None:
        super().__init__(runner)
        self._host, self._port, self._guard = host, port, guard

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None
        factory = self._guard.protocols(server)
        self._server = await asyncio.get_running_loop().create_server(
            factory, self._host, self._port, backlog=self._backlog
        )


def serve(
    app: web.Application,
    host: str,
    port: int,
    guard: ConnectionGuard,
    *,
    shutdown_timeout: float = 15.0,
    **handler_options: Any,
) -> None:
    """``web.run_app`` for one TCP address, through ``guard``, until SIGTERM or SIGINT.
    ``handler_options`` go to aiohttp's request handler (``access_log_class``)."""

    async def run() -> None:
        runner = web.AppRunner(
            app,
            handle_signals=False,
            shutdown_timeout=shutdown_timeout,
            keepalive_timeout=guard.limits.idle_seconds,
            **handler_options,
        )
        await runner.setup()
        try:
            await _GuardedSite(runner, host, port, guard).start()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signal_number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signal_number, stop.set)
            await stop.wait()
        finally:
            # Before asyncio.run cancels the rest: the app's own tasks finish their work in it.
            await runner.cleanup()

    asyncio.run(run())
