"""Web chat against floods: how fast one customer may send and reconnect, how many frames one
socket may send, how many sockets one customer and one address may hold open, how many sessions
one address may open and how many characters of messages it may send a minute, how many photos
one customer and one address may be uploading at once, and how many bytes of photos one address
may store in a day.

A customer's pace and connects (token buckets per web chat identity) and the open sockets
(counts per identity and per client address) are kept in this process: a socket stays on one
instance, and what they protect, its file descriptors and event loop, are that instance's. So no
Redis round trip is added, and a slot cannot outlive its socket (a crash loses both). A socket's
frame budget lives with its handler. New sessions are counted in Redis, so every instance behind
the load balancer counts the same address; so are the characters an address sent this minute
and the bytes of photos it stored.
Photos in flight are counted in the process that reads them: what they bound is that process's
memory and CPU.

An address here is the client's limit key (``ClientAddresses.limit_key``): an IPv4 address, or
an IPv6 client's whole /64 (``BOT_IPV6_LIMIT_PREFIX``), which one subscriber holds entirely.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from redis.asyncio import Redis

from bot.config import PhotoQuota, WebchatLimits
from bot.core import redis_keys

PHOTOS_FULL = "photos_at_once"
"""The ``webchat_refused`` metric's reason for a photo refused while others are under way."""
_PRUNE_ABOVE = 4096
"""Customers tracked before the ones whose bucket has refilled are forgotten; then twice as many
as remain, so that many customers all sending keep the cost of a message constant."""

_Key = TypeVar("_Key", int, str)
_Full = TypeVar("_Full", bound=str)

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

# Counts each message's characters for its address (KEYS[i], ARGV[2 + i] characters) unless they
# would take it past its budget; then counts nothing for that message and answers the milliseconds
# until its window ends. The window's first message always passes, so no budget can refuse a
# message for its length alone. The messages of one moment, from any addresses, are counted in one
# call, in the order they came.
CHARACTERS_SCRIPT = """
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local waits = {}
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  local size = tonumber(ARGV[2 + i])
  if count > 0 and count + size > limit then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = window end
    waits[i] = ttl
  else
    if redis.call('INCRBY', key, size) == size then redis.call('PEXPIRE', key, window) end
    waits[i] = 0
  end
end
return waits
"""


class Pace(Generic[_Key]):
    """At most ``burst`` at once per customer (or address), refilled at ``per_minute``."""

    def __init__(self, burst: int, per_minute: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._burst = float(burst)
        self._per_second = per_minute / 60
        self._monotonic = monotonic
        self._buckets: dict[_Key, tuple[float, float]] = {}
        self._prune_above = _PRUNE_ABOVE

    def __len__(self) -> int:
        """How many customers' pace this process keeps (those that have not rested)."""
        return len(self._buckets)

    def take(self, identity_id: _Key) -> float:
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

    def _tokens(self, identity_id: _Key, now: float) -> float:
        tokens, since = self._buckets.get(identity_id, (self._burst, now))
        return min(self._burst, tokens + (now - since) * self._per_second)

    def _forget_rested(self, now: float) -> None:
        rested = [identity for identity in self._buckets if self._tokens(identity, now) >= self._burst]
        for identity in rested:
            del self._buckets[identity]


class MessagePace(Pace[int]):
    """At most ``messages_burst`` messages at once per customer, refilled at ``messages_per_minute``."""

    def __init__(self, limits: WebchatLimits, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(limits.messages_burst, limits.messages_per_minute, monotonic)


class AddressMessagePace(Pace[str]):
    """At most ``messages_burst_per_address`` messages at once from all the sessions of one client
    address, refilled at ``messages_per_minute_per_address``: each session is a new customer with a
    pace of its own, and every message accepted is stored and read, so many sessions sending as
    fast as their pace lets them would fill the instance's pipeline for minutes. Kept in this
    process, as the pace is: what it protects is this instance's CPU."""

    def __init__(self, limits: WebchatLimits, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(limits.messages_burst_per_address, limits.messages_per_minute_per_address, monotonic)


class ConnectPace(Pace[int]):
    """At most ``connects_burst`` socket connects at once per customer, refilled at
    ``connects_per_minute``: each connect replays history."""

    def __init__(self, limits: WebchatLimits, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(limits.connects_burst, limits.connects_per_minute, monotonic)


class _Bucket:
    """One token bucket: at most ``burst`` at once, refilled at ``per_minute``."""

    __slots__ = ("_burst", "_monotonic", "_per_second", "_since", "_tokens")

    def __init__(self, burst: int, per_minute: float, monotonic: Callable[[], float]) -> None:
        self._burst = self._tokens = float(burst)
        self._per_second = per_minute / 60
        self._monotonic = monotonic
        self._since = monotonic()

    def take(self) -> bool:
        now = self._monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._since) * self._per_second)
        self._since = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


FRAMES_FLOOD = "frames_flood"
"""The ``webchat_refused`` metric's reason for a socket closed for the frames it kept sending."""


class FrameBudget:
    """One socket's frames: every frame takes one of ``socket_frames_burst`` at once, refilled at
    ``socket_frames_per_minute``, and a frame beyond is dropped unread. Every refused frame (sent
    too fast for the pace, malformed, dropped) takes one of ``socket_refusals_burst``, refilled at
    ``socket_refusals_per_minute``; when none is left the socket is to be closed.

    The defaults are far above a customer typing as fast as the pace lets them plus the widget's
    resends of what it refused, which all go out again each time the pace says."""

    __slots__ = ("_frames", "_refusals", "dropped", "refused")

    def __init__(self, limits: WebchatLimits, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._frames = _Bucket(limits.socket_frames_burst, limits.socket_frames_per_minute, monotonic)
        self._refusals = _Bucket(limits.socket_refusals_burst, limits.socket_refusals_per_minute, monotonic)
        self.dropped = 0
        """Frames dropped unread."""
        self.refused = 0
        """Frames refused, the dropped ones included."""

    def take_frame(self) -> bool:
        """True when the next frame may be read; False: it is dropped (count it refused)."""
        if self._frames.take():
            return True
        self.dropped += 1
        return False

    def take_refusal(self) -> bool:
        """Counts one refused frame: False when the socket has used up its refusals."""
        self.refused += 1
        return self._refusals.take()


class SocketsFull(StrEnum):
    """Which open-socket limit refused a connect (the ``webchat_refused`` metric's reason)."""

    SESSION = "too_many_sockets"
    ADDRESS = "too_many_address_sockets"


class AtOnce(Generic[_Full]):
    """At most ``per_customer`` of something under way at once per customer and ``per_address``
    per client address, in this process; ``take`` answers which limit is full, else counts one.
    Every ``take`` that answers None is matched by one ``release`` (or use :meth:`holding`)."""

    def __init__(self, per_customer: int, per_address: int, customer_full: _Full, address_full: _Full) -> None:
        self._per_customer, self._per_address = per_customer, per_address
        self._customer_full, self._address_full = customer_full, address_full
        self._customers: Counter[int] = Counter()
        self._addresses: Counter[str] = Counter()

    def __len__(self) -> int:
        """How many are under way."""
        return sum(self._customers.values())

    def in_flight(self, identity_id: int) -> int:
        """The customer's under way."""
        return self._customers[identity_id]

    def take(self, identity_id: int, address: str) -> _Full | None:
        """None when one more may start (it is counted), else the limit it is at."""
        if self._customers[identity_id] >= self._per_customer:
            return self._customer_full
        if self._addresses[address] >= self._per_address:
            return self._address_full
        self._customers[identity_id] += 1
        self._addresses[address] += 1
        return None

    def release(self, identity_id: int, address: str) -> None:
        _forget_one(self._customers, identity_id)
        _forget_one(self._addresses, address)

    @contextlib.contextmanager
    def holding(self, identity_id: int, address: str) -> Iterator[_Full | None]:
        """:meth:`take` for the block, released after it when it was taken."""
        full = self.take(identity_id, address)
        try:
            yield full
        finally:
            if full is None:
                self.release(identity_id, address)


def _forget_one(counts: Counter[_Key], key: _Key) -> None:
    """One less under way; forgotten at zero, so the counters hold only what is under way."""
    counts[key] -= 1
    if counts[key] <= 0:
        del counts[key]


class OpenSockets(AtOnce[SocketsFull]):
    """At most ``sockets_per_session`` open sockets per customer and ``sockets_per_address`` per
    client address, on this process."""

    def __init__(self, limits: WebchatLimits) -> None:
        per_session, per_address = limits.sockets_per_session, limits.sockets_per_address
        super().__init__(per_session, per_address, SocketsFull.SESSION, SocketsFull.ADDRESS)


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


class AddressCharacters:
    """At most ``characters_per_minute_per_address`` characters of messages from all the sessions
    of one client address within a minute (counted from its first message): each session is a new
    customer with a pace of its own, so the address is what bounds how much text reaches the
    conversations at once. The messages that arrive together (one turn of the event loop, any
    sockets) are counted in one Redis call: a round trip a moment, not a message."""

    _WINDOW_MS = 60_000

    def __init__(self, redis: Redis, limits: WebchatLimits) -> None:
        self._limit = limits.characters_per_minute_per_address
        self._take = redis.register_script(CHARACTERS_SCRIPT)
        self._waiting: list[tuple[str, int, asyncio.Future[float]]] = []
        self._counting: set[asyncio.Task[None]] = set()

    async def take(self, address: str, characters: int) -> float:
        """0 when the address may send a message of ``characters`` now (they are counted), else
        the seconds until it may."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[float] = loop.create_future()
        self._waiting.append((redis_keys.webchat_address_characters(address), characters, answer))
        if len(self._waiting) == 1:
            loop.call_soon(self._count_waiting)  # after the other sockets ready in this turn
        return await answer

    def _count_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        task = asyncio.ensure_future(self._count(waiting))
        self._counting.add(task)
        task.add_done_callback(self._counting.discard)

    async def _count(self, waiting: list[tuple[str, int, asyncio.Future[float]]]) -> None:
        try:
            waits = await self._take(
                keys=[key for key, _, _ in waiting],
                args=[self._WINDOW_MS, self._limit, *(characters for _, characters, _ in waiting)],
            )
        except asyncio.CancelledError:
            for _, _, answer in waiting:
                answer.cancel()
            raise
        except Exception as error:  # each sender hears it (a customer's message is not refused for it)
            for _, _, answer in waiting:
                if not answer.done():
                    answer.set_exception(error)
            return
        for (_, _, answer), wait_ms in zip(waiting, waits, strict=True):
            if not answer.done():
                answer.set_result(int(wait_ms) / 1000)


class AddressPhotoBytes:
    """At most ``photo_quota.megabytes_per_address_per_day`` of photos stored from one client
    address's sessions within 24 hours (counted from its first photo): each session is a new
    customer with a quota of its own, so the address is what bounds the store. The photo that
    crosses it is the last, as for a customer's own quota."""

    _DAY_SECONDS = 24 * 3600

    def __init__(self, redis: Redis, quota: PhotoQuota) -> None:
        self._redis = redis
        self._limit = quota.bytes_per_address_per_day

    async def reached(self, address: str) -> bool:
        """Whether the address has stored its day's bytes of photos."""
        stored = await self._redis.get(redis_keys.webchat_photo_bytes(address))
        return stored is not None and int(stored) >= self._limit

    async def add(self, address: str, size: int) -> None:
        """Counts ``size`` bytes stored from the address (the day starts with its first photo)."""
        key = redis_keys.webchat_photo_bytes(address)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=self._DAY_SECONDS, nx=True)  # (EXPIRE's NX needs Redis 7)
            pipe.incrby(key, size)
            await pipe.execute()


class PhotosInFlight(AtOnce[str]):
    """At most ``photos_at_once`` uploads per customer and ``photos_at_once_per_address`` per
    client address under way at once in this process."""

    def __init__(self, limits: WebchatLimits) -> None:
        super().__init__(limits.photos_at_once, limits.photos_at_once_per_address, PHOTOS_FULL, PHOTOS_FULL)


@dataclass(frozen=True, slots=True)
class FloodGuards:
    """The app's web chat limits (``channels.webchat`` of the configuration)."""

    pace: MessagePace
    address_pace: AddressMessagePace
    sessions: SessionStarts
    characters: AddressCharacters
    connects: ConnectPace
    sockets: OpenSockets
    photos: PhotosInFlight
    photo_bytes: AddressPhotoBytes
