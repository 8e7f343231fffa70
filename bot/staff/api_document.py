"""``GET /api/openapi.json``: the staff API's OpenAPI document, for signed-in staff."""

from __future__ import annotations

from importlib import metadata

from aiohttp import web

from bot.staff.auth import requires
from bot.web.openapi import openapi_document


@requires()
async def serve_document(request: web.Request) -> web.Response:
    """This document: every ``/api/`` route, its roles and its body's schema."""
    return web.json_response(openapi_document(request.app, "Complaint bot staff API", _version()))


def _version() -> str:
    try:
        return metadata.version("complaint-bot")
    except metadata.PackageNotFoundError:
        return "0"


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/openapi.json", serve_document)
