"""``POST /api/conversations/{id}/photos``: the owning agent sends the customer a photo (issue 15).

The upload gets the checks a customer's photo gets (``bot/media/intake.py``: the type sniffed
from the bytes, the configured size limit, re-encoded by Pillow so no EXIF or trailing payload
stays), is stored in the media store, and goes out as an image message of the conversation, by
the outbound gateway like any reply: live on the web chat's sockets, by a delivery job to
Telegram (``sendPhoto``) and WeChat (temporary media, then an image message). SMS cannot carry
a photo: 422, and the console offers no button there (``sends_photos`` in the conversation).
"""

from __future__ import annotations

from typing import Any

import structlog
from aiohttp import web
from sqlalchemy.orm import Session

from bot.channels.webchat.adapter import media_links
from bot.channels.wechat.window import wechat_window
from bot.core.messages import PHOTO_TEXT, ChannelName, Sender
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.timeline import TimelineKind
from bot.keys import resources
from bot.media.decoding import DecodeBusy
from bot.media.files import MediaStoreError
from bot.media.images import NotAnImage
from bot.media.intake import take_in
from bot.media.uploads import decoding_busy, forget_photo, read_upload
from bot.outbound.effects import Delivery, Effects
from bot.outbound.outbox import add_customer_message
from bot.resources import Resources
from bot.staff.access import NOT_IN_YOUR_QUEUES, Access, conversation_access
from bot.staff.accounts import Role
from bot.staff.audit import audited, note, path_target
from bot.staff.auth import requires
from bot.staff.reply_guard import check_agent_text
from bot.storage.conversations import add_timeline_event
from bot.storage.models import Conversation
from bot.storage.windows import window_usage
from bot.web.body_deadline import streams_body
from bot.web.openapi import documented
from bot.web.responses import api_error, json_error, path_number

log = structlog.get_logger(__name__)

MAX_CAPTION_CHARS = 1000
"""Within Telegram's caption limit (1024), so a caption goes out with its photo."""
NOT_OWNER = "claim the conversation first: only its owner replies"
WINDOW_CLOSED = "the WeChat customer-service window is closed: a photo can go once the customer writes again"


def sends_photos(shared: Resources, channel: str) -> bool:
    """Whether a photo can reach a customer on ``channel``: web chat, or an adapter that sends them."""
    return channel == ChannelName.WEBCHAT or bool(getattr(shared.adapters.get(channel), "sends_photos", False))


def _where(
    session: Session, conversation_id: int, staff: dict[str, Any], shared: Resources
) -> tuple[Access, str | None, str | None, bool]:
    """Whether the staff member may read the conversation, its channel and owner, and whether
    its channel's window is open (WeChat's customer-service window; always on other channels)."""
    access = conversation_access(session, conversation_id, staff)
    found = session.get(Conversation, conversation_id) if access is Access.ALLOWED else None
    if found is None:
        return access, None, None, False
    window_open = True
    if found.channel == ChannelName.WECHAT:
        # Outside the window only a template (text) could reach the customer: no photo.
        last_in, sent = window_usage(session, found.identity_id)
        window_open = wechat_window(shared.clock(), last_in, sent, shared.config.channels.wechat).open
    return access, found.channel, found.owner, window_open


@audited("send_photo", target=path_target("conversation"))
@requires(Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
@documented(status=201)
@streams_body
async def send_photo(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/photos`` (multipart: ``file``, optional ``caption``,
    ``override`` and ``forbidden``, the overridden phrases one a line): the owning agent's photo.
    413 over ``max_media_bytes``, 415 for anything but a
    JPEG, PNG, GIF or WebP image, 422 for a channel without photos, for WeChat outside its
    customer-service window or for a caption the guard flags (as a reply's text), 409 for someone
    who does not own the conversation, 503 when the media store fails, or with Retry-After when
    the process's photo decoding is busy."""
    conversation_id = path_number(request, "not found")
    staff, shared = request["staff"], resources(request)
    actor = f"agent:{staff['id']}"
    # Who and where first: nothing is read or stored for a photo that could not be sent.
    async with shared.sessions() as session:
        access, channel, owner, window_open = await session.run_sync(
            lambda sync: _where(sync, conversation_id, staff, shared)
        )
    if access is Access.REFUSED:
        raise api_error(403, NOT_IN_YOUR_QUEUES)
    if access is Access.MISSING or channel is None:
        raise api_error(404, "no such conversation")
    if not sends_photos(shared, channel):
        return json_error(422, f"a {channel} conversation cannot carry photos: reply with text instead")
    if owner != actor:
        raise api_error(409, NOT_OWNER)
    if not window_open:
        return json_error(422, WINDOW_CLOSED)
    if shared.image_decoding.full:  # the photo would wait for nothing: refused before it is read
        return decoding_busy(shared.image_decoding.retry_after)
    limit = shared.config.channels.max_media_bytes
    upload = await read_upload(
        request, limit, {"caption": 4 * MAX_CAPTION_CHARS, "override": 8, "forbidden": 4 * MAX_CAPTION_CHARS}
    )
    if isinstance(upload, web.Response):
        return upload
    caption = upload.fields.get("caption", "").strip()
    if len(caption) > MAX_CAPTION_CHARS:
        return json_error(400, f"the caption is too long (at most {MAX_CAPTION_CHARS} characters)")
    overrode_guard = False
    if caption:
        verdict = await check_agent_text(
            caption,
            upload.fields.get("override") == "true",
            shared.config.forbidden.agent_guard,
            shared.guard,
            shared.guard_model,
            upload.fields.get("forbidden", "").splitlines(),
        )
        if (refusal := verdict.refuse(request)) is not None:
            return refusal
        overrode_guard = verdict.overrode_guard
    assert upload.file is not None
    now, gateway = shared.clock(), shared.gateway
    try:
        media_id, _ = await take_in(upload.file, channel, shared.media, shared.database, now, shared.image_decoding)
    except NotAnImage:
        return json_error(415, "only photos can be sent (JPEG, PNG, GIF or WebP)")
    except DecodeBusy as busy:
        return decoding_busy(busy.retry_after)
    except MediaStoreError:
        log.warning("media.not_stored", conversation_id=conversation_id, exc_info=True)
        return json_error(503, "the photo could not be stored: please send it again")

    def store(session: Session) -> Delivery | Access | None:
        access = conversation_access(session, conversation_id, staff)
        if access is not Access.ALLOWED:
            return access
        delivery = add_customer_message(
            session,
            conversation_id,
            caption or PHOTO_TEXT,
            Sender.AGENT,
            now,
            gateway.status_on_commit,
            owner=actor,
            media_id=media_id,
            script=shared.engine.traditional,
        )
        if delivery is not None:
            detail = {"message_id": delivery.message_id, "media_id": media_id, "overrode_guard": overrode_guard}
            if delivery.text != (caption or PHOTO_TEXT):
                detail["in_traditional"] = True
            add_timeline_event(session, conversation_id, TimelineKind.AGENT_REPLIED, actor, detail, now)
        return delivery

    try:
        delivery = await shared.database.write(store)
    except BaseException:
        await forget_photo(shared.database, shared.media, media_id)
        raise
    if not isinstance(delivery, Delivery):  # the claim moved on while the photo was read
        await forget_photo(shared.database, shared.media, media_id)
        raise api_error(409, NOT_OWNER)
    note(request, message_id=delivery.message_id, media_id=media_id, overrode_guard=overrode_guard)
    await gateway.commit(
        Effects(
            deliveries=[delivery],
            staff_events=[StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(conversation_id,))],
        )
    )
    return web.json_response({"message_id": delivery.message_id, "media": [media_links(media_id)]}, status=201)


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/conversations/{id}/photos", send_photo)
