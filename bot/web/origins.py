"""Which sites a browser's request may come from: this one, and the origins named for it."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from aiohttp import web


def same_site_origin(request: web.Request, public_url: str | None, also: Collection[str] = ()) -> bool:
    """No Origin (not a browser, or a same-origin GET), this host, the configured public URL, or one
    of ``also`` (lower-case ``scheme://host[:port]``, e.g. the origins allowed to embed the widget)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    if origin.rstrip("/").lower() in also:
        return True
    if public_url is not None:
        configured = urlsplit(public_url)
        if origin.rstrip("/") == f"{configured.scheme}://{configured.netloc}":
            return True
    return urlsplit(origin).netloc == request.host
