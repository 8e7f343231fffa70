"""SMS webhook routes: inbound messages and delivery status callbacks, both signed."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import structlog
from aiohttp import web

from bot.channels.sender_characters import within_budget
from bot.channels.sms.adapter import INBOUND_FIELDS, STATUS_FIELDS, SmsAdapter, form_problem
from bot.channels.text_input import clean_inbound
from bot.core.messages import MessageKind
from bot.keys import channel_adapter, resources
from bot.storage.deliveries import set_sms_status
from bot.web.responses import json_error

log = structlog.get_logger(__name__)

_FIELD_NAME = re.compile(r"[A-Z][A-Za-z0-9]{0,63}")
"""How the gateway names its form fields (AccountSid, MessageSid, NumSegments, ToCountry)."""
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
STATUS_MAP: dict[str, str | None] = {
    # Still in the gateway's hands: nothing to record. Never "pending": that is "ours to send",
    # and the conversation's next delivery would send the message again, after later ones.
    "queued": None,
    "accepted": None,
    "sending": None,
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}


def _signed_url(request: web.Request) -> str:
    """The URL the gateway signed: the public URL when the app sits behind a proxy."""
    public = resources(request).settings.public_url
    return f"{public.rstrip('/')}{request.path_qs}" if public else str(request.url)


async def _verified_form(request: web.Request, required: tuple[str, ...]) -> dict[str, str]:
    """The signed form: 400 when it is not a form or lacks what the gateway always sends, 403
    when its signature is wrong."""
    try:
        form = await request.post()
    # ValueError: not in its charset, or a malformed multipart body; LookupError: an unknown charset.
    except (ValueError, LookupError) as error:
        raise web.HTTPBadRequest(
            text='{"error": "the body must be a form"}', content_type="application/json"
        ) from error
    params = {key: str(value) for key, value in form.items()}
    if not all(_FIELD_NAME.fullmatch(key) for key in params):
        # The signature joins names and values with nothing between them: a field name the
        # gateway never sends ("o10690000") is a captured request with its boundaries moved to
        # make a new MessageSid.
        raise web.HTTPBadRequest(text='{"error": "unknown form field"}', content_type="application/json")
    signature = request.headers.get("X-Twilio-Signature")
    if not channel_adapter(request, SmsAdapter).verify(_signed_url(request), params, signature):
        raise web.HTTPForbidden(text='{"error": "bad or missing X-Twilio-Signature"}', content_type="application/json")
    if (problem := form_problem(params, required)) is not None:
        log.warning("sms.form_refused", problem=problem)
        raise web.HTTPBadRequest(text=json.dumps({"error": problem}), content_type="application/json")
    return params


async def inbound(request: web.Request) -> web.Response:
    """``POST /channels/sms``: stored before it is acknowledged; a retried MessageSid is stored once.

    The text is cleaned and cut to the limit; a blank one is acknowledged and not stored. A text
    that is an opt-out (or opt-in) word of ``config/channels.yaml`` is stored as such a message.
    """
    params, shared = await _verified_form(request, INBOUND_FIELDS), resources(request)
    try:
        parsed = channel_adapter(request, SmsAdapter).parse(params, shared.clock())
    except ValueError as error:
        return json_error(400, str(error))
    message = clean_inbound(parsed, shared.config.channels.max_provider_text_chars)
    if message is None:
        log.info("sms.blank_ignored", message_sid=parsed.provider_message_id)
        return web.Response(text=EMPTY_TWIML, content_type="text/xml")
    word = shared.config.channels.sms.match(message.text)
    if word is not None:
        # 回复TD退订: the pipeline opts the number out (or back in) and confirms; no complaint.
        message = replace(message, kind=MessageKind.OPT_OUT if word.opt_out else MessageKind.OPT_IN)
        log.info("sms.opt_word", message_sid=message.provider_message_id, opt_out=word.opt_out)
    message = await within_budget(shared.redis, message, shared.config.channels)
    await shared.pipeline.submit(message)
    return web.Response(text=EMPTY_TWIML, content_type="text/xml")


async def status_callback(request: web.Request) -> web.Response:
    """``POST /channels/sms/status``: record the delivery state of a message the bot sent.

    Gateways report out of order (Twilio's "sending" may come after "delivered"): a state only
    moves forward, and one before "sent" is acknowledged and changes nothing. A report may also
    come before the send's result is stored: it is kept, and applied when it is."""
    params = await _verified_form(request, STATUS_FIELDS)
    sid, reported = params.get("MessageSid", ""), params.get("MessageStatus", "")
    if not sid or reported not in STATUS_MAP:
        return json_error(400, "MessageSid and a known MessageStatus are required")
    status = STATUS_MAP[reported]
    if status is not None:
        shared = resources(request)
        now = shared.clock()
        await shared.database.write(lambda session: set_sms_status(session, sid, status, now))
    return web.Response(status=204)


def add_routes(app: web.Application) -> None:
    app.router.add_post("/channels/sms", inbound)
    app.router.add_post("/channels/sms/status", status_callback)
