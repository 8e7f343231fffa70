"""A request id on every request: taken from a trusted proxy's ``X-Request-ID`` when it is a
plain token, made up otherwise; bound to every log line the request's handler writes and sent back.

Only a peer among ``BOT_TRUSTED_PROXIES`` may name the id (as only it may name the client in
``X-Forwarded-For``): anyone else could pick the id of another request and mix their lines into
its log trail and audit entries.

``install(app, addresses)`` adds both halves: a middleware binds the id, an ``on_response_prepare`` hook
sends it back. The middleware is a plain function that hands the handler's coroutine on, so it
keeps no frame of its own for as long as a websocket is open; aiohttp runs each request in a
task of its own with a copy of the context, so the binding ends with the request."""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.logs import REQUEST_ID
from bot.web.client_address import ClientAddresses

REQUEST_ID_HEADER = "X-Request-ID"
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_ids(addresses: ClientAddresses) -> Middleware:
    """The middleware: the id a trusted proxy gave, else a new one, bound to the log lines."""

    def request_id(request: web.Request) -> str:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        if _PLAIN_TOKEN.fullmatch(given) and addresses.from_trusted_proxy(request):
            return given
        return secrets.token_hex(8)

    @web.middleware
    def bind(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
        chosen = request[REQUEST_ID] = request_id(request)
        structlog.contextvars.bind_contextvars(request_id=chosen)
        return handler(request)

    return bind


async def send_request_id(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: the id goes back on every response but a websocket upgrade (its
    headers would live as long as the socket)."""
    request_id = request.get(REQUEST_ID)
    if request_id is not None and response.status != 101:
        response.headers[REQUEST_ID_HEADER] = request_id


def install(app: web.Application, addresses: ClientAddresses) -> None:
    app.middlewares.append(request_ids(addresses))
    app.on_response_prepare.append(send_request_id)
