"""WeChat official account through wechatpy: signed (and optionally encrypted) XML in,
customer-service messages out.

Inbound requests are checked (signature and its timestamp's age; with an EncodingAESKey only
safe mode, with ``msg_signature``, decryption and the appid, the previous key accepted during a
key rotation) and their XML read field by field: anything WeChat would not send is a
RequestRejected, never an unexpected exception. Outbound messages use wechatpy's blocking API
client in a thread, with the access token shared through Redis so that one process at a time
refreshes it. The adapter touches neither storage nor the engine.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import math
import re
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

import structlog
import xmltodict
from redis.asyncio import Redis
from wechatpy import parse_message
from wechatpy.client import WeChatClient
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException, WeChatClientException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.channels.base import DeliveryError, MediaUnavailable, render_text
from bot.channels.signed_bodies import BodyBinding
from bot.channels.splitting import split_text, utf8_bytes
from bot.core import redis_keys
from bot.core.messages import (
    LOCATION_PREFIX,
    PHOTO_TEXT,
    VOICE_PREFIX,
    ChannelName,
    InboundMessage,
    MenuAction,
    MenuChoice,
    MessageKind,
    OutboundMessage,
    Photo,
    on_earth,
)

log = structlog.get_logger(__name__)

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
"""Access token invalid or expired: fetch a new one and try once more."""
MAX_TEXT_BYTES = 2048
"""The commonly documented limit of a customer-service text message's ``content`` (UTF-8 bytes):
a longer reply goes as several messages. A passive reply is kept within it too."""
PERMANENT_ERRORS = frozenset({40003, 40037, 43004, 45015, 45047, 48001})
"""Bad openid, bad template id, not following, outside the 48-hour window, over the quota, no permission."""


class _Client(WeChatClient):  # type: ignore[misc]
    """wechatpy's client against a configurable API base (its token URL is fixed upstream)."""

    def __init__(self, appid: str, secret: str, api_base: str, access_token: str | None = None) -> None:
        super().__init__(appid, secret, access_token=access_token, timeout=10)
        base = api_base.rstrip("/")
        self.API_BASE_URL = f"{base}/cgi-bin/"
        self._token_url = f"{base}/cgi-bin/token"

    def fetch_access_token(self) -> dict[str, Any]:
        return dict(
            self._fetch_access_token(
                url=self._token_url,
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )
        )


def _send_text(client: _Client, recipient: str, text: str) -> Any:
    return client.message.send_text(recipient, text)


class RequestRejected(Exception):
    """A request that is not from WeChat or cannot be read: answer 4xx and store nothing."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


OPENING_EVENTS = frozenset({"subscribe", "click"})
"""Events answered as the customer opening the conversation (the greeting, or the question the
conversation is at): following the account, and a menu button the menu leaves to ``open``."""
OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What a sender's openid (28 characters in practice; it keys the customer's identity) and the
account's own id (``gh_…``) look like."""
_COORDINATE = re.compile(r"-?\d{1,3}(\.\d{1,15})?", re.ASCII)
_EVENT_ENVELOPE = frozenset({"ToUserName", "FromUserName", "CreateTime", "MsgType", "Event"})
"""What every event push carries; the rest tells two events of one second apart."""
MAX_CREATE_TIME = 2**32 - 1
"""WeChat's CreateTime is a 32-bit Unix time; anything larger is not from WeChat."""


WECHAT_DEPTH = 2
"""WeChat's XML is ``<xml>`` and its fields: an element nested deeper is no WeChat message."""
WECHAT_MAX_ELEMENTS = 64
"""Far more elements than any WeChat push carries (a location event has a dozen)."""


class _NotWechatShape(Exception):
    """Raised inside the shape scan to stop expat at the first element WeChat would not send."""


def _check_shape(document: str | bytes) -> None:
    """Refuse, before any dictionary is built, XML deeper than WeChat's, with more elements than
    it sends, or with a DOCTYPE (WeChat sends none, and entities come with one): expat stops at
    the first such element, so a body of 100,000 nested elements costs a few microseconds, not
    seconds of the event loop. Raises RequestRejected (400)."""
    parser = expat.ParserCreate()
    depth = 0
    elements = 0

    def start(name: str, attributes: object) -> None:
        nonlocal depth, elements
        depth += 1
        elements += 1
        if depth > WECHAT_DEPTH:
            raise _NotWechatShape(f"<{name[:32]}> nested deeper than WeChat's XML")
        if elements > WECHAT_MAX_ELEMENTS:
            raise _NotWechatShape("more elements than a WeChat message has")

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_: object) -> None:
        raise _NotWechatShape("a DOCTYPE")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(document, True)
    except _NotWechatShape as error:
        raise RequestRejected(400, f"not WeChat XML: {error}") from error
    except expat.ExpatError as error:
        raise RequestRejected(400, f"not WeChat XML: {type(error).__name__}") from error


def _fields(xml: str) -> dict[str, str]:
    """The top-level elements of a pushed message as text (an empty element is "").

    Raises RequestRejected for an empty body, XML that is not one ``<xml>`` element, and for
    elements that are repeated or have children (WeChat sends neither).
    """
    if not xml.strip():
        raise RequestRejected(400, "empty body")
    _check_shape(xml)
    try:
        document = xmltodict.parse(xml, disable_entities=True)
    except Exception as error:
        raise RequestRejected(400, f"not WeChat XML: {type(error).__name__}") from error
    root = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise RequestRejected(400, "not WeChat XML: no <xml> element with fields")
    fields: dict[str, str] = {}
    for name, value in root.items():
        if value is not None and not isinstance(value, str):
            raise RequestRejected(400, f"not WeChat XML: <{name}> is not a single text element")
        fields[name] = value or ""
    return fields


def _required(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name, "").strip()
    if not value:
        raise RequestRejected(400, f"missing <{name}>")
    return value


def _create_time(value: str | None) -> int:
    if value is None or not _is_digits(value.strip()) or len(value.strip()) > 12:
        raise RequestRejected(400, "missing or non-numeric <CreateTime>")
    created = int(value)
    if not 0 < created <= MAX_CREATE_TIME:
        raise RequestRejected(400, "<CreateTime> out of range")
    return created


def _message_text(content: str) -> str | None:
    """The customer's text of a WeChat text message; None when there is nothing to read
    (WeChat's clients send no empty messages: such a push is answered and ignored)."""
    text = content.strip()
    return text or None


def _kind_and_text(
    message_type: str, event: str, fields: Mapping[str, str], pressed: MenuChoice | None
) -> tuple[MessageKind | None, str]:
    if message_type == "text":
        text = _message_text(fields.get("Content", ""))
        return (MessageKind.TEXT, text) if text is not None else (None, "")
    if message_type == "event":
        if pressed is not None:
            return MessageKind.MENU, pressed.text
        return (MessageKind.START, "") if event in OPENING_EVENTS else (None, "")
    if message_type == "image":
        return MessageKind.IMAGE, PHOTO_TEXT
    if message_type == "voice":
        recognition = fields.get("Recognition", "").strip()
        return MessageKind.VOICE, f"{VOICE_PREFIX} {recognition}" if recognition else VOICE_PREFIX
    if message_type == "location":
        x, y = fields.get("Location_X", "").strip(), fields.get("Location_Y", "").strip()
        if not (_is_number(x) and _is_number(y)):
            raise RequestRejected(400, "location without numeric <Location_X> and <Location_Y>")
        label = fields.get("Label", "").strip()
        if not _is_coordinate(x) or not _is_coordinate(y) or not on_earth(float(x), float(y)):
            return MessageKind.LOCATION, f"{LOCATION_PREFIX} {label}".rstrip()
        return MessageKind.LOCATION, f"{LOCATION_PREFIX} {label} ({x},{y})"
    if message_type == "link":
        return MessageKind.LINK, f"[link] {fields.get('Title', '').strip()} {fields.get('Url', '').strip()}".rstrip()
    return None, ""


def _asked_by_button(
    message_type: str, event: str, fields: Mapping[str, str], menu: Mapping[str, MenuChoice]
) -> MenuChoice | None:
    """What a menu button asks, as the menu configures it for its EventKey; None for other pushes
    and for a button that asks nothing (``open``, or a key the menu does not name: it opens the
    conversation, as following the account does)."""
    if message_type != "event" or event != "click":
        return None
    choice = menu.get(fields.get("EventKey", "").strip())
    return choice if choice is not None and choice.action is not MenuAction.OPEN else None


def _is_digits(value: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts "²" and other scripts' digits)."""
    return value.isascii() and value.isdigit()


def _is_coordinate(value: str) -> bool:
    """Written as WeChat writes a coordinate ("23.134521"); ``float`` would also read "1_0", "1e1", "٣"."""
    return _COORDINATE.fullmatch(value) is not None


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def followed_the_account(provider_message_id: str | None) -> bool:
    """Whether a stored ``START`` message was the customer following the account (a ``subscribe``
    push) rather than pressing a menu button that opens the conversation: an event's provider id
    (:func:`_provider_id`) ends with the event's name."""
    written = provider_message_id or ""
    return written.startswith("event:") and written.endswith(":subscribe")


def _provider_id(fields: Mapping[str, str], message_type: str, event: str, sender: str, created: int, text: str) -> str:
    """The dedupe key WeChat's retries share: the sender and ``MsgId`` (a MsgId is one sender's:
    another openid's message with the same number is a message of its own); for events (and a
    message without one) the sender and ``CreateTime``, as WeChat advises, plus what the message
    says so two different messages of one second stay apart. For an event that is every field besides the
    envelope (a button's ``EventKey``, a QR code's ``Ticket``…), and the key ends with the
    event's name (see :func:`followed_the_account`)."""
    if message_type == "event":
        details = sorted((name, value) for name, value in fields.items() if name not in _EVENT_ENVELOPE)
        if not details:
            return f"event:{sender}:{created}:{event}"
        said = "\n".join(f"{name}={value}" for name, value in details)
        return f"event:{sender}:{created}:{hashlib.sha256(said.encode()).hexdigest()[:16]}:{event}"
    msg_id = fields.get("MsgId", "").strip()
    if msg_id and not (_is_digits(msg_id) and len(msg_id) <= 20):
        raise RequestRejected(400, "non-numeric <MsgId>")
    if msg_id and int(msg_id) != 0:
        return f"msg:{sender}:{int(msg_id)}"
    digest = hashlib.sha256(f"{message_type}\n{text}".encode()).hexdigest()[:16]
    return f"msg:{sender}:{created}:{digest}"


@dataclass(frozen=True, slots=True)
class WechatSettings:
    token: str
    appid: str
    secret: str
    aes_key: str | None = None
    aes_key_previous: str | None = None
    api_base: str = "https://api.weixin.qq.com"
    signature_max_age_seconds: float = 300.0
    """A signed request's ``timestamp`` may be this far in the past or the future."""


class WechatAdapter:
    name = ChannelName.WECHAT
    accepts_idempotency_key = False
    sends_photos = True  # issue 15

    def __init__(self, settings: WechatSettings, redis: Redis | None = None) -> None:
        self.settings = settings
        self._redis = redis
        # wechatpy's client is blocking (requests) and runs in worker threads: one per thread, so
        # each keeps its connections to WeChat open between calls instead of a TLS handshake a message.
        self._clients = threading.local()
        self._cryptos = [
            WeChatCrypto(settings.token, key, settings.appid)
            for key in (settings.aes_key, settings.aes_key_previous)
            if key
        ]

    # ------------------------------------------------------------------ inbound

    def verify_url(self, query: Mapping[str, str], now: dt.datetime) -> str:
        """The ``echostr`` to answer for URL verification; raises RequestRejected."""
        self._check_plain_signature(query, now)
        return query.get("echostr", "")

    def _check_plain_signature(self, query: Mapping[str, str], now: dt.datetime) -> None:
        """``signature`` over token, timestamp and nonce, with a timestamp inside the window:
        a captured signature cannot be replayed later."""
        timestamp = query.get("timestamp", "")
        try:
            check_signature(self.settings.token, query.get("signature", ""), timestamp, query.get("nonce", ""))
        except InvalidSignatureException as error:
            raise RequestRejected(403, "bad signature") from error
        if not _is_digits(timestamp) or len(timestamp) > 12:
            raise RequestRejected(403, "bad timestamp")
        age = now.timestamp() - int(timestamp)
        if abs(age) > self.settings.signature_max_age_seconds:
            raise RequestRejected(403, "timestamp outside the allowed window (check the server clock)")

    def read(self, query: Mapping[str, str], body: bytes, now: dt.datetime) -> tuple[str, WeChatCrypto | None]:
        """The plain XML of a POST (decrypted in safe and compatible mode) and the crypto that
        decrypted it, to encrypt a passive reply with; raises RequestRejected.

        Plain mode signs only token, timestamp and nonce, not the body: with an EncodingAESKey
        configured, only encrypted bodies (whose ``msg_signature`` covers them) are accepted.
        """
        self._check_plain_signature(query, now)
        if query.get("encrypt_type", "raw") != "aes":
            if self._cryptos:
                raise RequestRejected(403, "plain message refused: an EncodingAESKey is configured (use safe mode)")
            return body.decode("utf-8", errors="strict"), None
        if not self._cryptos:
            raise RequestRejected(400, "encrypted message but no EncodingAESKey is configured")
        _check_shape(body)  # wechatpy reads the envelope with xmltodict before checking it
        failure: Exception | None = None
        for crypto in self._cryptos:
            try:
                plain = crypto.decrypt_message(body, query.get("msg_signature", ""), query["timestamp"], query["nonce"])
                return str(plain), crypto
            except InvalidSignatureException as error:
                raise RequestRejected(403, "bad msg_signature") from error
            except InvalidAppIdException as error:
                raise RequestRejected(403, "message for another appid") from error
            except Exception as error:  # a wrong key fails to decrypt: try the previous one
                failure = error
        raise RequestRejected(400, f"cannot decrypt the message: {type(failure).__name__}")

    def body_binding(self, query: Mapping[str, str], body: bytes) -> BodyBinding | None:
        """In plain mode, what ties the (already checked) signed query to this body: the first body
        pushed with a signature, timestamp and nonce is the only one accepted with them until the
        timestamp is out of its window (twice the window, to be sure). A retry with the same body
        passes; another body is refused (403), and with Redis unreachable the push is too (503):
        :mod:`bot.channels.signed_bodies` checks it. None in safe mode: ``msg_signature`` covers
        the body. Raises RequestRejected (503) when the adapter has no Redis to check it with."""
        if query.get("encrypt_type", "raw") == "aes":
            return None
        if self._redis is None:
            raise RequestRejected(503, "no Redis to bind the signed query to its body")
        signed = "\n".join(query.get(name, "") for name in ("signature", "timestamp", "nonce"))
        key = redis_keys.wechat_signed_query(self.settings.appid, hashlib.sha256(signed.encode()).hexdigest())
        ttl_ms = int(2 * self.settings.signature_max_age_seconds * 1000)
        return BodyBinding(key, hashlib.sha256(body).hexdigest(), ttl_ms)

    def parse(self, xml: str, now: dt.datetime, menu: Mapping[str, MenuChoice] | None = None) -> InboundMessage | None:
        """The message as an inbound message, or None for what the bot does not handle (other
        types and events, a text message with no text); raises RequestRejected for XML that is
        not a WeChat message. ``menu``: what each menu button (its ``EventKey``) does, from
        ``config/channels.yaml``; a button it does not name opens the conversation."""
        fields = _fields(xml)
        sender = _required(fields, "FromUserName")
        if not OPENID.fullmatch(sender):
            raise RequestRejected(400, "<FromUserName> is not an openid")
        if not OPENID.fullmatch(_required(fields, "ToUserName")):
            # The account's own id; it goes back into a passive reply, so nothing else may pass.
            raise RequestRejected(400, "<ToUserName> is not an account id")
        created = _create_time(fields.get("CreateTime"))
        message_type = _required(fields, "MsgType").lower()
        event = (fields.get("Event") or "").lower()
        pressed = _asked_by_button(message_type, event, fields, menu or {})
        kind, text = _kind_and_text(message_type, event, fields, pressed)
        if kind is None:
            log.info("wechat.ignored", message_type=message_type, wechat_event=event or None)
            return None
        return InboundMessage(
            channel=ChannelName.WECHAT,
            sender_id=sender,
            provider_message_id=_provider_id(fields, message_type, event, sender, created, text),
            text=text,
            sent_at=now,
            kind=kind,
            raw=xml,
            media_ref=(fields.get("MediaId") or "").strip() or None if kind is MessageKind.IMAGE else None,
            menu=pressed,
        )

    @staticmethod
    def fits_passive_reply(text: str) -> bool:
        """Whether ``text`` fits one text message (longer: the replies go by the API, in pieces)."""
        return utf8_bytes(text) <= MAX_TEXT_BYTES

    @staticmethod
    def passive_reply(xml: str, text: str, query: Mapping[str, str], crypto: WeChatCrypto | None) -> str:
        """A text reply to the pushed message, encrypted when the push was. wechatpy writes the text
        into a CDATA section as it is: a "]]>" in it (a customer's words restated) would end the
        section and break the reply, so it is split across two sections."""
        reply = TextReply(content=text.replace("]]>", "]]]]><![CDATA[>"), message=parse_message(xml)).render()
        if crypto is None:
            return str(reply)
        return str(crypto.encrypt_message(reply, query.get("nonce", ""), query.get("timestamp")))

    # ------------------------------------------------------------------ outbound

    async def send(self, recipient: str, message: OutboundMessage, outbound_id: int) -> str:
        """A customer-service text message, or several in order when the text is longer than
        ``MAX_TEXT_BYTES`` (cut at line and sentence ends); WeChat returns no message id, so the
        outbound id stands in.

        A photo (issue 15) is uploaded as temporary media, then sent as an image message; its
        caption follows as text.
        """
        return await self.send_rest(recipient, message, outbound_id, ())

    async def send_rest(
        self, recipient: str, message: OutboundMessage, outbound_id: int, sent_pieces: Sequence[str]
    ) -> str:
        """:meth:`send` after the pieces (the photo, texts) an earlier attempt sent: WeChat gives
        them no id, so a piece's id is its number ("1", "2"); a failure carries those sent."""
        text = render_text(message)
        steps: list[Callable[[], Awaitable[Any]]] = []
        if message.photo is not None:
            steps.append(functools.partial(self._send_photo, recipient, message.photo))
        if text or message.photo is None:
            steps.extend(
                functools.partial(self._call, functools.partial(_send_text, recipient=recipient, text=piece))
                for piece in split_text(text, MAX_TEXT_BYTES, utf8_bytes)
            )
        sent = list(sent_pieces)
        for step in steps[len(sent) :]:
            try:
                await step()
            except DeliveryError as error:
                raise DeliveryError(str(error), error.permanent, sent) from error
            sent.append(str(len(sent) + 1))
        return f"cs:{outbound_id}"

    async def _send_photo(self, recipient: str, photo: Photo) -> None:
        uploaded = await self._call(
            lambda client: client.media.upload("image", (photo.filename, photo.data, photo.content_type))
        )
        media_id = uploaded.get("media_id") if isinstance(uploaded, dict) else None
        if not media_id:
            raise DeliveryError(f"WeChat did not take the photo: {uploaded}", permanent=False)
        await self._call(lambda client: client.message.send_image(recipient, media_id))

    async def show_typing(self, recipient: str) -> None:
        """The customer-service "typing" state (issue 15): WeChat shows it for 15 s or until the next
        message; only inside the 48-hour window. wechatpy has no wrapper, so its generic ``post``."""
        await self._call(
            lambda client: client.post("message/custom/typing", data={"touser": recipient, "command": "Typing"})
        )

    async def send_template(self, recipient: str, template_id: str, field: str, text: str) -> str:
        """A template message, for outside the customer-service window; returns WeChat's msgid."""
        result = await self._call(
            lambda client: client.message.send_template(recipient, template_id, {field: {"value": text}})
        )
        return f"template:{result.get('msgid', '')}"

    async def download_media(self, ref: str, max_bytes: int) -> bytes:
        """The temporary media with this MediaId, through wechatpy's media API (issue 15); raises
        :class:`MediaUnavailable`. WeChat keeps such media for three days."""
        try:
            response = await self._call(lambda client: client.media.download(ref))
        except DeliveryError as error:
            raise MediaUnavailable(str(error), error.permanent) from error
        # wechatpy returns the JSON error as a dict when WeChat answers with one (e.g. 40007, a bad media id).
        if isinstance(response, dict):
            raise MediaUnavailable(f"WeChat refused: {response}", permanent=True)
        data = bytes(response.content)
        if len(data) > max_bytes:
            raise MediaUnavailable(f"the photo is larger than {max_bytes} bytes", permanent=True)
        return data

    async def _call(self, request: Callable[[_Client], Any]) -> Any:
        """Run a blocking API call in a thread with the shared token, refreshing it once if refused."""
        for attempt in range(2):
            try:
                token = await self._access_token(refresh=attempt > 0)
                return await asyncio.to_thread(request, self._client(token))
            except WeChatClientException as error:
                if error.errcode in TOKEN_ERRORS and attempt == 0:
                    continue
                permanent = error.errcode in PERMANENT_ERRORS
                raise DeliveryError(f"WeChat refused: {error.errcode} {error.errmsg}", permanent) from error
            except DeliveryError:
                raise
            except Exception as error:
                raise DeliveryError(f"WeChat unreachable: {error}", permanent=False) from error
        raise DeliveryError("access token refused twice", permanent=False)

    def _client(self, access_token: str | None = None) -> _Client:
        """This thread's client, carrying ``access_token`` when given."""
        client: _Client | None = getattr(self._clients, "client", None)
        if client is None:
            client = _Client(self.settings.appid, self.settings.secret, self.settings.api_base)
            self._clients.client = client
        if access_token is not None:  # fetching a token needs none
            client.session.set(client.access_token_key, access_token)
        return client

    async def _access_token(self, refresh: bool = False) -> str:
        """The shared access token; only the holder of the Redis lock fetches a new one."""
        if self._redis is None:
            raise DeliveryError("no Redis to share the WeChat access token", permanent=False)
        key, lock = f"bot:wechat:{self.settings.appid}:access_token", f"bot:wechat:{self.settings.appid}:refreshing"
        stale = await self._redis.get(key) if refresh else None
        for _ in range(100):
            current = await self._redis.get(key)
            if current and current != stale:
                return current.decode() if isinstance(current, bytes) else str(current)
            if await self._redis.set(lock, "1", nx=True, ex=30):
                try:
                    result = await asyncio.to_thread(self._client().fetch_access_token)
                    token = str(result["access_token"])
                    expires = max(60, int(result.get("expires_in", 7200)) - 300)
                    await self._redis.set(key, token, ex=expires)
                    return token
                finally:
                    await self._redis.delete(lock)
            await asyncio.sleep(0.1)
        raise DeliveryError("timed out waiting for another process to refresh the access token", permanent=False)
