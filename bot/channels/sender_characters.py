"""One WeChat, Telegram or SMS sender's characters read a minute.

Reading a text costs CPU on the event loop every conversation of the instance shares, in
proportion to what is read (at most ``understood_head_chars`` + ``understood_tail_chars`` a text:
:func:`~bot.core.messages.as_read`). A provider cannot be asked to send a text again later, as web
chat's widget is (``characters_per_minute_per_address``), so a text past its sender's
``provider_characters_per_minute_per_sender`` is stored as :attr:`MessageKind.UNREAD`: the staff
see it, the bot does not read it. The count is kept in Redis, so every instance counts the same
sender; the window's first text always passes, so no text is left unread for its length alone,
and while Redis cannot be reached every text is read.
"""

from __future__ import annotations

import dataclasses

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.channels.webchat.limits import CHARACTERS_SCRIPT
from bot.config import ChannelsConfig
from bot.core import redis_keys
from bot.core.messages import InboundMessage, MessageKind, as_read

log = structlog.get_logger(__name__)

_WINDOW_MS = 60_000


async def within_budget(redis: Redis, message: InboundMessage, channels: ChannelsConfig) -> InboundMessage:
    """``message`` as it is, or as an unread text when its sender has had its minute's characters read."""
    if message.kind is not MessageKind.TEXT:
        return message
    size = len(as_read(message.text, channels.understood_head_chars, channels.understood_tail_chars))
    take = redis.register_script(CHARACTERS_SCRIPT)
    try:
        wait_ms = await take(
            keys=[redis_keys.sender_characters(message.channel.value, message.sender_id)],
            args=[_WINDOW_MS, channels.provider_characters_per_minute_per_sender, size],
        )
    except (RedisError, OSError) as error:  # a text is not left unread for the counter's sake
        log.warning("channels.sender_characters_unreachable", error=type(error).__name__)
        return message
    if int(wait_ms) == 0:
        return message
    log.warning("channels.sender_over_characters", channel=message.channel.value, characters=size)
    return dataclasses.replace(message, kind=MessageKind.UNREAD)
