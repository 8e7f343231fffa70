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
        # Closed after the answer: aiohttp would otherwise read the rest of the broken body for its
        # lingering time, meet the same error and log it as the server's.
        return await _answered_and_closed(request, json_error(400, "the request body cannot be read"))
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
    # Closed after the answer, rather than aiohttp reading the rest of the body for its lingering
    # time, which the same client would keep feeding.
    return await _answered_and_closed(
        request, json_error(408, f"the request did not arrive within {seconds:g} seconds")
    )


async def _answered_and_closed(request: web.Request, response: web.Response) -> web.StreamResponse:
    """``response`` sent now, and the connection closed with it: the rest of the body is never read."""
    response.force_close()
    try:
        await response.prepare(request)
        await response.write_eof()
    except ConnectionResetError:
        pass  # the client is gone: there is no one to answer
    if request.protocol is not None:
        request.protocol.force_close()
    return response
