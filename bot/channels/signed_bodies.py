"""A signed query bound in Redis to the first body it carried.

WeChat's plain mode signs the query (token, timestamp, nonce) but not the body: the first body
pushed with a signed query is the only one accepted with it while the query is in its window. The
check is a Lua function, so a webhook that makes another Redis call anyway (the sender's
characters, :mod:`bot.channels.sender_characters`) makes both in one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError


@dataclass(frozen=True, slots=True)
class BodyBinding:
    """The Redis key of one signed query, the digest of the body it carried, and how long (ms)
    the binding is kept."""

    key: str
    digest: str
    ttl_ms: int


class BindingRefused(Exception):
    """403: the signed query came with another body; 503: the binding cannot be checked now."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


BODY_REFUSED_LUA = """
local function body_refused(key, digest, ttl)
  if redis.call('SET', key, digest, 'NX', 'PX', ttl) then return false end
  local first = redis.call('GET', key)
  return first ~= false and first ~= digest
end
"""
"""``body_refused(key, digest, ttl_ms)``: binds the key to the digest if it is free, and is true
when the key holds another body's digest."""

_BIND_SCRIPT = BODY_REFUSED_LUA + "return body_refused(KEYS[1], ARGV[1], ARGV[2]) and 1 or 0\n"

ANOTHER_BODY = "this signed query came with another body"
UNREACHABLE = "cannot check the signed query now; WeChat retries"


async def bind(redis: Redis, binding: BodyBinding) -> None:
    """Bind the query to its body in one round trip; raises :class:`BindingRefused`."""
    try:
        refused = await redis.register_script(_BIND_SCRIPT)(keys=[binding.key], args=[binding.digest, binding.ttl_ms])
    except (RedisError, OSError) as error:
        raise BindingRefused(503, UNREACHABLE) from error
    if int(refused):
        raise BindingRefused(403, ANOTHER_BODY)
