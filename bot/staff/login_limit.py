"""Failed sign-ins counted in Redis before any password is checked, so concurrent guesses cannot
all slip in under the limit: per username and client address, per address (one password tried
on many usernames) and per username (many addresses guessing one account). The address is the
client's limit key (``ClientAddresses.limit_key``): an IPv6 client counts by its /64, so the
addresses of one subscriber's network share its limits."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.core import redis_keys
from bot.settings import AuthSettings

# Takes one attempt from every counter, atomically, unless one is already at its limit; then
# takes nothing and answers the milliseconds until the longest-blocking counter expires.
_RESERVE = """
local wait = 0
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[1]) end
    wait = math.max(wait, ttl)
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0
"""

# A successful sign-in gives its attempt back, and clears the user-and-address counter.
_SUCCEEDED = """
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
"""

# An attempt that was never checked (the password checks were full) gives its count back.
_GIVE_BACK = """
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
"""

SUBJECT_MAX = 128


class LoginLimiter:
    """``reserve`` before checking a password; ``succeeded`` after a sign-in that worked,
    ``give_back`` after one that was not checked."""

    def __init__(self, redis: Redis, settings: AuthSettings) -> None:
        self._window_ms = int(settings.login_window * 1000)
        self._limits = (
            settings.login_limit_per_user_address,
            settings.login_limit_per_address,
            settings.login_limit_per_user,
        )
        self._reserve = redis.register_script(_RESERVE)
        self._succeeded = redis.register_script(_SUCCEEDED)
        self._give_back = redis.register_script(_GIVE_BACK)

    async def reserve(self, username: str, address: str) -> float:
        """Count this attempt as a failure until it succeeds; 0 when it may go ahead, else the
        seconds until it may (nothing counted)."""
        waited = await self._reserve(keys=_keys(username, address), args=[self._window_ms, *self._limits])
        return int(waited) / 1000

    async def succeeded(self, username: str, address: str) -> None:
        await self._succeeded(keys=_keys(username, address))

    async def give_back(self, username: str, address: str) -> None:
        """Uncount a reserved attempt whose password was never checked."""
        await self._give_back(keys=_keys(username, address))


def _keys(username: str, address: str) -> list[str]:
    user = username.strip().lower()[:SUBJECT_MAX]
    return [
        redis_keys.login_failures("user-address", f"{address}|{user}"),
        redis_keys.login_failures("address", address),
        redis_keys.login_failures("user", user),
    ]
