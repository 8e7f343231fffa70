"""A request's body must arrive in time: a client sending it a byte at a time (slow loris) cannot
hold a connection, and the file descriptor under it, for ever.

A body is read whole before the handler runs, within ``BOT_BODY_READ_SECONDS``; only then does the
handler run, untimed. A photo upload (a handler marked :func:`streams_body`, which reads the
multipart body as it streams) gets ``BOT_UPLOAD_READ_SECONDS`` for the whole request. Too late:
``408``, and the connection is closed. A body that cannot be read (a broken encoding) is ``400``.
A request without a body (a websocket upgrade among them) goes straight to its handler, with no
frame kept here for its lifetime."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.web.responses import json_error

_STREAMS_BODY = "streams_body"
_Handler = TypeVar("_Handler")


def streams_body(handler: _Handler) -> _Handler:
    """Mark a handler that reads its (multipart) body itself as it streams: it runs within the
    upload's time instead of after the body is read."""
    setattr(handler, _STREAMS_BODY, True)
    return handler


def body_deadline(read_seconds: float, upload_seconds: float) -> Middleware:
    @web.middleware
    def in_time(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
        if not request.body_exists:
            return handler(request)
        if getattr(request.match_info.handler, _STREAMS_BODY, False):
            return _within(request, upload_seconds, handler(request))
        return _read_then(request, read_seconds, handler)

    return in_time


async def _read_then(request: web.Request, seconds: float, handler: Handler) -> web.StreamResponse:
    try:
        async with asyncio.timeout(seconds):
            await request.read()  # kept by the request: the handler's json(), text(), post() use it
    except TimeoutError:
        return await _too_late(request, seconds)
    except web.HTTPException:
        raise
    except Exception:  # a broken body (a wrong Content-Encoding), a client gone mid-body
        return json_error(400, "the request body cannot be read")
    return await handler(request)


async def _within(
    request: web.Request, seconds: float, answer: Awaitable[web.StreamResponse]
) -> web.StreamResponse:
    try:
        async with asyncio.timeout(seconds):
            return await answer
    except TimeoutError:
        return await _too_late(request, seconds)


async def _too_late(request: web.Request, seconds: float) -> web.StreamResponse:
    response = json_error(408, f"the request did not arrive within {seconds:g} seconds")
    response.force_close()
    # Sent now and the connection closed, rather than aiohttp reading the rest of the body for its
    # lingering time, which the same client would keep feeding.
    await response.prepare(request)
    await response.write_eof()
    if request.protocol is not None:
        request.protocol.force_close()
    return response
