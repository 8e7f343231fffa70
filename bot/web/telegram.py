"""Telegram webhook route: secret-checked updates, deduplicated on update_id."""

from __future__ import annotations

import json

from aiohttp import web

from bot.channels.telegram import TelegramAdapter
from bot.keys import clock_key, pipeline_key
from bot.web.chat import json_error

telegram_adapter_key = web.AppKey("telegram_adapter", TelegramAdapter)


async def webhook(request: web.Request) -> web.Response:
    """``POST /channels/telegram``: stored before it is acknowledged; other update types are ignored."""
    adapter = request.app[telegram_adapter_key]
    if not adapter.verify(request.headers):
        return json_error(403, "bad or missing X-Telegram-Bot-Api-Secret-Token")
    try:
        payload = await request.json()
        message = adapter.parse(payload, request.app[clock_key]())
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as error:
        return json_error(400, f"not a Telegram update: {error}")
    if message is not None:
        await request.app[pipeline_key].submit(message)
    return web.json_response({"ok": True})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/channels/telegram", webhook)
