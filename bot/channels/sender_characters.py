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

from bot.channels.signed_bodies import ANOTHER_BODY, BODY_REFUSED_LUA, UNREACHABLE, BindingRefused, BodyBinding, bind
from bot.config import ChannelsConfig
from bot.core import redis_keys
from bot.core.messages import InboundMessage, MessageKind, as_read

log = structlog.get_logger(__name__)

_WINDOW_MS = 60_000

# Counts a text's characters for its sender unless they would take the sender past its budget,
# as web chat's ``CHARACTERS_SCRIPT`` does, and marks the text counted, read or not; a text
# already marked (a provider's retry) counts nothing and is answered as it was. With a third key,
# a signed query is first bound to its body (``bot.channels.signed_bodies``) and nothing is
# counted when it came with another. Answers {read, retried, refused}.
_COUNT_ONCE_SCRIPT = (
    BODY_REFUSED_LUA
    + """
if #KEYS == 3 and body_refused(KEYS[3], ARGV[5], ARGV[6]) then return {0, 0, 1} end
local marked = redis.call('GET', KEYS[2])
if marked then return {tonumber(marked), 1, 0} end
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local size = tonumber(ARGV[3])
local read = 1
if count > 0 and count + size > tonumber(ARGV[2]) then
  read = 0
elseif redis.call('INCRBY', KEYS[1], size) == size then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
redis.call('SET', KEYS[2], read, 'PX', ARGV[4])
return {read, 0, 0}
"""
)


async def within_budget(
    redis: Redis, message: InboundMessage, channels: ChannelsConfig, binding: BodyBinding | None = None
) -> InboundMessage:
    """``message`` as it is, or as an unread text when its sender has had its minute's characters
    read; a retry of a text already counted (its provider message id) is not counted again.

    ``binding``: the signed query of the request that carried ``message``, bound to its body in
    the same round trip (raises :class:`~bot.channels.signed_bodies.BindingRefused`, and counts
    nothing, when it came with another body or Redis cannot be reached)."""
    if message.kind is not MessageKind.TEXT:
        if binding is not None:
            await bind(redis, binding)
        return message
    size = len(as_read(message.text, channels.understood_head_chars, channels.understood_tail_chars))
    channel = message.channel.value
    keys = [
        redis_keys.sender_characters(channel, message.sender_id),
        redis_keys.sender_characters_counted(channel, message.provider_message_id),
    ]
    args: list[str | int] = [
        _WINDOW_MS,
        channels.provider_characters_per_minute_per_sender,
        size,
        channels.provider_retries_remembered_seconds * 1000,
    ]
    if binding is not None:
        keys.append(binding.key)
        args.extend((binding.digest, binding.ttl_ms))
    try:
        read, retried, refused = await redis.register_script(_COUNT_ONCE_SCRIPT)(keys=keys, args=args)
    except (RedisError, OSError) as error:  # a text is not left unread for the counter's sake
        if binding is not None:
            raise BindingRefused(503, UNREACHABLE) from error
        log.warning("channels.sender_characters_unreachable", error=type(error).__name__)
        return message
    if int(refused):
        raise BindingRefused(403, ANOTHER_BODY)
    if int(retried):
        log.info("channels.sender_characters_retry_not_counted", channel=channel, read=bool(int(read)))
    if int(read):
        return message
    if not int(retried):
        log.warning("channels.sender_over_characters", channel=channel, characters=size)
    return dataclasses.replace(message, kind=MessageKind.UNREAD)
