"""One heartbeat for all the web chat sockets of a process, instead of aiohttp's per socket.

aiohttp's ``heartbeat=`` keeps two timer handles per socket (the next ping, the pong's deadline),
each with its own copy of the context, and grows every socket's attribute table: about 1.6 KiB of
the memory of an idle connection, of which there may be tens of thousands
(``bench/idle_memory.py``). Here one task pings every open socket each round; a socket from which
nothing at all (the pong included) has arrived by the next round is closed, as a connection
whose customer went away without closing it (a phone that lost its network, a laptop closed)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable

import structlog
from aiohttp import WSCloseCode, web

log = structlog.get_logger(__name__)

SOCKETS_PER_PAUSE = 500
"""Pings sent before letting other work run: a round over tens of thousands of sockets would
otherwise hold the event loop for a noticeable time."""


class SocketHeartbeat:
    """Which sockets were pinged and have not been heard from since."""

    def __init__(self, sockets: Callable[[], Iterable[web.WebSocketResponse]]) -> None:
        self._sockets = sockets
        self._unanswered: set[web.WebSocketResponse] = set()
        self._closing: set[asyncio.Task[None]] = set()

    def heard(self, socket: web.WebSocketResponse) -> None:
        """Anything arrived on the socket (a frame, a pong): its customer's browser is there."""
        self._unanswered.discard(socket)

    async def beat(self) -> int:
        """One round: close the sockets silent since the last round's ping, ping the others.
        Returns how many were closed."""
        silent, self._unanswered = self._unanswered, set()
        gone = 0
        for count, socket in enumerate(list(self._sockets()), start=1):
            if socket.closed:
                continue
            if socket in silent:
                gone += 1
                # close() waits (a bounded time) for the peer's close frame: a dead peer never sends it.
                closing = asyncio.get_running_loop().create_task(_close_silent(socket))
                self._closing.add(closing)
                closing.add_done_callback(self._closing.discard)
                continue
            self._unanswered.add(socket)
            try:
                await socket.ping()
            except (ConnectionError, RuntimeError):
                self._unanswered.discard(socket)
            if count % SOCKETS_PER_PAUSE == 0:
                await asyncio.sleep(0)
        if gone:
            log.info("webchat.silent_sockets_closed", sockets=gone)
        return gone

    async def run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await self.beat()


async def _close_silent(socket: web.WebSocketResponse) -> None:
    with contextlib.suppress(ConnectionError, RuntimeError):
        await socket.close(code=WSCloseCode.GOING_AWAY, message=b"no answer to ping")
