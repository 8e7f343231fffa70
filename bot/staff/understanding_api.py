"""``POST /api/understand``: the manager console's try-a-sentence box, the same reading as the bot's."""

from __future__ import annotations

from aiohttp import web

from bot.core.messages import as_read
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.auth import requires
from bot.staff.bodies import UnderstandBody, read_body
from bot.web.openapi import documented
from bot.web.responses import api_error


@requires(Role.SUPERVISOR, Role.MANAGER)
@documented(body=UnderstandBody)
async def understand(request: web.Request) -> web.Response:
    """What the bot understands of a text: locale, intents, category, grade, signals and slots
    (as ``python -m bot understand`` prints)."""
    shared = resources(request)
    body = await read_body(request, UnderstandBody)
    text, locale = body.text, body.locale
    limit = shared.config.channels.max_provider_text_chars  # a WeChat text is read whole up to this
    if len(text) > limit:
        raise api_error(400, f"'text' is longer than {limit} characters")
    if locale is not None and locale not in shared.config.phrases:
        raise api_error(400, f"'locale' must be one of {sorted(shared.config.phrases)}")
    channels = shared.config.channels  # read as the bot reads a long text: its beginning and end
    reading = await shared.reader.read(
        as_read(text, channels.understood_head_chars, channels.understood_tail_chars), locale
    )
    return web.json_response(reading.as_json())


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/understand", understand)
