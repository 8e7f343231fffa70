"""Web chat against floods: how fast one customer may send and reconnect, how many sockets one
customer and one address may hold open, how many sessions one address may open, how many photos
one customer and one address may be uploading at once.

A customer's pace and connects (token buckets per web chat identity) and the open sockets
(counts per identity and per client address) are kept in this process: a socket stays on one
instance, and what they protect, its file descriptors and event loop, are that instance's. So no
Redis round trip is added, and a slot cannot outlive its socket (a crash loses both). New
sessions are counted in Redis, so every instance behind the load balancer counts the same address.
Photos in flight are counted in the process that reads them: what they bound is that process's
memory and CPU.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from redis.asyncio import Redis

from bot.config import WebchatLimits
from bot.core import redis_keys

_PRUNE_ABOVE = 4096
"""Customers tracked before the ones whose bucket has refilled are forgotten; then twice as many
as remain, so that many customers all sending keep the cost of a message constant."""

_Key = TypeVar("_Key", int, str)

# Counts one session for the address unless it is at its limit; then counts nothing and answers
# the milliseconds until the window ends.
_START = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[2]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = tonumber(ARGV[1]) end
  return ttl
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 0
"""


class Pace:
    """At most ``burst`` at once per customer, refilled at ``per_minute``."""

    def __init__(self, burst: int, per_minute: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._burst = float(burst)
        self._per_second = per_minute / 60
        self._monotonic = monotonic
        self._buckets: dict[int, tuple[float, float]] = {}
        self._prune_above = _PRUNE_ABOVE

    def __len__(self) -> int:
        """How many customers' pace this process keeps (those that have not rested)."""
        return len(self._buckets)

    def take(self, identity_id: int) -> float:
        """0 when the customer may go on now (it is counted), else the seconds until they may."""
        now = self._monotonic()
        tokens = self._tokens(identity_id, now)
        if tokens < 1:
            self._buckets[identity_id] = (tokens, now)
            return (1 - tokens) / self._per_second
        self._buckets[identity_id] = (tokens - 1, now)
        if len(self._buckets) > self._prune_above:
            self._forget_rested(now)
            self._prune_above = max(_PRUNE_ABOVE, 2 * len(self._buckets))
        return 0.0

    def _tokens(self, identity_id: int, now: float) -> float:
        tokens, since = self._buckets.get(identity_id, (self._burst, now))
        return min(self._burst, tokens + (now - since) * self._per_second)

    def _forget_rested(self, now: float) -> None:
        rested = [identity for identity in self._buckets if self._tokens(identity, now) >= self._burst]
        for identity in rested:
            del self._buckets[identity]


class MessagePace(Pace):
    """At most ``messages_burst`` messages at once per customer, refilled at ``messages_per_minute``."""

    def __init__(self, limits: WebchatLimits, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(limits.messages_burst, limits.messages_per_minute, monotonic)


class ConnectPace(Pace):
    """At most ``connects_burst`` socket connects at once per customer, refilled at
    ``connects_per_minute``: each connect replays history."""

    def __init__(self, limits: WebchatLimits, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(limits.connects_burst, limits.connects_per_minute, monotonic)


class SocketsFull(StrEnum):
    """Which open-socket limit refused a connect (the ``webchat_refused`` metric's reason)."""

    SESSION = "too_many_sockets"
    ADDRESS = "too_many_address_sockets"


class OpenSockets:
    """At most ``sockets_per_session`` open sockets per customer and ``sockets_per_address`` per
    client address, on this process. Every ``take`` that answers None must be matched by one
    ``release`` when the socket ends."""

    def __init__(self, limits: WebchatLimits) -> None:
        self._per_session = limits.sockets_per_session
        self._per_address = limits.sockets_per_address
        self._sessions: dict[int, int] = {}
        self._addresses: dict[str, int] = {}

    def __len__(self) -> int:
        """How many sockets hold a slot."""
        return sum(self._sessions.values())

    def take(self, identity_id: int, address: str) -> SocketsFull | None:
        """None when the socket may open (its slot is taken), else the limit it is at."""
        if self._sessions.get(identity_id, 0) >= self._per_session:
            return SocketsFull.SESSION
        if self._addresses.get(address, 0) >= self._per_address:
            return SocketsFull.ADDRESS
        self._sessions[identity_id] = self._sessions.get(identity_id, 0) + 1
        self._addresses[address] = self._addresses.get(address, 0) + 1
        return None

    def release(self, identity_id: int, address: str) -> None:
        _decrement(self._sessions, identity_id)
        _decrement(self._addresses, address)


def _decrement(counts: dict[_Key, int], key: _Key) -> None:
    left = counts.get(key, 0) - 1
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)


class SessionStarts:
    """At most ``sessions_per_address`` new sessions from one client address per window."""

    def __init__(self, redis: Redis, limits: WebchatLimits) -> None:
        self._redis = redis
        self._limit = limits.sessions_per_address
        self._window_ms = round(limits.sessions_window_minutes * 60_000)
        self._start = redis.register_script(_START)

    async def take(self, address: str) -> float:
        """0 when this address may open a session now (it is counted), else the seconds until it may."""
        wait_ms = await self._start(
            keys=[redis_keys.webchat_session_starts(address)], args=[self._window_ms, self._limit]
        )
        return int(wait_ms) / 1000


class PhotosInFlight:
    """At most ``photos_at_once`` uploads per customer and ``photos_at_once_per_address`` per
    client address under way at once in this process."""

    def __init__(self, limits: WebchatLimits) -> None:
        self._per_customer = limits.photos_at_once
        self._per_address = limits.photos_at_once_per_address
        self._customers: Counter[int] = Counter()
        self._addresses: Counter[str] = Counter()

    def in_flight(self, identity_id: int) -> int:
        """The customer's uploads under way."""
        return self._customers[identity_id]

    @contextlib.contextmanager
    def take(self, identity_id: int, address: str) -> Iterator[bool]:
        """Counts one upload for the block; yields False, counting nothing, when the customer or
        the address already has as many under way as allowed."""
        if self._customers[identity_id] >= self._per_customer or self._addresses[address] >= self._per_address:
            yield False
            return
        self._customers[identity_id] += 1
        self._addresses[address] += 1
        try:
            yield True
        finally:
            # Forgotten at zero: the counters hold only uploads under way.
            self._customers[identity_id] -= 1
            self._addresses[address] -= 1
            if not self._customers[identity_id]:
                del self._customers[identity_id]
            if not self._addresses[address]:
                del self._addresses[address]


@dataclass(frozen=True, slots=True)
class FloodGuards:
    """The app's web chat limits (``channels.webchat`` of the configuration)."""

    pace: MessagePace
    sessions: SessionStarts
    connects: ConnectPace
    sockets: OpenSockets
    photos: PhotosInFlight
