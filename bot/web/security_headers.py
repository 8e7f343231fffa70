"""Browser hardening on every response: a content security policy, framing, MIME sniffing, referrers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import hdrs, web

from bot.settings import AuthSettings

ResponseHook = Callable[[web.Request, web.StreamResponse], Awaitable[None]]

SERVER_NAME = "complaint-bot"
EMBED_PATH = "/chat"
"""The chat page; with ``?embed=1`` it is the widget's frame (issue 15)."""


def _policy(ancestors: str) -> str:
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob:; "
        f"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
    )


def _headers(ancestors: str) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": _policy(ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    # Browsers without frame-ancestors understand only these two; other lists have no equivalent.
    legacy_frame_option = {"'self'": "SAMEORIGIN", "'none'": "DENY"}.get(ancestors)
    if legacy_frame_option is not None:
        headers["X-Frame-Options"] = legacy_frame_option
    return headers


def is_embed_page(request: web.Request) -> bool:
    return request.path == EMBED_PATH and request.query.get("embed") == "1"


def security_headers(settings: AuthSettings) -> ResponseHook:
    """An ``on_response_prepare`` hook. The pages load scripts and styles only from this site
    (no inline code), and only ``settings.frame_ancestors`` may frame them; the widget's embed
    page ``/chat?embed=1`` may be framed by exactly ``settings.widget_origins`` when any are set."""
    headers = _headers(settings.frame_ancestors)
    embed_headers = _headers(" ".join(settings.widget_origins)) if settings.widget_origins else headers

    async def add(request: web.Request, response: web.StreamResponse) -> None:
        if response.headers.get(hdrs.SERVER) != SERVER_NAME:  # see ``named_upgrade``
            response.headers[hdrs.SERVER] = SERVER_NAME  # not aiohttp's, which names its version and Python's
        if response.status == 101:  # a websocket upgrade renders nothing; its headers would live as long as the socket
            return
        for name, value in (embed_headers if is_embed_page(request) else headers).items():
            response.headers.setdefault(name, value)

    return add


def named_upgrade(socket: web.WebSocketResponse) -> web.WebSocketResponse:
    """``socket`` with this server's name set before its upgrade is prepared: aiohttp's own name,
    replaced after, grew the header table that an idle socket keeps (≈ 0.6 KiB each)."""
    socket.headers[hdrs.SERVER] = SERVER_NAME
    return socket
