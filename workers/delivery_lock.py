"""A conversation's delivery lock: one job at a time sends its provider messages, in order.

A job that finds the lock taken leaves its message to the holder and says so in the same
command (the ``more`` mark); the holder's release reads and clears the mark atomically, so a
message committed while the holder was finishing is never stranded, and a holder nobody
signalled ends without reading the database again. Two round trips per holding, none per message.
"""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

from bot.core import redis_keys

# KEYS: lock, more mark. ARGV: token, ms. 1 when taken; otherwise marks "more" for the holder.
_TAKE = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
redis.call('set', KEYS[2], '1', 'PX', ARGV[2])
return 0
"""

# KEYS as above. ARGV: token. Releases a lock still holding our token; 1 when another job
# left messages to us meanwhile (the mark is cleared), else 0.
_RELEASE = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('del', KEYS[1])
return redis.call('del', KEYS[2])
"""


class DeliveryLock:
    """The lock of one conversation for one job; it expires after ``ttl_ms`` (a job's longest run)."""

    def __init__(self, redis: Redis, conversation_id: int, ttl_ms: int) -> None:
        self._redis = redis
        self._keys = [redis_keys.delivery_lock(conversation_id), redis_keys.delivery_more(conversation_id)]
        self._ttl_ms = ttl_ms
        self._token = secrets.token_hex(8)

    async def take(self) -> bool:
        """True when taken; False when another job holds it (which then looks again before it ends)."""
        return bool(await self._redis.eval(_TAKE, 2, *self._keys, self._token, str(self._ttl_ms)))  # type: ignore[misc]

    async def release(self) -> bool:
        """Release it if still ours; True when messages were left to us while we held it."""
        return bool(await self._redis.eval(_RELEASE, 2, *self._keys, self._token))  # type: ignore[misc]
