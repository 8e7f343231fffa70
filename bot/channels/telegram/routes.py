"""Telegram webhook route: secret-checked updates, deduplicated on update_id."""

from __future__ import annotations

from typing import Any

import structlog
from aiohttp import web

from bot import json_text
from bot.channels.sender_characters import within_budget
from bot.channels.telegram.adapter import MalformedUpdate, TelegramAdapter
from bot.channels.text_input import clean_inbound
from bot.config import PhraseId
from bot.core.messages import ChannelName, InboundMessage
from bot.keys import channel_adapter, resources
from bot.media.intake import enqueue_media_fetch
from bot.resources import Resources
from bot.storage.buttons import button_is_current
from bot.web.responses import NotStrictJson, json_error

log = structlog.get_logger(__name__)


async def webhook(request: web.Request) -> web.Response:
    """``POST /channels/telegram``: stored before it is acknowledged; other update types are ignored.

    A body that is not an update gets 400 saying why, read by the one strict reader as every
    other endpoint reads its body (no NaN, number too large, name twice or nesting too deep,
    UTF-8 only): Telegram sends none of these, and gives up on a refused request after a few
    tries, so nothing it sent is lost. An update Telegram would only retry in vain (a
    message of the wrong shape, or with no visible text once cleaned) is acknowledged and
    ignored; a text over the limit is cut to it.
    """
    shared, adapter = resources(request), channel_adapter(request, TelegramAdapter)
    if not adapter.verify(request.headers):
        return json_error(403, "bad or missing X-Telegram-Bot-Api-Secret-Token")
    try:
        payload = await _update_body(request)
        parsed = adapter.parse(payload, shared.clock())
    except MalformedUpdate as error:
        log.warning("telegram.malformed_update_ignored", update_id=payload.get("update_id"), reason=str(error))
        return web.json_response({"ok": True})
    # ValueError: not strict JSON in UTF-8 (NotStrictJson), or not an update (no update_id);
    # RecursionError: an update nested deeper than its reader's stack.
    except (ValueError, RecursionError) as error:
        return json_error(400, f"not a Telegram update: {error}")
    message = clean_inbound(parsed, shared.config.channels.max_provider_text_chars) if parsed is not None else None
    query = payload.get("callback_query")
    pressed = isinstance(query, dict) and isinstance(query.get("id"), str)
    stale = await _stale_button(shared, message) if pressed and message is not None else None
    if message is not None and stale is None:
        message = await within_budget(shared.redis, message, shared.config.channels)
        stored = await shared.pipeline.submit(message)
        await enqueue_media_fetch(shared.redis, message, stored)  # issue 15 (photos)
    if pressed:
        # A pressed button shows a spinner until answered: answered in the webhook's own answer
        # (the Bot API runs a method given there), so the request path calls no provider.
        answer = {"method": "answerCallbackQuery", "callback_query_id": query["id"]}
        return web.json_response(answer if stale is None else {**answer, "text": stale})
    return web.json_response({"ok": True})


async def _update_body(request: web.Request) -> Any:
    """The body read strictly; raises ValueError (:class:`NotStrictJson`) saying what is wrong."""
    if (request.charset or "utf-8").lower() not in ("utf-8", "utf8"):
        raise NotStrictJson("the body must be JSON in UTF-8")
    # A broken emoji in a customer's text reaches us as a lone surrogate escape: read, then cleaned.
    return json_text.strict_loads(await request.read(), "the body", lone_surrogates=True)


async def _stale_button(shared: Resources, message: InboundMessage) -> str | None:
    """What to show for a button of an earlier question (the conversation has moved on): it is
    answered with the configured phrase and changes nothing; None for a current button."""
    current, locale = await shared.database.write(
        lambda session: button_is_current(session, ChannelName.TELEGRAM.value, message.sender_id, message.text)
    )
    if current:
        return None
    log.info("telegram.stale_button", value=message.text)
    phrases = shared.engine.phrases
    return phrases.render(PhraseId.STALE_BUTTON, phrases.locale(locale))


def add_routes(app: web.Application) -> None:
    app.router.add_post("/channels/telegram", webhook)
