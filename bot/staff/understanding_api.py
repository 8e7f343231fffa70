"""``POST /api/understand``: the manager console's try-a-sentence box, the same reading as the bot's."""

from __future__ import annotations

from aiohttp import web

from bot.keys import resources
from bot.staff import auth
from bot.staff.accounts import Role
from bot.staff.auth import api_error, requires


@requires(Role.SUPERVISOR, Role.MANAGER)
async def understand(request: web.Request) -> web.Response:
    """``{"text": "...", "locale"?: "zh-CN" | "en"}`` → what the bot understands of it: locale,
    intents, category, grade, signals and slots (as ``python -m bot understand`` prints)."""
    shared = resources(request)
    payload = await auth.json_body(request)
    text, locale = payload.get("text"), payload.get("locale")
    if not isinstance(text, str) or not text.strip():
        raise api_error(400, "'text' must be a non-empty string")
    limit = shared.config.channels.max_text_chars
    if len(text) > limit:
        raise api_error(400, f"'text' is longer than {limit} characters")
    if locale is not None and locale not in shared.config.phrases:
        raise api_error(400, f"'locale' must be one of {sorted(shared.config.phrases)}")
    reading = await shared.reader.read(text, locale)
    return web.json_response(reading.as_json())


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/understand", understand)
