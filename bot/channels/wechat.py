"""WeChat official account through wechatpy: signed (and optionally encrypted) XML in,
customer-service messages out.

Inbound requests are checked (signature; in safe mode ``msg_signature``, decryption and the
appid, with the previous EncodingAESKey accepted during a key rotation) and parsed with
``wechatpy.parse_message``. Outbound messages use wechatpy's blocking API client in a thread,
with the access token shared through Redis so that one process at a time refreshes it. The
adapter touches neither storage nor the engine.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from redis.asyncio import Redis
from wechatpy import parse_message
from wechatpy.client import WeChatClient
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException, WeChatClientException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.channels.base import render_text
from bot.channels.sms import DeliveryError
from bot.messages import ChannelName, InboundMessage, MessageKind, OutboundMessage

log = structlog.get_logger(__name__)

TOKEN_ERRORS = frozenset({40001, 40014, 42001})
"""Access token invalid or expired: fetch a new one and try once more."""
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


class RequestRejected(Exception):
    """A request that is not from WeChat or cannot be read: answer 4xx and store nothing."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True, slots=True)
class WechatSettings:
    token: str
    appid: str
    secret: str
    aes_key: str | None = None
    aes_key_previous: str | None = None
    api_base: str = "https://api.weixin.qq.com"


class WechatAdapter:
    name = ChannelName.WECHAT
    accepts_idempotency_key = False

    def __init__(self, settings: WechatSettings, redis: Redis | None = None) -> None:
        self.settings = settings
        self._redis = redis
        self._cryptos = [
            WeChatCrypto(settings.token, key, settings.appid)
            for key in (settings.aes_key, settings.aes_key_previous)
            if key
        ]

    # ------------------------------------------------------------------ inbound

    def verify_url(self, query: Mapping[str, str]) -> str:
        """The ``echostr`` to answer for URL verification; raises RequestRejected."""
        self._check_plain_signature(query)
        return query.get("echostr", "")

    def _check_plain_signature(self, query: Mapping[str, str]) -> None:
        try:
            check_signature(
                self.settings.token, query.get("signature", ""), query.get("timestamp", ""), query.get("nonce", "")
            )
        except InvalidSignatureException as error:
            raise RequestRejected(403, "bad signature") from error

    def read(self, query: Mapping[str, str], body: bytes) -> tuple[str, WeChatCrypto | None]:
        """The plain XML of a POST (decrypted in safe and compatible mode) and the crypto that
        decrypted it, to encrypt a passive reply with; raises RequestRejected."""
        self._check_plain_signature(query)
        if query.get("encrypt_type", "raw") != "aes":
            return body.decode("utf-8", errors="strict"), None
        if not self._cryptos:
            raise RequestRejected(400, "encrypted message but no EncodingAESKey is configured")
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

    def parse(self, xml: str, now: dt.datetime) -> InboundMessage | None:
        """The message as an inbound message, or None for what the bot does not handle."""
        try:
            message = parse_message(xml)
        except Exception as error:
            raise RequestRejected(400, f"not WeChat XML: {type(error).__name__}") from error
        sender = str(message.source)
        created = int(message.create_time.timestamp())
        kind, text = self._kind_and_text(message)
        if kind is None:
            log.info("wechat.ignored", message_type=message.type, wechat_event=getattr(message, "event", None))
            return None
        provider_id = f"event:{sender}:{created}:{message.event}" if message.type == "event" else f"msg:{message.id}"
        return InboundMessage(
            channel=ChannelName.WECHAT,
            sender_id=sender,
            provider_message_id=provider_id,
            text=text,
            sent_at=now,
            kind=kind,
            raw=xml,
        )

    @staticmethod
    def passive_reply(xml: str, text: str, query: Mapping[str, str], crypto: WeChatCrypto | None) -> str:
        """A text reply to the pushed message, encrypted when the push was."""
        reply = TextReply(content=text, message=parse_message(xml)).render()
        if crypto is None:
            return str(reply)
        return str(crypto.encrypt_message(reply, query.get("nonce", ""), query.get("timestamp")))

    @staticmethod
    def _kind_and_text(message: Any) -> tuple[MessageKind | None, str]:
        kind = message.type
        if kind == "text":
            return MessageKind.TEXT, str(message.content)
        if kind == "event":
            return (MessageKind.START, "") if message.event == "subscribe" else (None, "")
        if kind == "image":
            return MessageKind.IMAGE, "[image]"
        if kind == "voice":
            recognition = getattr(message, "recognition", None)
            return MessageKind.VOICE, f"[voice] {recognition}" if recognition else "[voice]"
        if kind == "location":
            return MessageKind.LOCATION, f"[location] {message.label} ({message.location_x},{message.location_y})"
        if kind == "link":
            return MessageKind.LINK, f"[link] {message.title} {message.url}"
        return None, ""

    # ------------------------------------------------------------------ outbound

    async def send(self, recipient: str, message: OutboundMessage, outbound_id: int) -> str:
        """A customer-service text message; WeChat returns no message id, so the outbound id stands in."""
        text = render_text(message)
        await self._call(lambda client: client.message.send_text(recipient, text))
        return f"cs:{outbound_id}"

    async def send_template(self, recipient: str, template_id: str, field: str, text: str) -> str:
        """A template message, for outside the customer-service window; returns WeChat's msgid."""
        result = await self._call(
            lambda client: client.message.send_template(recipient, template_id, {field: {"value": text}})
        )
        return f"template:{result.get('msgid', '')}"

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
        return _Client(self.settings.appid, self.settings.secret, self.settings.api_base, access_token)

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
