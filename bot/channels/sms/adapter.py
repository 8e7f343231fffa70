"""SMS through an HTTP gateway in the Twilio-compatible dialect.

Inbound: form posts signed with ``X-Twilio-Signature`` (HMAC-SHA1 over the full URL and the
sorted parameters, base64, keyed with the auth token). Outbound: ``POST
{base}/2010-04-01/Accounts/{sid}/Messages.json`` with the stored message id as
``Idempotency-Key``. The adapter touches neither storage nor the engine.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp

from bot.channels.base import DeliveryError, render_text
from bot.channels.text_input import has_unstorable
from bot.core.messages import ChannelName, InboundMessage, OutboundMessage

GSM7_CHARACTERS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€")
# E.164 numbers have at most 15 digits and Twilio's sids 34 characters: longer values are not
# real (and would not fit the phone and provider id columns).
MAX_ADDRESS_CHARS = 32
MAX_SID_CHARS = 64
FORM = "application/x-www-form-urlencoded"

MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-f]{32}")
"""A message's id as the gateway makes it (Twilio's, and the stub's ``SM`` + a uuid4's hex)."""
INBOUND_FIELDS = ("AccountSid", "MessageSid", "From", "To", "Body", "NumSegments")
"""What the gateway sends with every inbound message."""
STATUS_FIELDS = ("AccountSid", "MessageSid", "MessageStatus")
"""What the gateway sends with every delivery report."""
_SEGMENTS = re.compile(r"[0-9]{1,3}")


def form_problem(params: Mapping[str, str], required: tuple[str, ...]) -> str | None:
    """What makes a signed form one the gateway cannot have sent; None when nothing does.

    The signature joins names and values with nothing between them, so the fields of a captured
    request can be cut anew under the same signature: "MessageSid" = "SM…NumSegments1" with
    NumSegments dropped is a new message id. Every field the gateway always sends must be there
    and the id must have the gateway's exact shape, which leaves no boundary to move."""
    missing = [field for field in required if field not in params]
    if missing:
        return f"missing form field {missing[0]!r}"
    if not MESSAGE_SID.fullmatch(params["MessageSid"]):
        return "form field 'MessageSid' is not a message id (SM or MM and 32 hexadecimal digits)"
    if "NumSegments" in required and not _SEGMENTS.fullmatch(params["NumSegments"]):
        return "form field 'NumSegments' is not a number"
    return None


def signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The ``X-Twilio-Signature`` of a request to ``url`` with form ``params``."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode("utf-8", "surrogatepass"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def segments(text: str) -> int:
    """How many SMS segments ``text`` takes: GSM-7 160/153 characters, else UCS-2 70/67."""
    if all(ch in GSM7_CHARACTERS or ch in GSM7_EXTENDED for ch in text):
        length = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    else:
        length = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
        single, multi = 70, 67
    if length <= single:
        return 1
    return -(-length // multi)


def split_to_segments(text: str, max_segments: int) -> list[str]:
    """Cut ``text`` into messages of at most ``max_segments`` segments each, at line ends if possible."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        candidate = current + line
        if segments(candidate) <= max_segments:
            current = candidate
            continue
        if current:
            parts.append(current.rstrip("\n"))
            current = ""
        while segments(line) > max_segments:
            cut = len(line)
            while segments(line[:cut]) > max_segments:
                cut -= 1
            parts.append(line[:cut])
            line = line[cut:]
        current = line
    if current.strip():
        parts.append(current.rstrip("\n"))
    return parts or [text]


@dataclass(frozen=True, slots=True)
class SmsSettings:
    account_sid: str
    auth_token: str
    from_number: str
    api_base: str
    status_callback_url: str | None = None
    max_segments: int = 4


class SmsAdapter:
    name = ChannelName.SMS
    accepts_idempotency_key = True

    def __init__(self, settings: SmsSettings, http: aiohttp.ClientSession) -> None:
        self.settings = settings
        self._http = http
        # What every send repeats is built once (a worker sends hundreds a second).
        self._url = f"{settings.api_base.rstrip('/')}/2010-04-01/Accounts/{settings.account_sid}/Messages.json"
        credentials = f"{settings.account_sid}:{settings.auth_token}".encode()
        self._authorization = "Basic " + base64.b64encode(credentials).decode()
        self._timeout = aiohttp.ClientTimeout(total=15)

    def verify(self, url: str, params: Mapping[str, str], given: str | None) -> bool:
        if not given:
            return False
        # As bytes: compare_digest refuses str with non-ASCII characters, which a header may hold.
        expected = signature(self.settings.auth_token, url, params).encode()
        return hmac.compare_digest(expected, given.encode("utf-8", "surrogatepass"))

    def parse(self, params: Mapping[str, str], now: dt.datetime) -> InboundMessage:
        """An inbound SMS, its text as sent (see ``bot/channels/text_input.py`` for cleaning).

        Raises ValueError naming a field that is missing or cannot be an address or id.
        """
        for field, longest in (("From", MAX_ADDRESS_CHARS), ("To", MAX_ADDRESS_CHARS), ("MessageSid", MAX_SID_CHARS)):
            value = params.get(field, "")
            if not value.strip():
                raise ValueError(f"missing form field {field!r}")
            if len(value) > longest or has_unstorable(value):
                raise ValueError(f"form field {field!r} is not a valid value")
        sender = params["From"]
        return InboundMessage(
            channel=ChannelName.SMS,
            sender_id=sender,
            provider_message_id=params["MessageSid"],
            text=params.get("Body", ""),
            sent_at=now,
            sender_phone=sender,
            raw="&".join(f"{key}={params[key]}" for key in sorted(params)),
        )

    async def send(self, recipient: str, message: OutboundMessage, outbound_id: int) -> str:
        """Send as :meth:`send_parts`; the first part's id."""
        return (await self.send_parts(recipient, message, outbound_id))[0]

    async def send_parts(self, recipient: str, message: OutboundMessage, outbound_id: int) -> list[str]:
        """Send the text as messages of at most ``max_segments`` segments each, in order (each with
        its own idempotency key, ``<outbound id>-<part>`` when there are several); every one's id."""
        provider_ids: list[str] = []
        parts = split_to_segments(render_text(message), self.settings.max_segments)
        for index, body in enumerate(parts):
            form = {"To": recipient, "From": self.settings.from_number, "Body": body}
            if self.settings.status_callback_url:
                form["StatusCallback"] = self.settings.status_callback_url
            key = str(outbound_id) if len(parts) == 1 else f"{outbound_id}-{index + 1}"
            headers = {"Authorization": self._authorization, "Idempotency-Key": key, "Content-Type": FORM}
            try:
                async with self._http.post(
                    self._url, data=urlencode(form).encode(), headers=headers, timeout=self._timeout
                ) as response:
                    payload = await response.json(content_type=None) if response.content_length != 0 else {}
                    if response.status >= 500 or response.status == 429:
                        raise DeliveryError(f"gateway answered {response.status}", permanent=False)
                    if response.status >= 400:
                        raise DeliveryError(f"gateway refused: {response.status} {payload}", permanent=True)
                    provider_ids.append(str(payload["sid"]))
            except (aiohttp.ClientError, TimeoutError) as error:
                raise DeliveryError(f"gateway unreachable: {error}", permanent=False) from error
        return provider_ids
