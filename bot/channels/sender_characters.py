"""One WeChat, Telegram or SMS sender's characters read a minute.

Reading a text costs CPU on the event loop every conversation of the instance shares, in
proportion to what is read (at most ``understood_head_chars`` + ``understood_tail_chars`` a text:
:func:`~bot.core.messages.as_read`). A provider cannot be asked to send a text again later, as web
chat's widget is (``characters_per_minute_per_address``), so a text past its sender's
``provider_characters_per_minute_per_sender`` is stored as :attr:`MessageKind.UNREAD`: the staff
see it, the bot does not read it. The count is kept in Redis, so every instance counts the same
sender; the window's first text always passes, so no text is left unread for its length alone,
and while Redis cannot be reached every text is read. A provider's retry of a text (its provider
message id again) is not counted again: it reads as the text did
(``provider_retries_remembered_seconds``), so a customer whose push WeChat sent three more times
is not held back for it. The retry is told apart in the same round trip that counts, so the
webhook waits no longer for it.
"""

from __future__ import annotations

import dataclasses

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.config import ChannelsConfig
from bot.core import redis_keys
from bot.core.messages import InboundMessage, MessageKind, as_read

log = structlog.get_logger(__name__)

_WINDOW_MS = 60_000

# Counts a text's characters for its sender unless they would take the sender past its budget,
# as web chat's ``CHARACTERS_SCRIPT`` does, and marks the text counted, read or not; a text
# already marked (a provider's retry) counts nothing and is answered as it was. Answers
# {read, retried}.
_COUNT_ONCE_SCRIPT = """
local marked = redis.call('GET', KEYS[2])
if marked then return {tonumber(marked), 1} end
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local size = tonumber(ARGV[3])
local read = 1
if count > 0 and count + size > tonumber(ARGV[2]) then
  read = 0
elseif redis.call('INCRBY', KEYS[1], size) == size then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
redis.call('SET', KEYS[2], read, 'PX', ARGV[4])
return {read, 0}
"""


async def within_budget(redis: Redis, message: InboundMessage, channels: ChannelsConfig) -> InboundMessage:
    """``message`` as it is, or as an unread text when its sender has had its minute's characters
    read; a retry of a text already counted (its provider message id) is not counted again."""
    if message.kind is not MessageKind.TEXT:
        return message
    size = len(as_read(message.text, channels.understood_head_chars, channels.understood_tail_chars))
    channel = message.channel.value
    count_once = redis.register_script(_COUNT_ONCE_SCRIPT)
    try:
        read, retried = await count_once(
            keys=[
                redis_keys.sender_characters(channel, message.sender_id),
                redis_keys.sender_characters_counted(channel, message.provider_message_id),
            ],
            args=[
                _WINDOW_MS,
                channels.provider_characters_per_minute_per_sender,
                size,
                channels.provider_retries_remembered_seconds * 1000,
            ],
        )
    except (RedisError, OSError) as error:  # a text is not left unread for the counter's sake
        log.warning("channels.sender_characters_unreachable", error=type(error).__name__)
        return message
    if int(retried):
        log.info("channels.sender_characters_retry_not_counted", channel=channel, read=bool(int(read)))
    if int(read):
        return message
    if not int(retried):
        log.warning("channels.sender_over_characters", channel=channel, characters=size)
    return dataclasses.replace(message, kind=MessageKind.UNREAD)
