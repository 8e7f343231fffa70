"""Channel-neutral messages: what every adapter produces and what the engine answers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ChannelName(StrEnum):
    WEBCHAT = "webchat"
    WECHAT = "wechat"
    SMS = "sms"
    TELEGRAM = "telegram"


class MessageKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    VOICE = "voice"
    LOCATION = "location"
    LINK = "link"
    START = "start"
    EDITED = "edited"
    """The customer edited a message already sent (Telegram ``edited_message``): stored for the
    agent, not read as a new message; the customer is asked to send the correction anew."""
    """The customer opened the conversation (web chat session, WeChat subscribe, /start)."""
    OPT_OUT = "opt_out"
    """The customer asked for no more messages the service starts (an SMS "TD", 退订, STOP)."""
    OPT_IN = "opt_in"
    """The customer asked for those messages again (an SMS "订阅"), and said nothing else."""
    MENU = "menu"
    """The customer pressed a menu button that asks something (a WeChat menu CLICK): what it asks
    is ``InboundMessage.menu``; its text only shows the staff which button (``MenuChoice.text``)."""
    UNREAD = "unread"
    """A text past its sender's characters a minute (``provider_characters_per_minute_per_sender``):
    stored and shown to the staff, never read by the bot."""


VOICE_PREFIX = "[voice]"
"""How a voice message's text starts; the provider's transcript, when it gave one, follows."""
LOCATION_PREFIX = "[location]"
"""How a shared location's text starts: the place's name (WeChat's Label), then its coordinates."""
_COORDINATES = re.compile(r"\s*\(-?[\d.]+,-?[\d.]+\)$")


def on_earth(latitude: float, longitude: float) -> bool:
    """Whether these are coordinates at all: numbers (not booleans), latitude within ±90 and
    longitude within ±180 (so not NaN nor infinite: those compare false)."""
    if isinstance(latitude, bool) or isinstance(longitude, bool):
        return False
    if not (isinstance(latitude, int | float) and isinstance(longitude, int | float)):
        return False
    return -90 <= latitude <= 90 and -180 <= longitude <= 180


class MenuAction(StrEnum):
    """What pressing a menu button does, whatever the channel."""

    OPEN = "open"
    """Opens the conversation (the greeting, or the question it is at): a ``START`` message."""
    STATUS = "status"
    """Asks where the customer's case stands."""
    FAQ = "faq"
    """Asks the question of one FAQ entry (``config/faq.yaml``)."""


MENU_PREFIX = "[menu]"
"""How a menu message's text, shown to the staff, starts; the choice follows ("[menu] status",
"[menu] faq:hours")."""
FAQ_CHOICE = re.compile(r"faq:([a-z][a-z0-9_]*)")


@dataclass(frozen=True, slots=True)
class MenuChoice:
    """A menu button's action, and for ``FAQ`` the entry it asks."""

    action: MenuAction
    faq_id: str | None = None

    @classmethod
    def parse(cls, written: str) -> MenuChoice:
        """``open``, ``status`` or ``faq:<entry id>`` as a choice; ValueError for anything else."""
        if written in (MenuAction.OPEN, MenuAction.STATUS):
            return cls(MenuAction(written))
        entry = FAQ_CHOICE.fullmatch(written)
        if entry is None:
            raise ValueError(f"{written!r} is no menu action (open, status or faq:<FAQ entry id>)")
        return cls(MenuAction.FAQ, entry.group(1))

    @property
    def written(self) -> str:
        """As :meth:`parse` reads it."""
        return f"faq:{self.faq_id}" if self.action is MenuAction.FAQ else self.action.value

    @property
    def text(self) -> str:
        """The text of a ``MENU`` message making this choice, for the staff to read (never parsed)."""
        return f"{MENU_PREFIX} {self.written}"


READ_GAP = " … "
"""Between the beginning and the end of a text too long to read whole (:func:`as_read`)."""


def as_read(text: str, head: int, tail: int) -> str:
    """What the bot reads of ``text``: all of it, or of a longer one its first ``head`` and last
    ``tail`` characters joined by :data:`READ_GAP` (reading costs CPU in proportion to the text,
    on the event loop every conversation shares; the staff see the text whole)."""
    if len(text) <= head + tail + len(READ_GAP):
        return text
    return text[:head] + READ_GAP + (text[-tail:] if tail else "")


def words_of(kind: MessageKind | str, text: str) -> str | None:
    """What the customer said in words: a text message's text, a photo's caption (Telegram's
    "全是电动车 堵死了 消防通道", the complaint the photo shows), or a voice message's transcript
    (WeChat's speech recognition); None for a bare photo, a location, a link or untranscribed voice."""
    if kind == MessageKind.TEXT:
        return text
    if kind == MessageKind.IMAGE:
        return text if text.strip() and text.strip() != PHOTO_TEXT else None
    if kind == MessageKind.VOICE and text.startswith(VOICE_PREFIX):
        return text[len(VOICE_PREFIX) :].strip() or None
    return None


def location_words(kind: MessageKind | str, text: str) -> str | None:
    """The name of the place a customer shared (WeChat's location Label, "北京市海淀区中关村大街1号"),
    which says where as a typed address would; None for bare coordinates and other messages."""
    if kind != MessageKind.LOCATION or not text.startswith(LOCATION_PREFIX):
        return None
    return _COORDINATES.sub("", text[len(LOCATION_PREFIX) :]).strip() or None


class Sender(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message from a customer, as an adapter parsed it.

    ``provider_message_id`` is unique per channel; a retried delivery carries the same one.
    """

    channel: ChannelName
    sender_id: str
    provider_message_id: str
    text: str
    sent_at: dt.datetime
    kind: MessageKind = MessageKind.TEXT
    sender_name: str | None = None
    sender_phone: str | None = None
    locale: str | None = None
    raw: str = ""
    media_ref: str | None = None
    """A photo's id at the provider (WeChat MediaId, Telegram file_id), fetched after the message
    is stored (issue 15)."""
    media_id: str | None = None
    """A photo already stored here (a web chat upload), linked to the message in the transaction
    that stores it, so the live frame of the message carries it (issue 15)."""
    menu: MenuChoice | None = None
    """What a ``MENU`` message's button asks (its ``text`` only shows the staff which button)."""


@dataclass(frozen=True, slots=True)
class Option:
    """A choice offered to the customer; channels without buttons show it as a numbered line."""

    label: str
    value: str


PHOTO_TEXT = "[image]"
"""The text a photo message stores when it has no caption, on every channel (issue 15; the photo
itself is in ``media``)."""


@dataclass(frozen=True, slots=True)
class Photo:
    """An image to send, already checked and re-encoded (``bot/media/images.py``)."""

    data: bytes
    content_type: str
    filename: str


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One reply for a customer, channel-neutral; the gateway renders and delivers it."""

    text: str
    phrase_id: str | None = None
    options: tuple[Option, ...] = field(default_factory=tuple)
    sender: Sender = Sender.BOT
    options_text: str = ""
    """The options as numbered text in the customer's language ("(请您回复数字1-5)"), for channels
    without buttons; the flow renders it from configured phrases."""
    photo: Photo | None = None
    """An agent's photo (issue 15); ``text`` is then its caption, empty for none."""
    verbatim: tuple[str, ...] = ()
    """The customer's own words inside ``text`` (the restated problem): said back as they wrote
    them, never converted to the other script ("唔郁" stays, not "唔鬱")."""


def options_to_json(message: OutboundMessage) -> dict[str, Any] | None:
    """The message's options as stored with it (``messages.options``); None when it has none."""
    if not message.options:
        return None
    return {
        "choices": [{"label": option.label, "value": option.value} for option in message.options],
        "text": message.options_text,
    }


def options_from_json(stored: Mapping[str, Any] | None) -> tuple[tuple[Option, ...], str]:
    """The options and their numbered text as :func:`options_to_json` stored them."""
    if not stored:
        return (), ""
    choices = tuple(Option(label=str(item["label"]), value=str(item["value"])) for item in stored.get("choices", ()))
    return choices, str(stored.get("text") or "")
