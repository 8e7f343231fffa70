"""What every HTTP route shares: the static files' folder and the JSON error body."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web

from bot import json_text
from bot.json_text import NotStrictJson as NotStrictJson  # re-exported: the routes catch it
from bot.web.unstorable import refusal, unstorable_at

STATIC_DIR = Path(__file__).parent / "static"


def json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def api_error(status: int, message: str, **details: object) -> web.HTTPException:
    """``{"error": message}`` (and ``details`` beside it) with ``status``, to raise."""
    error_class = {
        400: web.HTTPBadRequest,
        401: web.HTTPUnauthorized,
        403: web.HTTPForbidden,
        409: web.HTTPConflict,
        404: web.HTTPNotFound,
        415: web.HTTPUnsupportedMediaType,
        422: web.HTTPUnprocessableEntity,
        429: web.HTTPTooManyRequests,
        503: web.HTTPServiceUnavailable,
    }[status]
    body = {"error": message, **details}
    return error_class(text=json.dumps(body, ensure_ascii=False), content_type="application/json")


def too_large(max_bytes: int, size: int) -> web.HTTPException:
    """413 with the JSON error body, for a request body of ``size`` bytes over a route's own limit."""
    return web.HTTPRequestEntityTooLarge(
        max_bytes,
        size,
        text=json.dumps({"error": f"the body is larger than {max_bytes // 1024} KiB"}),
        content_type="application/json",
    )


LARGEST_ID = 2**63 - 1
"""The largest id a row can have (a 64-bit integer column): a larger number in a path is no row's."""


def path_number(request: web.Request, missing: str, name: str = "id") -> int:
    """The number in the path (``{id}``, ``{version}``); 404 saying ``missing`` for anything that
    cannot be a row's: letters, a sign, digits other than ASCII, or more than a 64-bit column holds."""
    text = request.match_info[name]
    if not (text.isascii() and text.isdigit()) or int(text) > LARGEST_ID:
        raise api_error(404, missing)
    return int(text)


def strict_json(data: bytes) -> Any:
    """``data`` read as a request body by the one strict reader (:func:`bot.json_text.strict_loads`);
    raises :class:`NotStrictJson` saying what is wrong ("the body must be JSON")."""
    return json_text.strict_loads(data, "the body")


async def json_body(request: web.Request, max_bytes: int | None = None) -> dict[str, Any]:
    """The body as a JSON object; 400 for anything else. Read strictly (:func:`strict_json`):
    what no database can store or readers would take differently is refused here rather than
    failing later (a NUL in any name or string, nested or not, is a 400 naming where:
    :mod:`bot.web.unstorable`); 415 for a charset other than UTF-8; 413 for a body over
    ``max_bytes`` (when given: a route's limit below the application's 1 MiB)."""
    if (request.charset or "utf-8").lower() not in ("utf-8", "utf8"):
        raise api_error(415, "send JSON as UTF-8")
    if max_bytes is not None and (request.content_length or 0) > max_bytes:
        raise too_large(max_bytes, request.content_length or 0)
    data = await request.read()
    if max_bytes is not None and len(data) > max_bytes:  # sent without a Content-Length
        raise too_large(max_bytes, len(data))
    try:
        payload = strict_json(data)
    except NotStrictJson as error:
        raise api_error(400, str(error)) from error
    if not isinstance(payload, dict):
        raise api_error(400, "the body must be a JSON object")
    where = unstorable_at(payload)
    if where is not None:
        raise refusal(where)
    return payload
