"""Failed sign-ins counted in Redis before any password is checked, so concurrent guesses cannot
all slip in under the limit: per username and client address, per address (one password tried
on many usernames) and per username (many addresses guessing one account). The address is the
client's limit key (``ClientAddresses.limit_key``): an IPv6 client counts by its /64, so the
addresses of one subscriber's network share its limits.

The per-username limit caps a distributed attack on one account, but on its own it would let
anyone with a few addresses keep that account locked out; the per-address limit, likewise, would
let anyone behind the same address (a call centre's one NAT address) lock out everyone there. So
an address a user has signed in from (remembered for ``login_known_address_seconds`` after each
sign-in) is exempt, for that user, from the per-username and the per-address limits: the user
gets in from where they usually work while the attack goes on, held only by their own
per-username-and-address limit. Their attempts there still count towards the other two, which
hold every username that never signed in from that address.

A refused attempt also says whether it is the first refusal of its kind within the window, so
the audit log gets one entry per refused address (or username, or both) and window, not one per
request: the refusal is named by the broadest counter at its limit, the address's, else the
username's, else the two together.

A username is counted by the key sign-in finds its account by (``username_key``: width, case and
surrounding space set aside), so "Admin", "ＡＤＭＩＮ" and "admin " spend one account's guesses."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

from bot.core import redis_keys
from bot.settings import AuthSettings
from bot.staff.usernames import username_key


class Limit(StrEnum):
    """Which counter held a sign-in back."""

    USER_ADDRESS = "user_address"
    ADDRESS = "address"
    USER = "user"


# KEYS: the user-and-address, address and user counters, the address-is-known marker, then the
# refusal markers of the same three. ARGV: the window (ms) and the three limits.
# Unless a counter is at its limit, takes one attempt from every counter and answers {0}. Else
# takes nothing and answers {milliseconds until the longest-blocking counter expires, the broadest
# counter at its limit (2 address, 3 user, 1 user-and-address), 1 when no refusal of that counter
# was marked within the window (marking it now), else 0}. Neither the address nor the user counter
# is checked from an address the user signed in from (both still count the failure, for others).
_RESERVE = """
local known = redis.call('EXISTS', KEYS[4]) == 1
local wait = 0
local full = {}
for i = 1, 3 do
  if not (i > 1 and known) and tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then ttl = tonumber(ARGV[1]) end
    wait = math.max(wait, ttl)
    full[i] = true
  end
end
if wait > 0 then
  local limit = 1
  if full[2] then limit = 2 elseif full[3] then limit = 3 end
  local first = redis.call('SET', KEYS[4 + limit], '1', 'NX', 'PX', ARGV[1]) and 1 or 0
  return {wait, limit, first}
end
for i = 1, 3 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return {0}
"""

# A successful sign-in gives its attempt back, clears the user-and-address counter and remembers
# the address as the user's (ARGV[1]: for how many ms; 0 remembers nothing).
_SUCCEEDED = """
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
if tonumber(ARGV[1]) > 0 then redis.call('SET', KEYS[4], '1', 'PX', ARGV[1]) end
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
_LIMITS = {1: Limit.USER_ADDRESS, 2: Limit.ADDRESS, 3: Limit.USER}


@dataclass(frozen=True, slots=True)
class Refused:
    """A sign-in held back: for how long, by which counter, and whether it is the first such
    refusal within the window (the one worth an audit entry)."""

    wait: float
    """Seconds until the attempt may go ahead."""
    limit: Limit
    first: bool


class LoginLimiter:
    """``reserve`` before checking a password; ``succeeded`` after a sign-in that worked,
    ``give_back`` after one that was not checked."""

    def __init__(self, redis: Redis, settings: AuthSettings) -> None:
        self._window_ms = int(settings.login_window * 1000)
        self._known_ms = int(settings.login_known_address_seconds * 1000)
        self._limits = (
            settings.login_limit_per_user_address,
            settings.login_limit_per_address,
            settings.login_limit_per_user,
        )
        self._reserve = redis.register_script(_RESERVE)
        self._succeeded = redis.register_script(_SUCCEEDED)
        self._give_back = redis.register_script(_GIVE_BACK)

    async def reserve(self, username: str, address: str) -> Refused | None:
        """Count this attempt as a failure until it succeeds; None when it may go ahead, else
        why not (nothing counted)."""
        user = _user(username)
        keys = [*_counters(user, address), redis_keys.login_known_address(user, address), *_refusals(user, address)]
        answer = await self._reserve(keys=keys, args=[self._window_ms, *self._limits])
        if int(answer[0]) == 0:
            return None
        return Refused(wait=int(answer[0]) / 1000, limit=_LIMITS[int(answer[1])], first=int(answer[2]) == 1)

    async def succeeded(self, username: str, address: str) -> None:
        """Give the attempt back and remember the address as one this user signs in from."""
        user = _user(username)
        keys = [*_counters(user, address), redis_keys.login_known_address(user, address)]
        await self._succeeded(keys=keys, args=[self._known_ms])

    async def give_back(self, username: str, address: str) -> None:
        """Uncount a reserved attempt whose password was never checked."""
        await self._give_back(keys=_counters(_user(username), address))


def _user(username: str) -> str:
    return username_key(username)[:SUBJECT_MAX]


def _counters(user: str, address: str) -> list[str]:
    return [
        redis_keys.login_failures("user-address", f"{address}|{user}"),
        redis_keys.login_failures("address", address),
        redis_keys.login_failures("user", user),
    ]


def _refusals(user: str, address: str) -> list[str]:
    return [
        redis_keys.login_refusal_noted("user-address", f"{address}|{user}"),
        redis_keys.login_refusal_noted("address", address),
        redis_keys.login_refusal_noted("user", user),
    ]
