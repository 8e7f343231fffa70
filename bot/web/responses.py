"""What every HTTP route shares: the static files' folder and the JSON error body."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).parent / "static"


def json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
