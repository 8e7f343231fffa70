"""A conversation's delivery lock: one job at a time sends its provider messages, in order.

A job that finds the lock taken leaves its message to the holder and says so in the same
command (its id in the ``more`` set); the holder's release reads and clears the set atomically,
so a message committed while the holder was finishing is never stranded, and a holder left only
messages it has sent ends without reading the database again. Two round trips per holding, none
per message.
"""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

from bot.core import redis_keys

# KEYS: lock, more set. ARGV: token, ms, message id. 1 when taken; otherwise the message is
# left to the holder.
_TAKE = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
redis.call('sadd', KEYS[2], ARGV[3])
redis.call('pexpire', KEYS[2], ARGV[2])
return 0
"""

# KEYS as above. ARGV: token. Releases a lock still holding our token; returns the messages
# other jobs left to us meanwhile (and forgets them).
_RELEASE = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return {} end
redis.call('del', KEYS[1])
local left = redis.call('smembers', KEYS[2])
redis.call('del', KEYS[2])
return left
"""


class DeliveryLock:
    """The lock of one conversation for one job; it expires after ``ttl_ms`` (a job's longest run)."""

    def __init__(self, redis: Redis, conversation_id: int, ttl_ms: int) -> None:
        self._take = redis.register_script(_TAKE)  # EVALSHA: the script's text is not sent each time
        self._release = redis.register_script(_RELEASE)
        self._keys = [redis_keys.delivery_lock(conversation_id), redis_keys.delivery_more(conversation_id)]
        self._ttl_ms = ttl_ms
        self._token = secrets.token_hex(8)

    async def take(self, message_id: int) -> bool:
        """True when taken; False when another job holds it: ``message_id`` is left to that job."""
        return bool(await self._take(self._keys, [self._token, self._ttl_ms, message_id]))

    async def release(self) -> set[int]:
        """Release it if still ours; the messages other jobs left to us while we held it."""
        left = await self._release(self._keys, [self._token])
        return {int(message_id) for message_id in left}
