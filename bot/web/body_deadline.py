"""A request's body must arrive in time: a client sending it a byte at a time (slow loris) cannot
hold a connection, and the file descriptor under it, for ever.

A body is read whole before the handler runs, within ``BOT_BODY_READ_SECONDS``; a photo (a
multipart body, read by its handler as it streams) gets ``BOT_UPLOAD_READ_SECONDS`` for the whole
request. Too late: ``408``, and the connection is closed. A request without a body (a websocket
upgrade among them) goes straight to its handler, with no frame kept here for its lifetime."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.web.responses import json_error

_STREAMED = "multipart/form-data"


def body_deadline(read_seconds: float, upload_seconds: float) -> Middleware:
    @web.middleware
    def in_time(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
        if not request.body_exists:
            return handler(request)
        if request.content_type == _STREAMED:
            return _within(request, upload_seconds, handler(request))
        return _within(request, read_seconds, _read_then(request, handler))

    return in_time


async def _read_then(request: web.Request, handler: Handler) -> web.StreamResponse:
    await request.read()  # kept by the request: the handler's json(), text() or post() use it
    return await handler(request)


async def _within(
    request: web.Request, seconds: float, answer: Awaitable[web.StreamResponse]
) -> web.StreamResponse:
    try:
        async with asyncio.timeout(seconds):
            return await answer
    except TimeoutError:
        response = json_error(408, f"the request did not arrive within {seconds:g} seconds")
        response.force_close()
        # Sent now and the connection closed, rather than aiohttp reading the rest of the body
        # for its lingering time, which the same client would keep feeding.
        await response.prepare(request)
        await response.write_eof()
        if request.protocol is not None:
            request.protocol.force_close()
        return response
