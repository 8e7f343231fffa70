"""A conversation's delivery lock: one job at a time sends its provider messages, in order.

A job that finds the lock taken leaves its message to the holder and says so in the same
command (its id in the ``more`` set); the holder's release reads and clears the set atomically,
so a message committed while the holder was finishing is never stranded, and a holder left only
messages it has sent ends without reading the database again. The release also records the
messages the holding sent (the ``sent`` set, kept as long as a job may run): a job whose message
another job's batch sent learns it when it asks for the lock, and ends without reading the
database (``sent`` is final: nothing sets a sent message back to send). Two round trips per
holding, none per message; one for a job whose message is sent.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Collection

from redis.asyncio import Redis

from bot.core import redis_keys

# KEYS: lock, more set, sent set. ARGV: token, ms, message id, "1" to look in the sent set first.
# 2 when the message was sent; 1 when taken; 0 when the message is left to the holder.
_TAKE = """
if ARGV[4] == '1' and redis.call('sismember', KEYS[3], ARGV[3]) == 1 then return 2 end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
redis.call('sadd', KEYS[2], ARGV[3])
redis.call('pexpire', KEYS[2], ARGV[2])
return 0
"""

# KEYS as above. ARGV: token, ms, then the ids of the messages sent. Records them as sent, then
# releases a lock still holding our token; returns the messages other jobs left to us meanwhile
# (and forgets them).
_RELEASE = """
if #ARGV > 2 then
  for i = 3, #ARGV do redis.call('sadd', KEYS[3], ARGV[i]) end
  redis.call('pexpire', KEYS[3], ARGV[2])
end
if redis.call('get', KEYS[1]) ~= ARGV[1] then return {} end
redis.call('del', KEYS[1])
local left = redis.call('smembers', KEYS[2])
redis.call('del', KEYS[2])
return left
"""


class Taken(enum.Enum):
    TAKEN = 1
    LEFT = 0
    """Another job holds the lock: the message is left to it."""
    SENT = 2
    """The message was sent lately (by another job's batch): nothing to do."""


class DeliveryLock:
    """The lock of one conversation for one job; it expires after ``ttl_ms`` (a job's longest run)."""

    def __init__(self, redis: Redis, conversation_id: int, ttl_ms: int) -> None:
        self._take = redis.register_script(_TAKE)  # EVALSHA: the script's text is not sent each time
        self._release = redis.register_script(_RELEASE)
        self._keys = [
            redis_keys.delivery_lock(conversation_id),
            redis_keys.delivery_more(conversation_id),
            redis_keys.delivery_sent(conversation_id),
        ]
        self._ttl_ms = ttl_ms
        self._token = secrets.token_hex(8)

    async def take(self, message_id: int, *, unless_sent: bool = False) -> Taken:
        """Take the lock, or leave ``message_id`` to the job holding it; with ``unless_sent``,
        neither when the message is among those sent lately."""
        answer = await self._take(self._keys, [self._token, self._ttl_ms, message_id, "1" if unless_sent else "0"])
        return Taken(int(answer))

    async def release(self, sent: Collection[int] = ()) -> set[int]:
        """Record ``sent`` (committed as sent) and release the lock if still ours; the messages
        other jobs left to us while we held it."""
        left = await self._release(self._keys, [self._token, self._ttl_ms, *sent])
        return {int(message_id) for message_id in left}
