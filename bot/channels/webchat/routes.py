"""Web chat HTTP and websocket routes: sessions, the socket, and the HTTP fallback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import structlog
from aiohttp import WSCloseCode, WSMessage, WSMsgType, web
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import json_text
from bot.channels.webchat.adapter import (
    FrameError,
    client_message_id,
    media_links,
    message_frame,
    parse_frame,
    parse_message,
)
from bot.channels.webchat.limits import (
    FRAMES_FLOOD,
    AddressCharacters,
    AddressMessagePace,
    AddressPhotoBytes,
    ConnectPace,
    FloodGuards,
    FrameBudget,
    MessagePace,
    OpenSockets,
    PhotosInFlight,
    SessionStarts,
    SocketsFull,
)
from bot.channels.webchat.typing import is_typing_frame
from bot.core.clock import Clock
from bot.core.messages import PHOTO_TEXT, ChannelName, InboundMessage, MessageKind, options_from_json
from bot.core.phrases import asks_for_traditional
from bot.core.pipeline import Pipeline
from bot.keys import resources, webchat_hub
from bot.media.decoding import DecodeBusy
from bot.media.images import NotAnImage
from bot.media.intake import take_in
from bot.media.quota import PHOTO_QUOTA, quota_reached
from bot.media.uploads import forget_photo, read_upload
from bot.observability.metrics import Metrics
from bot.outbound.typing import TypingRelay
from bot.staff.typing_api import typing_relay_key  # issue 15 (typing)
from bot.storage import store
from bot.storage.media import media_of_messages
from bot.storage.models import Message
from bot.web.body_deadline import streams_body
from bot.web.client_address import client_addresses_key
from bot.web.origins import same_site_origin
from bot.web.responses import STATIC_DIR, api_error, json_body, json_error
from bot.web.security_headers import named_upgrade

log = structlog.get_logger(__name__)

HISTORY_LIMIT = 100
"""One page of ``GET /chat/messages``: what a reload costs the server is bounded, however long the
chat (the widget pages through a gap; from the start, the newest page)."""
REPLAY_LIMIT = 50
"""The newest messages a socket replays on connecting; the widget fetches any it missed before them over HTTP."""
MAX_MESSAGE_ID = 2**63 - 1
NOT_STORED = "not stored, please send again"
TOO_FAST = "too many messages at once: this one was not stored; send it again in a moment"
ADDRESS_TOO_FAST = "address_too_fast"
"""The ``webchat_refused`` metric's reason for a message past its address's characters a minute."""
ADDRESS_TOO_MANY = "address_too_many_messages"
"""The ``webchat_refused`` metric's reason for a message past its address's messages pace."""
TOO_MANY_CONNECTS = "this chat reconnected too often; try again in a moment"
SOCKETS_FULL = {
    SocketsFull.SESSION: "too many open chat windows for this session; close one and try again",
    SocketsFull.ADDRESS: "too many open chat connections from this address; try again later",
}
TOO_MANY_FRAMES = "too many refused frames"
"""The reason a socket is closed with (1008) once it has used up its refused frames."""
TYPING_GAP_SECONDS = 1.0
"""A socket's typing frame this soon after the last one relayed is refused unanswered."""
MAX_LOCALE_CHARS = 35
"""A language tag ("zh-Hant-TW"): BCP 47's longest in practice."""
MAX_TOKEN_CHARS = 64
"""A web chat token is 43 characters (``secrets.token_urlsafe(32)``)."""
BODY_BYTES = 16 * 1024
"""A web chat body's room besides its text."""
ESCAPED_CHAR_BYTES = 12
"""A character of a message's text at its longest in JSON: a surrogate pair, ``\\uXXXX\\uXXXX``."""
PHOTO_IN_FLIGHT = "another photo is still being sent: this one was not read; send it again in a moment"
PHOTOS_BUSY = "too many photos at once: this one was not stored; send it again in a moment"
PHOTO_RETRY_SECONDS = 2
PHOTO_QUOTA_REACHED = "you have sent as many photos as can be taken today: this one was not read"
"""What a customer already sending a photo is told to wait before sending the next."""
flood_guards_key = web.AppKey("webchat_flood_guards", FloodGuards)
_GREETING_WAIT_SECONDS = 5.0
"""A new session's token waits at most this long for its greeting to be stored (see ``Pipeline.open``)."""


async def chat_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "chat.html")


WIDGET_CACHE = "public, max-age=3600"
"""The snippet's URL never changes, so hosts' visitors re-check the widget hourly (ETag: a 304 mostly)."""


async def widget_script(request: web.Request) -> web.StreamResponse:
    """``GET /widget.js``: the embeddable widget (issue 15); 404 while no origin may embed it."""
    if not resources(request).settings.auth.widget_origins:
        raise web.HTTPNotFound(
            text=json.dumps({"error": "the chat widget is off (BOT_WIDGET_ORIGINS)"}), content_type="application/json"
        )
    return web.FileResponse(
        STATIC_DIR / "widget.js",
        headers={"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": WIDGET_CACHE},
    )


async def _read_json(request: web.Request) -> dict[str, Any]:
    """The body read as the staff API reads its own (``json_body``: strict JSON, UTF-8), and no
    larger than a message of the longest text could be."""
    if not request.body_exists:
        return {}
    max_bytes = BODY_BYTES + ESCAPED_CHAR_BYTES * resources(request).config.channels.max_text_chars
    return await json_body(request, max_bytes)


def _short_string(payload: dict[str, Any], name: str, max_chars: int) -> str | None:
    """The field when it is there: 400 unless a string of at most ``max_chars``."""
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, str) and len(value) <= max_chars:
        return value
    raise api_error(400, f"'{name}' must be a string of at most {max_chars} characters")


async def create_session(request: web.Request) -> web.Response:
    """``POST /chat/session``: a new conversation, or the one a known token resumes.

    415 unless sent as ``application/json``, 403 from a browser on another site than this one or a
    widget origin (``BOT_WIDGET_ORIGINS``): another site's page cannot spend its visitors' address's
    session budget (a form or a ``text/plain`` fetch needs no CORS preflight, JSON does)."""
    shared = resources(request)
    if request.content_type != "application/json":
        return json_error(415, "send the session request as Content-Type: application/json")
    auth = shared.settings.auth
    if not same_site_origin(request, shared.settings.public_url, auth.widget_origins):
        shared.metrics.webchat_refused.labels(reason="foreign_origin").inc()
        return json_error(403, "a chat session can be opened from this site's pages only")
    payload = await _read_json(request)
    asked = _short_string(payload, "locale", MAX_LOCALE_CHARS)
    # A browser asking for traditional characters ("zh-TW") is served from the Chinese phrases,
    # shown in its script from the greeting on.
    traditional = asks_for_traditional(asked)
    locale = shared.engine.phrases.locale(shared.engine.phrases.book_for(asked) if asked else None)
    token = _short_string(payload, "token", MAX_TOKEN_CHARS)
    if token is not None:
        async with shared.sessions() as session:
            identity_id = await session.run_sync(store.identity_for_token, token)
            if identity_id is None:
                return json_error(401, "unknown token: start a new session without one")
            conversation_id = await session.run_sync(store.current_conversation_id, identity_id)
            if conversation_id is None:
                conversation_id = await session.run_sync(store.latest_conversation_id, identity_id)
        return web.json_response(
            {
                "token": token,
                "conversation_id": conversation_id,
                "max_text_chars": shared.config.channels.max_text_chars,
            }
        )
    address = request.app[client_addresses_key].limit_key(request)
    try:
        wait = await request.app[flood_guards_key].sessions.take(address)
    except (RedisError, OSError) as error:  # a customer is not turned away for the limiter's sake
        log.warning("webchat.session_limit_unreachable", error=type(error).__name__)
        wait = 0
    if wait > 0:
        shared.metrics.webchat_refused.labels(reason="too_many_sessions").inc()
        refused = json_error(429, "too many new chat sessions from this address; try again later")
        refused.headers["Retry-After"] = str(math.ceil(wait))
        return refused
    now, tier = shared.clock(), shared.engine.config.deadlines.default_tier
    created = await shared.database.write(
        # The address stays with the session: its cases count against ``cases_per_address``.
        lambda session: store.create_webchat_session(session, locale, now, tier, traditional, origin=address[:64])
    )
    await shared.pipeline.open(created.conversation_id, within=_GREETING_WAIT_SECONDS)
    return web.json_response(
        {
            "token": created.token,
            "conversation_id": created.conversation_id,
            "locale": locale,
            "traditional": traditional,
            "max_text_chars": shared.config.channels.max_text_chars,
        },
        status=201,
    )


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def _identity(request: web.Request, token: str | None) -> int:
    if not token:
        raise web.HTTPUnauthorized(
            text=json.dumps({"error": "a web chat token is required"}), content_type="application/json"
        )
    async with resources(request).sessions() as session:
        identity_id = await session.run_sync(store.identity_for_token, token)
    if identity_id is None:
        raise web.HTTPUnauthorized(
            text=json.dumps({"error": "unknown token: start a new session"}), content_type="application/json"
        )
    return identity_id


async def _history(request: web.Request, identity_id: int, after_id: int) -> list[dict[str, Any]]:
    async with resources(request).sessions() as session:
        messages = await session.run_sync(store.webchat_history, identity_id, after_id, HISTORY_LIMIT)
        return await _frames(session, messages)


async def _replay(request: web.Request, identity_id: int) -> tuple[list[dict[str, Any]], bool]:
    """The newest ``REPLAY_LIMIT`` messages, and whether older ones were left out."""
    async with resources(request).sessions() as session:
        messages = await session.run_sync(store.webchat_history, identity_id, 0, REPLAY_LIMIT + 1)
        return await _frames(session, messages[-REPLAY_LIMIT:]), len(messages) > REPLAY_LIMIT


async def _frames(session: AsyncSession, messages: Sequence[Message]) -> list[dict[str, Any]]:
    photos = await session.run_sync(
        media_of_messages, [message.id for message in messages if message.kind == MessageKind.IMAGE]
    )
    closing = await session.run_sync(store.closing_messages, [message.id for message in messages])
    return [
        message_frame(
            message.id,
            message.sender,
            message.text,
            message.created_at,
            message.provider_message_id,
            options_from_json(message.options)[0],
            photos.get(message.id, ()),
            message.id in closing,
        )
        for message in messages
    ]


def _query_token(request: web.Request) -> str | None:
    # Parsed here rather than by ``request.query``, which keeps its parse on the request (and so
    # for the socket's life); the same decoding (``+`` and %-escapes), first value wins.
    for name, value in parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True):
        if name == "token":
            return value
    return None


async def _send_history(request: web.Request, socket: web.WebSocketResponse, identity_id: int) -> None:
    # Its own frame: a loop variable of the handler would keep the last frame (the greeting, for
    # a new customer) for as long as the socket is open.
    frames, more = await _replay(request, identity_id)
    if more:
        await socket.send_json({"type": "history", "more": True, "before": frames[0]["id"]}, dumps=json_text.dumps)
    for frame in frames:
        await socket.send_json(frame, dumps=json_text.dumps)


async def websocket(request: web.Request) -> web.StreamResponse:
    """``GET /chat/ws?token=…``: the newest history first, then live messages both ways.

    Refused before the upgrade: ``429`` when the session or the client address holds as many open
    sockets as allowed on this instance, or the session connects faster than its pace.
    """
    identity_id = await _identity(request, _query_token(request))
    shared, guards = resources(request), request.app[flood_guards_key]
    address = request.app[client_addresses_key].limit_key(request)
    # The slot first: a window retrying while the session's slots are full spends none of its connects.
    # Taken and released by hand, not with ``holding``: its generator would live as long as the socket.
    full = guards.sockets.take(identity_id, address)
    if full is not None:
        shared.metrics.webchat_refused.labels(reason=full.value).inc()
        return json_error(429, SOCKETS_FULL[full])
    try:
        if wait := guards.connects.take(identity_id):
            return _refused(shared.metrics, "too_many_connects", 429, {"error": TOO_MANY_CONNECTS}, wait)
        return await _serve(request, identity_id, address)
    finally:
        guards.sockets.release(identity_id, address)


async def _serve(request: web.Request, identity_id: int, address: str) -> web.WebSocketResponse:
    shared, guards = resources(request), request.app[flood_guards_key]
    # No permessage-deflate even when the browser offers it (they all do): its zlib state costs
    # ~100 KiB per idle connection, for frames of a few hundred bytes.
    # The hub's one heartbeat pings it (``heartbeat.py``); its pings are answered here.
    socket = named_upgrade(web.WebSocketResponse(autoping=False, max_msg_size=64 * 1024, compress=False))
    await socket.prepare(request)
    hub = webchat_hub(request)
    answer = _Answers(
        socket,
        identity_id,
        shared.pipeline,
        shared.clock,
        shared.metrics,
        request.app[typing_relay_key],
        guards.pace,
        guards.address_pace,
        guards.characters,
        address,
        shared.config.channels.max_text_chars,
    )
    budget = FrameBudget(shared.config.channels.webchat)
    hub.add(identity_id, socket)
    try:
        await _send_history(request, socket, identity_id)
        async for message in socket:
            # aiohttp hands over a frame already received without yielding: a socket sending in a
            # tight loop would otherwise keep the event loop for all it has buffered.
            await asyncio.sleep(0)
            hub.heartbeat.heard(socket)
            if budget.take_frame() and await answer(message):
                continue
            if not budget.take_refusal():
                await _close_flooding(socket, shared.metrics, identity_id, budget)
                break
    except ConnectionResetError:
        # The customer's connection went while a frame was written to it (the page closed mid-reply,
        # a phone lost its network): what they sent is stored and the replies wait in the history,
        # so this is no server error (aiohttp would log one, with its traceback, at ERROR).
        log.info("webchat.socket_gone", identity_id=identity_id)
    finally:
        hub.remove(identity_id, socket)
    return socket


@dataclass(slots=True)
class _Answers:
    """What answers one socket's frames."""

    socket: web.WebSocketResponse
    identity_id: int
    pipeline: Pipeline
    clock: Clock
    metrics: Metrics
    typing_relay: TypingRelay
    pace: MessagePace
    address_pace: AddressMessagePace
    characters: AddressCharacters
    address: str
    max_chars: int
    typed_at: float = -math.inf
    """When this socket's last typing frame went to the relay (monotonic seconds)."""

    async def __call__(self, message: WSMessage) -> bool:
        """Answers one frame: False when it was refused (too fast, or not a valid frame)."""
        socket, identity_id = self.socket, self.identity_id
        if message.type is not WSMsgType.TEXT:
            if message.type is WSMsgType.PING:
                await socket.pong(message.data)
            if message.type is not WSMsgType.BINARY:
                return True
            await socket.send_json({"type": "error", "message": "frames must be JSON text"}, dumps=json_text.dumps)
            return False
        if is_typing_frame(message.data):  # issue 15 (typing): relayed to the consoles, never stored
            now = time.monotonic()
            # The widget sends one every 2.5 s: one sooner on the same socket would be throttled
            # by the relay anyway, and is refused without asking Redis.
            if now - self.typed_at < TYPING_GAP_SECONDS:
                return False
            self.typed_at = now
            await self.typing_relay.customer_typing(identity_id)
            return True
        try:
            inbound = parse_frame(message.data, identity_id, self.clock(), max_chars=self.max_chars)
        except FrameError as error:
            await socket.send_json({"type": "error", "message": str(error)}, dumps=json_text.dumps)
            return False
        client_id = inbound.provider_message_id.split(":", 1)[1]
        if wait := self.pace.take(identity_id):
            return await self._too_fast(client_id, "too_fast", wait)
        if wait := self.address_pace.take(self.address):
            return await self._too_fast(client_id, ADDRESS_TOO_MANY, wait)
        if wait := await _address_wait(self.characters, self.address, len(inbound.text)):
            return await self._too_fast(client_id, ADDRESS_TOO_FAST, wait)
        try:
            await self.pipeline.submit(inbound, identity_id=identity_id)
        # Storage failed (logged by the pipeline): the customer resends with the same id.
        except Exception:
            await socket.send_json({"type": "error", "id": client_id, "message": NOT_STORED}, dumps=json_text.dumps)
            return True
        await socket.send_json({"type": "ack", "id": client_id}, dumps=json_text.dumps)
        return True

    async def _too_fast(self, client_id: str, reason: str, wait: float) -> bool:
        """Refuses the message unstored; the widget sends it again after ``retry_after`` seconds."""
        self.metrics.webchat_refused.labels(reason=reason).inc()
        refused = {"type": "error", "id": client_id, "message": TOO_FAST, "retry_after": math.ceil(wait)}
        await self.socket.send_json(refused, dumps=json_text.dumps)
        return False


async def _address_wait(characters: AddressCharacters, address: str, size: int) -> float:
    """0 when the address may send ``size`` more characters now (counted), else the seconds until it may."""
    try:
        return await characters.take(address, size)
    except (RedisError, OSError) as error:  # a customer's message is not refused for the counter's sake
        log.warning("webchat.address_characters_unreachable", error=type(error).__name__)
        return 0.0


async def _close_flooding(
    socket: web.WebSocketResponse, metrics: Metrics, identity_id: int, budget: FrameBudget
) -> None:
    """Closes a socket that went on sending after its refusals were used up (1008)."""
    metrics.webchat_refused.labels(reason=FRAMES_FLOOD).inc()
    log.warning("webchat.socket_flooding", identity_id=identity_id, refused=budget.refused, dropped=budget.dropped)
    await socket.close(code=WSCloseCode.POLICY_VIOLATION, message=TOO_MANY_FRAMES.encode())


async def post_message(request: web.Request) -> web.Response:
    """``POST /chat/messages``: the HTTP fallback for sending."""
    identity_id = await _identity(request, bearer_token(request))
    payload = await _read_json(request)
    shared = resources(request)
    try:
        inbound = parse_message(payload, identity_id, shared.clock(), max_chars=shared.config.channels.max_text_chars)
    except FrameError as error:
        return json_error(400, str(error))
    client_id = inbound.provider_message_id.split(":", 1)[1]
    guards, address = request.app[flood_guards_key], request.app[client_addresses_key].limit_key(request)
    if wait := guards.pace.take(identity_id):
        return _too_fast(shared.metrics, {"error": TOO_FAST, "id": client_id}, wait)
    if wait := guards.address_pace.take(address):
        return _refused(shared.metrics, ADDRESS_TOO_MANY, 429, {"error": TOO_FAST, "id": client_id}, wait)
    if wait := await _address_wait(guards.characters, address, len(inbound.text)):
        return _refused(shared.metrics, ADDRESS_TOO_FAST, 429, {"error": TOO_FAST, "id": client_id}, wait)
    try:
        await shared.pipeline.submit(inbound, identity_id=identity_id)
    except Exception:
        return web.json_response({"error": NOT_STORED, "id": client_id}, status=503)
    return web.json_response({"type": "ack", "id": client_id})


async def get_messages(request: web.Request) -> web.Response:
    """``GET /chat/messages?after=<id>``: the HTTP fallback for receiving."""
    identity_id = await _identity(request, bearer_token(request))
    raw_after = request.query.get("after", "0") or "0"
    # isdigit() also takes digits such as "²" that int() refuses.
    if not (raw_after.isascii() and raw_after.isdigit()) or len(raw_after) > 19 or int(raw_after) > MAX_MESSAGE_ID:
        return json_error(400, "'after' must be a message id (a whole number)")
    return web.json_response({"messages": await _history(request, identity_id, int(raw_after))})


# issue 15 (photos) ---------------------------------------------------------------------------


@streams_body
async def post_media(request: web.Request) -> web.Response:
    """``POST /chat/media`` (multipart: ``file``, optional ``id`` a client UUID): the customer sends
    a photo. 413 when larger than ``max_media_bytes``, 415 when not a JPEG, PNG, GIF or WebP image,
    429 when the customer or their address is already sending ``photos_at_once`` (with
    Retry-After) or has used up the day's ``photo_quota`` (without), 503 with Retry-After when the
    process's photo decoding is busy."""
    identity_id = await _identity(request, bearer_token(request))
    shared = resources(request)
    guards = request.app[flood_guards_key]
    if wait := guards.pace.take(identity_id):  # before reading up to 10 MiB
        return _too_fast(shared.metrics, {"error": TOO_FAST}, wait)
    with guards.photos.holding(identity_id, request.app[client_addresses_key].limit_key(request)) as full:
        if full is not None:
            return _refused(shared.metrics, full, 429, {"error": PHOTO_IN_FLIGHT}, PHOTO_RETRY_SECONDS)
        return await _take_photo(request, identity_id)


async def _address_quota_reached(photo_bytes: AddressPhotoBytes, address: str) -> bool:
    try:
        return await photo_bytes.reached(address)
    except (RedisError, OSError) as error:  # a customer's photo is not refused for the counter's sake
        log.warning("webchat.photo_bytes_unreachable", error=type(error).__name__)
        return False


async def _count_address_bytes(photo_bytes: AddressPhotoBytes, address: str, size: int) -> None:
    try:
        await photo_bytes.add(address, size)
    except (RedisError, OSError) as error:
        log.warning("webchat.photo_bytes_unreachable", error=type(error).__name__)


async def _take_photo(request: web.Request, identity_id: int) -> web.Response:
    shared = resources(request)
    decoding = shared.image_decoding
    photo_bytes, address = (
        request.app[flood_guards_key].photo_bytes,
        request.app[client_addresses_key].limit_key(request),
    )
    if decoding.full:  # the photo would wait for nothing: refused before it is read
        return _refused(shared.metrics, "photos_busy", 503, {"error": PHOTOS_BUSY}, decoding.retry_after)
    if await quota_reached(
        shared.sessions, shared.config.channels.photo_quota, identity_id, shared.clock()
    ) or await _address_quota_reached(photo_bytes, address):
        shared.metrics.webchat_refused.labels(reason=PHOTO_QUOTA).inc()
        return web.json_response({"error": PHOTO_QUOTA_REACHED, "reason": PHOTO_QUOTA}, status=429)
    upload = await read_upload(request, shared.config.channels.max_media_bytes, {"id": 64})
    if isinstance(upload, web.Response):
        return upload
    assert upload.file is not None
    raw_id = upload.fields.get("id")
    try:
        client_id = client_message_id(raw_id) if raw_id is not None else str(uuid.uuid4())
    except FrameError as error:
        return json_error(400, str(error))
    files, now = shared.media, shared.clock()
    try:
        media_id, prepared = await take_in(
            upload.file, ChannelName.WEBCHAT.value, files, shared.database, now, decoding
        )
    except NotAnImage:
        return json_error(415, "only photos can be sent (JPEG, PNG, GIF or WebP)")
    except DecodeBusy as busy:
        return _refused(shared.metrics, "photos_busy", 503, {"error": PHOTOS_BUSY, "id": client_id}, busy.retry_after)
    except Exception:
        log.warning("media.not_stored", exc_info=True)
        return web.json_response({"error": NOT_STORED, "id": client_id}, status=503)
    # Counted once stored (a retry's copy, forgotten below, is counted too: the address sent it).
    await _count_address_bytes(photo_bytes, address, len(prepared.data) + len(prepared.thumb))
    inbound = InboundMessage(
        channel=ChannelName.WEBCHAT,
        sender_id=str(identity_id),
        provider_message_id=f"{identity_id}:{client_id}",
        text=PHOTO_TEXT,
        sent_at=now,
        kind=MessageKind.IMAGE,
        media_id=media_id,  # linked as the message is stored: its live frame shows the photo
    )
    try:
        stored = await shared.pipeline.submit(inbound, identity_id=identity_id)
    except Exception:
        await forget_photo(shared.database, files, media_id)
        return web.json_response({"error": NOT_STORED, "id": client_id}, status=503)
    try:
        if stored.duplicate:  # a retry: the message already has its photo
            await forget_photo(shared.database, files, media_id)
        async with shared.sessions() as session:
            photos = await session.run_sync(media_of_messages, [stored.message_id])
    except Exception:
        return web.json_response({"error": NOT_STORED, "id": client_id}, status=503)
    return web.json_response(
        {"type": "ack", "id": client_id, "media": [media_links(found) for found in photos.get(stored.message_id, [])]}
    )


def _too_fast(metrics: Metrics, body: dict[str, str], wait: float) -> web.Response:
    return _refused(metrics, "too_fast", 429, body, wait)


def _refused(metrics: Metrics, reason: str, status: int, body: dict[str, str], wait: float) -> web.Response:
    metrics.webchat_refused.labels(reason=reason).inc()
    refused = web.json_response(body, status=status)
    refused.headers["Retry-After"] = str(math.ceil(wait))
    return refused


async def flood_guards_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx (after the resources'): the web chat limits of ``channels.webchat``."""
    shared = resources(app)
    limits = shared.config.channels.webchat
    app[flood_guards_key] = FloodGuards(
        MessagePace(limits),
        AddressMessagePace(limits),
        SessionStarts(shared.redis, limits),
        AddressCharacters(shared.redis, limits),
        ConnectPace(limits),
        OpenSockets(limits),
        PhotosInFlight(limits),
        AddressPhotoBytes(shared.redis, shared.config.channels.photo_quota),
    )
    yield


async def heartbeat_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx (after the resources'): the rounds of the web chat sockets' heartbeat."""
    every = resources(app).config.channels.webchat.ping_every_seconds
    rounds = asyncio.get_running_loop().create_task(webchat_hub(app).heartbeat.run(every))
    yield
    rounds.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await rounds


def add_routes(app: web.Application) -> None:
    app.cleanup_ctx.append(flood_guards_context)
    app.cleanup_ctx.append(heartbeat_context)
    app.router.add_get("/chat", chat_page)
    app.router.add_get("/chat/", _to_chat)  # a typed or linked trailing slash: the page, not a bare 404
    app.router.add_get("/widget.js", widget_script)
    app.router.add_post("/chat/session", create_session)
    app.router.add_get("/chat/ws", websocket)
    app.router.add_post("/chat/messages", post_message)
    app.router.add_get("/chat/messages", get_messages)
    app.router.add_post("/chat/media", post_media)  # issue 15 (photos)
    app.router.add_static("/static/", STATIC_DIR)


async def _to_chat(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(request.rel_url.with_path("/chat").with_query(request.rel_url.query))
