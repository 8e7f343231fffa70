"""Telegram webhook route: secret-checked updates, deduplicated on update_id."""

from __future__ import annotations

import structlog
from aiohttp import web

from bot.channels.telegram.adapter import MalformedUpdate, TelegramAdapter
from bot.channels.text_input import clean_inbound
from bot.keys import channel_adapter, resources
from bot.media.intake import enqueue_media_fetch
from bot.web.responses import json_error

log = structlog.get_logger(__name__)


async def webhook(request: web.Request) -> web.Response:
    """``POST /channels/telegram``: stored before it is acknowledged; other update types are ignored.

    A body that is not an update gets 400. An update Telegram would only retry in vain (a
    message of the wrong shape, or with no visible text once cleaned) is acknowledged and
    ignored; a text over the limit is cut to it.
    """
    shared, adapter = resources(request), channel_adapter(request, TelegramAdapter)
    if not adapter.verify(request.headers):
        return json_error(403, "bad or missing X-Telegram-Bot-Api-Secret-Token")
    try:
        payload = await request.json()
        parsed = adapter.parse(payload, shared.clock())
    except MalformedUpdate as error:
        log.warning("telegram.malformed_update_ignored", update_id=payload.get("update_id"), reason=str(error))
        return web.json_response({"ok": True})
    # ValueError: not JSON, not in its charset, or not an update; LookupError: an unknown charset.
    except (ValueError, LookupError, RecursionError) as error:
        return json_error(400, f"not a Telegram update: {error}")
    message = clean_inbound(parsed, shared.config.channels.max_text_chars) if parsed is not None else None
    if message is not None:
        stored = await shared.pipeline.submit(message)
        await enqueue_media_fetch(shared.redis, message, stored)  # issue 15 (photos)
    query = payload.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("id"), str):
        # A pressed button shows a spinner until answered: answered in the webhook's own answer
        # (the Bot API runs a method given there), so the request path calls no provider.
        return web.json_response({"method": "answerCallbackQuery", "callback_query_id": query["id"]})
    return web.json_response({"ok": True})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/channels/telegram", webhook)
