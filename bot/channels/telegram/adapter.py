"""Telegram through python-telegram-bot: webhook updates in, ``sendMessage`` out.

Webhooks carry ``X-Telegram-Bot-Api-Secret-Token``; an update is parsed with
``telegram.Update.de_json`` and identified by its ``update_id`` (Telegram retries with the same
one). A reply's options go out as an inline keyboard whose buttons carry the option's value as
``callback_data``; a pressed button (a ``callback_query`` update) is the customer's message with
that value. An edited message is stored as such (the flow asks for the correction as a new
message). Only private chats are conversations: messages and button presses from groups,
supergroups and channels are ignored. The adapter touches neither storage nor the engine.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hmac
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import telegram
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.base import DeliveryError, MediaUnavailable, render_text
from bot.channels.splitting import split_text, utf16_units
from bot.core.messages import (
    LOCATION_PREFIX,
    PHOTO_TEXT,
    VOICE_PREFIX,
    ChannelName,
    InboundMessage,
    MessageKind,
    Option,
    OutboundMessage,
    on_earth,
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
"""Telegram's limits on a text and a caption, in UTF-16 code units (an emoji is often two)."""
MAX_ID = 2**63
MAX_RETRY_AFTER_SECONDS = 30.0
MAX_CALLBACK_DATA_BYTES = 64
"""Telegram's limit on a button's ``callback_data``."""
BUTTONS_PER_ROW = 5


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    token: str
    secret: str
    api_base: str = "https://api.telegram.org"


class MalformedUpdate(ValueError):
    """An update with an update_id whose message is not shaped as Telegram sends one."""


def keyboard(options: Sequence[Option]) -> telegram.InlineKeyboardMarkup | None:
    """The options as inline buttons (rows of at most ``BUTTONS_PER_ROW``); None when there are
    none or a value is too long for ``callback_data`` (the numbered text is sent instead)."""
    if not options or any(len(option.value.encode()) > MAX_CALLBACK_DATA_BYTES for option in options):
        return None
    buttons = [telegram.InlineKeyboardButton(option.label, callback_data=option.value) for option in options]
    return telegram.InlineKeyboardMarkup(
        [buttons[start : start + BUTTONS_PER_ROW] for start in range(0, len(buttons), BUTTONS_PER_ROW)]
    )


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_ID < value < MAX_ID


def _check_message(message: object) -> None:
    """Raise :class:`MalformedUpdate` unless the fields the bot reads have Telegram's types."""
    if not isinstance(message, dict):
        raise MalformedUpdate("'message' is not an object")
    chat, sender = message.get("chat"), message.get("from")
    if not isinstance(chat, dict) or not _is_id(chat.get("id")):
        raise MalformedUpdate("'message.chat.id' is not an id")
    if sender is not None and not (
        isinstance(sender, dict)
        and isinstance(sender.get("first_name"), str)
        and all(isinstance(sender.get(key), str | None) for key in ("last_name", "language_code"))
    ):
        raise MalformedUpdate("'message.from' is not a user")
    if not all(isinstance(message.get(key), str | None) for key in ("text", "caption")):
        raise MalformedUpdate("'message.text' or 'message.caption' is not a string")
    location = message.get("location")
    if location is not None and not (
        isinstance(location, dict)
        and all(isinstance(location.get(key), int | float) for key in ("latitude", "longitude"))
    ):
        raise MalformedUpdate("'message.location' is not a location")


def _is_private(chat: telegram.Chat) -> bool:
    """Only a private chat is one customer: in a group every member would share one conversation
    and read what the bot says back (a phone number, an address)."""
    return chat.type == telegram.constants.ChatType.PRIVATE


class TelegramAdapter:
    name = ChannelName.TELEGRAM
    accepts_idempotency_key = False
    sends_photos = True  # issue 15

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        base = settings.api_base.rstrip("/")
        self.bot = telegram.Bot(settings.token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
        self._ready = asyncio.Lock()
        self._initialized = False

    def verify(self, headers: Mapping[str, str]) -> bool:
        given = headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        # As bytes: compare_digest refuses str with non-ASCII characters, which a header may hold.
        secret = self.settings.secret.encode()
        return bool(given) and hmac.compare_digest(given.encode("utf-8", "surrogatepass"), secret)

    def parse(self, payload: Any, now: dt.datetime) -> InboundMessage | None:
        """The update as an inbound message, or None for updates the bot does not handle (any
        from a chat that is not private among them).

        Raises :class:`MalformedUpdate` for an update whose message is not shaped as Telegram
        sends it (acknowledge it: Telegram would retry it in vain), and ValueError when the
        payload is not an update at all.
        """
        if not isinstance(payload, dict) or not _is_id(payload.get("update_id")):
            raise ValueError("not a Telegram update (no update_id)")
        if payload.get("callback_query") is not None:
            return self._parse_button(payload, now)
        field = "message" if payload.get("message") is not None else "edited_message"
        if payload.get(field) is None:
            return None
        _check_message(payload[field])
        try:
            update = telegram.Update.de_json(payload, self.bot)
        # de_json trusts its input: on anything it did not expect it fails in its own ways.
        except Exception as error:
            raise MalformedUpdate(f"the message cannot be read: {error!r}") from error
        message = update.message if field == "message" else update.edited_message
        if message is None or message.chat is None or not _is_private(message.chat):
            return None
        if field == "edited_message" and message.location:
            return None  # a live location moving: Telegram sends it as edits, nothing was corrected
        text = message.text or message.caption or ""
        kind, media_ref = MessageKind.TEXT, None
        if field == "edited_message":
            # Kept for the agent, not read again: the customer is asked to send it anew.
            kind, text = MessageKind.EDITED, text or PHOTO_TEXT
        elif text.strip().split(" ")[0] == "/start":
            kind, text = MessageKind.START, ""
        elif message.photo:
            kind, text = MessageKind.IMAGE, text or PHOTO_TEXT
            media_ref = max(message.photo, key=lambda size: size.width * size.height).file_id
        elif message.voice:
            kind, text = MessageKind.VOICE, VOICE_PREFIX
        elif message.location:
            latitude, longitude = message.location.latitude, message.location.longitude
            kind = MessageKind.LOCATION
            text = f"[location {latitude},{longitude}]" if on_earth(latitude, longitude) else LOCATION_PREFIX
        elif not text:
            return None
        sender = message.from_user
        return InboundMessage(
            channel=ChannelName.TELEGRAM,
            sender_id=str(message.chat.id),
            provider_message_id=f"update:{update.update_id}",
            text=text,
            sent_at=now,
            kind=kind,
            sender_name=sender.full_name if sender else None,
            locale=(sender.language_code or None) if sender else None,
            media_ref=media_ref,
        )

    def _parse_button(self, payload: dict[str, Any], now: dt.datetime) -> InboundMessage | None:
        """A pressed inline button: the customer's message is the button's value."""
        query = payload["callback_query"]
        if not isinstance(query, dict) or not isinstance(query.get("id"), str):
            raise MalformedUpdate("'callback_query' is not a callback query")
        if query.get("message") is not None:
            _check_message(query["message"])
        try:
            update = telegram.Update.de_json(payload, self.bot)
        except Exception as error:
            raise MalformedUpdate(f"the callback query cannot be read: {error!r}") from error
        callback = update.callback_query
        if callback is None or not callback.data or callback.message is None:
            return None  # a game button, or a message too old to carry its chat
        if not _is_private(callback.message.chat):
            return None
        sender = callback.from_user
        return InboundMessage(
            channel=ChannelName.TELEGRAM,
            sender_id=str(callback.message.chat.id),
            provider_message_id=f"update:{update.update_id}",
            text=callback.data,
            sent_at=now,
            sender_name=sender.full_name if sender else None,
            locale=(sender.language_code or None) if sender else None,
        )

    async def _initialize(self) -> None:
        async with self._ready:
            if not self._initialized:
                await self.bot.initialize()
                self._initialized = True

    async def send(self, recipient: str, message: OutboundMessage, outbound_id: int) -> str:
        """The message in as many messages as its text needs; returns ``<chat id>:<message ids>``
        (``777001:41,42``): Telegram numbers a private chat's messages on their own, so every
        customer's chat has a message 41."""
        return await self.send_rest(recipient, message, outbound_id, ())

    async def send_rest(
        self, recipient: str, message: OutboundMessage, outbound_id: int, sent_pieces: Sequence[str]
    ) -> str:
        """:meth:`send` after the pieces (a photo, texts) an earlier attempt sent, whose ids
        ``sent_pieces`` are; a failure carries the ids of every piece sent."""
        try:
            await self._initialize()
        except TelegramError as error:
            # The first call reaches Telegram too (getMe): unreachable then is as temporary as later.
            raise DeliveryError(f"Telegram unreachable: {error}", False, sent_pieces) from error
        photo = message.photo is not None
        steps = self._photo_steps(recipient, message) if photo else self._text_steps(recipient, message)
        ids = list(sent_pieces)
        for step in steps[len(ids) :]:
            try:
                ids.append(str(await step()))
            except DeliveryError as error:
                raise DeliveryError(str(error), error.permanent, ids) from error
        return f"{recipient}:{','.join(ids)}"

    def _text_steps(self, recipient: str, message: OutboundMessage) -> list[Callable[[], Awaitable[int]]]:
        markup = keyboard(message.options)
        pieces = split_text(message.text if markup is not None else render_text(message), MAX_TEXT, utf16_units)
        return [
            functools.partial(self._send_piece, recipient, piece, markup if number == len(pieces) else None)
            for number, piece in enumerate(pieces, start=1)
        ]

    def _photo_steps(self, chat_id: str, message: OutboundMessage) -> list[Callable[[], Awaitable[int]]]:
        """``sendPhoto`` with the image uploaded (multipart); a caption too long for one goes after it as text."""
        photo, caption = message.photo, message.text
        assert photo is not None
        fits = utf16_units(caption) <= MAX_CAPTION
        steps: list[Callable[[], Awaitable[int]]] = [
            functools.partial(
                self._retrying,
                lambda: self.bot.send_photo(
                    chat_id=int(chat_id),
                    photo=photo.data,
                    filename=photo.filename,
                    caption=(caption or None) if fits else None,
                ),
            )
        ]
        if caption and not fits:
            pieces = split_text(caption, MAX_TEXT, utf16_units)
            steps.extend(functools.partial(self._send_piece, chat_id, piece) for piece in pieces)
        return steps

    async def _send_piece(self, chat_id: str, text: str, buttons: telegram.InlineKeyboardMarkup | None = None) -> int:
        return await self._retrying(
            lambda: self.bot.send_message(chat_id=int(chat_id), text=text, reply_markup=buttons)
        )

    async def _retrying(self, call: Callable[[], Awaitable[telegram.Message]]) -> int:
        """The sent message's id; a short rate limit is waited out, other failures become DeliveryError."""
        for _ in range(3):
            try:
                sent = await call()
                return sent.message_id
            except RetryAfter as error:
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
                if seconds > MAX_RETRY_AFTER_SECONDS:
                    raise DeliveryError(f"rate limited for {seconds:.0f} s", permanent=False) from error
                await asyncio.sleep(seconds)
            except (BadRequest, Forbidden) as error:
                raise DeliveryError(f"Telegram refused: {error.message}", permanent=True) from error
            except (NetworkError, TelegramError) as error:
                raise DeliveryError(f"Telegram unreachable: {error}", permanent=False) from error
        raise DeliveryError("still rate limited after waiting", permanent=False)

    async def show_typing(self, recipient: str) -> None:
        """``sendChatAction`` "typing" (issue 15): Telegram shows it for 5 s or until the next message."""
        await self._initialize()
        await self.bot.send_chat_action(chat_id=int(recipient), action=telegram.constants.ChatAction.TYPING)

    async def download_media(self, ref: str, max_bytes: int) -> bytes:
        """The photo with this ``file_id`` (issue 15); raises :class:`MediaUnavailable`."""
        try:
            await self._initialize()
            found = await self.bot.get_file(ref)
            if found.file_size is not None and found.file_size > max_bytes:
                raise MediaUnavailable(f"the photo is larger than {max_bytes} bytes", permanent=True)
            data = bytes(await found.download_as_bytearray())
        except (BadRequest, Forbidden) as error:
            raise MediaUnavailable(f"Telegram refused: {error.message}", permanent=True) from error
        except (NetworkError, TelegramError) as error:
            raise MediaUnavailable(f"Telegram unreachable: {error}", permanent=False) from error
        if len(data) > max_bytes:
            raise MediaUnavailable(f"the photo is larger than {max_bytes} bytes", permanent=True)
        return data

    async def close(self) -> None:
        if self._initialized:
            await self.bot.shutdown()
