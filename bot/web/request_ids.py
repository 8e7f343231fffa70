"""A request id on every request: taken from a proxy's ``X-Request-ID`` when it is a plain
token, made up otherwise; bound to every log line the request's handler writes and sent back."""

from __future__ import annotations

import re
import secrets

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from bot.logs import REQUEST_ID

REQUEST_ID_HEADER = "X-Request-ID"
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _request_id(request: web.Request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _PLAIN_TOKEN.fullmatch(given) else secrets.token_hex(8)


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = request[REQUEST_ID] = _request_id(request)
    # Tokens rather than the bound_contextvars() context manager: a websocket keeps this frame for
    # its whole life, and the manager's generator would add to every idle connection's memory.
    tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers[REQUEST_ID_HEADER] = request_id
        raise
    finally:
        structlog.contextvars.reset_contextvars(**tokens)
    if not response.prepared:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response
