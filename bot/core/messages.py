"""Channel-neutral messages: what every adapter produces and what the engine answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


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
    """The customer opened the conversation (web chat session, WeChat subscribe, /start)."""


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


@dataclass(frozen=True, slots=True)
class Option:
    """A choice offered to the customer; channels without buttons show it as a numbered line."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One reply for a customer, channel-neutral; the gateway renders and delivers it."""

    text: str
    phrase_id: str | None = None
    options: tuple[Option, ...] = field(default_factory=tuple)
    sender: Sender = Sender.BOT
