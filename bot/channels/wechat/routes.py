"""WeChat official account routes: URL verification and message push."""

from __future__ import annotations

from aiohttp import web

from bot.channels.base import render_text
from bot.channels.sender_characters import within_budget
from bot.channels.signed_bodies import BindingRefused, bind
from bot.channels.text_input import clean_inbound
from bot.channels.wechat.adapter import RequestRejected, WechatAdapter
from bot.core import redis_keys
from bot.core.messages import InboundMessage, OutboundMessage
from bot.keys import channel_adapter, resources
from bot.media.intake import enqueue_media_fetch
from bot.outbound.gateway import DELIVER_JOB
from bot.resources import Resources
from bot.storage import deliveries
from bot.web.responses import json_error

PASSIVE_REPLY_REMEMBERED_SECONDS = 60
"""WeChat retries a push it got no answer to within 5 seconds, three times: a retry arrives well
within this, and only then do the replies of a lost passive reply need sending again."""


async def verify(request: web.Request) -> web.Response:
    """``GET /channels/wechat``: echo ``echostr`` when the signature is right."""
    try:
        echo = channel_adapter(request, WechatAdapter).verify_url(request.query, resources(request).clock())
    except RequestRejected as error:
        return json_error(error.status, str(error))
    return web.Response(text=echo)


async def push(request: web.Request) -> web.Response:
    """``POST /channels/wechat``: stored, then answered with the replies when they are ready
    within the configured budget (a passive reply), else ``success`` and the replies go by the
    customer-service API from a worker.

    WeChat retries the same MsgId (events, and messages without one: sender, CreateTime and what
    the push says, a button's EventKey included) up to three times; each is stored and processed
    once (a retry is answered ``success``). A request WeChat did not sign, or signed too long ago,
    a plain-mode signed query already used with another body, or XML that is not a WeChat message
    gets 4xx and stores nothing; a text message with no text is answered ``success`` and ignored.
    Text is cleaned and cut to the limit like every provider's (``bot.channels.text_input``).
    """
    shared, adapter = resources(request), channel_adapter(request, WechatAdapter)
    now = shared.clock()
    body = await request.read()
    try:
        xml, crypto = adapter.read(request.query, body, now)
        binding = adapter.body_binding(request.query, body)
        message = adapter.parse(xml, now, shared.config.channels.wechat.menu_choices())
    except (RequestRejected, UnicodeDecodeError) as error:
        status = error.status if isinstance(error, RequestRejected) else 400
        return json_error(status, str(error))
    if message is not None:
        message = clean_inbound(message, shared.config.channels.max_provider_text_chars)
    try:
        if message is None:
            if binding is not None:
                await bind(shared.redis, binding)
            return web.Response(text="success")
        # The signed query's binding to its body and the sender's characters: one round trip.
        message = await within_budget(shared.redis, message, shared.config.channels, binding)
    except BindingRefused as error:
        return json_error(error.status, str(error))
    stored = await shared.pipeline.submit(message)
    await enqueue_media_fetch(shared.redis, message, stored)  # issue 15 (photos)
    budget = shared.config.channels.wechat.passive_reply_within_ms
    if stored.duplicate:
        await _send_lost_passive_reply_again(shared, adapter, message)
        return web.Response(text="success")
    if budget <= 0:
        return web.Response(text="success")
    replies = await shared.gateway.replies_to(stored.message_id, within=budget / 1000)
    if not replies:
        return web.Response(text="success")
    text = "\n\n".join(
        render_text(OutboundMessage(reply.text, options=reply.options, options_text=reply.options_text))
        for reply in replies
    )
    if not adapter.fits_passive_reply(text):  # too long for one message: in pieces, by the API
        await shared.gateway.enqueue_deliveries(replies)
        return web.Response(text="success")
    ids = [reply.message_id for reply in replies]
    await shared.passive_replies.write(ids)
    await shared.redis.set(
        redis_keys.wechat_passive_reply(adapter.settings.appid, message.provider_message_id),
        ",".join(map(str, ids)),
        ex=PASSIVE_REPLY_REMEMBERED_SECONDS,
    )
    sent_at = shared.clock()
    for reply in replies:  # handed to WeChat as this request's answer
        shared.metrics.reply_sent(reply.channel, reply.received_at, sent_at)
    return web.Response(text=adapter.passive_reply(xml, text, request.query, crypto), content_type="application/xml")


async def _send_lost_passive_reply_again(shared: Resources, adapter: WechatAdapter, message: InboundMessage) -> None:
    """A retry of a push answered with a passive reply: WeChat retries only when it read no
    answer, so the customer never saw those replies. They go again by the customer-service API,
    once however many retries come (the first takes the record; only messages still marked sent
    passively are sent again)."""
    key = redis_keys.wechat_passive_reply(adapter.settings.appid, message.provider_message_id)
    recorded = await shared.redis.getdel(key)
    if not recorded:
        return
    raw = recorded.decode() if isinstance(recorded, bytes) else str(recorded)
    ids = [int(part) for part in raw.split(",") if part]
    again = await shared.database.write(lambda session: deliveries.resend_lost_passive(session, ids))
    if again:
        await shared.redis.enqueue_job(DELIVER_JOB, again[0], _job_id=f"deliver:{again[0]}:passive-lost")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/channels/wechat", verify)
    app.router.add_post("/channels/wechat", push)
