"""Browser hardening on every response: a content security policy, framing, MIME sniffing, referrers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.settings import AuthSettings

ResponseHook = Callable[[web.Request, web.StreamResponse], Awaitable[None]]


def security_headers(settings: AuthSettings) -> ResponseHook:
    """An ``on_response_prepare`` hook. The pages load scripts and styles only from this site
    (no inline code), and only ``settings.frame_ancestors`` may frame them."""
    ancestors = settings.frame_ancestors
    headers = {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob:; "
            f"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    # Browsers without frame-ancestors understand only these two; other lists have no equivalent.
    legacy_frame_option = {"'self'": "SAMEORIGIN", "'none'": "DENY"}.get(ancestors)
    if legacy_frame_option is not None:
        headers["X-Frame-Options"] = legacy_frame_option

    async def add(request: web.Request, response: web.StreamResponse) -> None:
        for name, value in headers.items():
            response.headers.setdefault(name, value)

    return add
