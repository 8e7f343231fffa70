"""What every HTTP route shares: the static files' folder and the JSON error body."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web

STATIC_DIR = Path(__file__).parent / "static"


def json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def api_error(status: int, message: str) -> web.HTTPException:
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
    return error_class(text=json.dumps({"error": message}, ensure_ascii=False), content_type="application/json")


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        payload = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise api_error(400, "the body must be JSON") from error
    if not isinstance(payload, dict):
        raise api_error(400, "the body must be a JSON object")
    return payload
