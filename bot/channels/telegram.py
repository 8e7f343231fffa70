"""Telegram through python-telegram-bot: webhook updates in, ``sendMessage`` out.

Webhooks carry ``X-Telegram-Bot-Api-Secret-Token``; an update is parsed with
``telegram.Update.de_json`` and identified by its ``update_id`` (Telegram retries with the same
one). The adapter touches neither storage nor the engine.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import telegram
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.base import render_text
from bot.channels.sms import DeliveryError
from bot.messages import ChannelName, InboundMessage, MessageKind, OutboundMessage

MAX_TEXT = 4096
MAX_RETRY_AFTER_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    token: str
    secret: str
    api_base: str = "https://api.telegram.org"


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a line end where there is one."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = limit if cut <= 0 else cut
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return pieces


class TelegramAdapter:
    name = ChannelName.TELEGRAM
    accepts_idempotency_key = False

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        self.bot = telegram.Bot(settings.token, base_url=f"{settings.api_base.rstrip('/')}/bot")
        self._ready = asyncio.Lock()
        self._initialized = False

    def verify(self, headers: Mapping[str, str]) -> bool:
        given = headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return bool(given) and hmac.compare_digest(given, self.settings.secret)

    def parse(self, payload: Any, now: dt.datetime) -> InboundMessage | None:
        """The update as an inbound message, or None for updates the bot does not handle.

        Raises ValueError when the payload is not an update.
        """
        if not isinstance(payload, dict) or "update_id" not in payload:
            raise ValueError("not a Telegram update (no update_id)")
        update = telegram.Update.de_json(payload, self.bot)
        message = update.message
        if message is None or message.chat is None:
            return None
        text = message.text or message.caption or ""
        kind = MessageKind.TEXT
        if text.strip().split(" ")[0] == "/start":
            kind, text = MessageKind.START, ""
        elif message.photo:
            kind, text = MessageKind.IMAGE, text or "[image]"
        elif message.voice:
            kind, text = MessageKind.VOICE, "[voice]"
        elif message.location:
            kind, text = MessageKind.LOCATION, f"[location {message.location.latitude},{message.location.longitude}]"
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
        )

    async def _initialize(self) -> None:
        async with self._ready:
            if not self._initialized:
                await self.bot.initialize()
                self._initialized = True

    async def send(self, recipient: str, message: OutboundMessage, outbound_id: int) -> str:
        await self._initialize()
        ids = []
        for piece in split_text(render_text(message)):
            ids.append(str(await self._send_piece(recipient, piece)))
        return ",".join(ids)

    async def _send_piece(self, chat_id: str, text: str) -> int:
        for _ in range(3):
            try:
                sent = await self.bot.send_message(chat_id=int(chat_id), text=text)
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

    async def close(self) -> None:
        if self._initialized:
            await self.bot.shutdown()
