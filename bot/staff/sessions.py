"""Staff sessions: the database holds them, Redis caches them, the cookie carries a random token.

A sign-in survives losing Redis (the cache refills from the database). Signing out writes a
"revoked" marker over the cache entry before deleting the row, and cache fills never overwrite an
entry (``SET NX``), so a request racing the sign-out cannot put the session back in the cache.
Then it publishes the session's digest, and every instance closes the staff event sockets it opened.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Collection

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.core import redis_keys
from bot.core.clock import Clock
from bot.staff.accounts import Account
from bot.storage.db import Database
from bot.storage.staff_sessions import (
    SignedIn,
    add_session,
    delete_session,
    end_sessions_of,
    find_session,
    open_sessions,
)
from bot.storage.store import token_digest

CACHE_SECONDS = 300
"""How long Redis keeps a session (or its revocation): a deactivated account's open sessions end
at most this long after, and the cache never outlives the row it copies by more than this."""
REVOKED = b"revoked"

log = structlog.get_logger(__name__)


def _encode(signed_in: SignedIn) -> str:
    return json.dumps(
        {
            "user_id": signed_in.user_id,
            "username": signed_in.username,
            "role": signed_in.role,
            "csrf_token": signed_in.csrf_token,
            "expires_at": signed_in.expires_at.isoformat(),
        }
    )


def _decode(raw: bytes) -> SignedIn:
    data = json.loads(raw)
    return SignedIn(
        int(data["user_id"]),
        str(data["username"]),
        str(data["role"]),
        str(data["csrf_token"]),
        dt.datetime.fromisoformat(data["expires_at"]),
    )


class StaffSessions:
    """Create, look up and revoke staff sessions by the token in the cookie."""

    def __init__(self, database: Database, redis: Redis, clock: Clock, max_age: float) -> None:
        self._database = database
        self._redis = redis
        self._clock = clock
        self._max_age = dt.timedelta(seconds=max_age)

    async def create(self, account: Account) -> tuple[str, SignedIn]:
        """A new session for ``account``: the cookie token and what it signs in."""
        token, csrf_token, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), self._clock()
        signed_in = SignedIn(account.id, account.username, account.role, csrf_token, now + self._max_age)
        digest = token_digest(token)
        await self._database.write(
            lambda session: add_session(session, digest, account.id, csrf_token, now, signed_in.expires_at)
        )
        await self._cache(digest, signed_in, now)
        return token, signed_in

    async def load(self, token: str) -> SignedIn | None:
        """The session this token opens, or None (unknown, expired, revoked, or the account is off)."""
        digest, now = token_digest(token), self._clock()
        try:
            cached = await self._redis.get(redis_keys.staff_session(digest))
        except (RedisError, OSError) as error:
            log.warning("staff_session.cache_unreachable", error=type(error).__name__)
            cached = None
        if cached == REVOKED:
            return None
        if cached is not None:
            signed_in = _decode(cached)
            return signed_in if signed_in.expires_at > now else None
        async with self._database.sessions() as session:
            found = await session.run_sync(find_session, digest, now)
        if found is not None:
            await self._cache(digest, found, now)
        return found

    async def revoke(self, token: str) -> None:
        """End the session on every instance (a token that opens nothing is fine)."""
        digest = token_digest(token)
        await self._mark_revoked([digest])
        await self._database.write(lambda session: delete_session(session, digest))
        await self._announce_ended([digest])

    async def revoke_all_of(self, user_id: int) -> int:
        """End every session of the account on every instance (deactivated, or a new password);
        returns how many there were. The markers go into the cache after the rows are gone, so
        no request in between can put a session back for longer than it takes."""
        digests = await self._database.write(lambda session: end_sessions_of(session, user_id))
        await self._mark_revoked(digests)
        await self._announce_ended(digests)
        return len(digests)

    async def _mark_revoked(self, digests: Collection[str]) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for digest in digests:
                    pipe.set(redis_keys.staff_session(digest), REVOKED, px=CACHE_SECONDS * 1000)
                await pipe.execute()
        except (RedisError, OSError) as error:
            log.warning("staff_session.cache_unreachable", error=type(error).__name__)

    async def _announce_ended(self, digests: Collection[str]) -> None:
        try:
            for digest in digests:
                await self._redis.publish(redis_keys.STAFF_SESSION_ENDED_CHANNEL, digest)
        except (RedisError, OSError) as error:
            log.warning("staff_session.end_not_published", error=type(error).__name__)

    async def still_open(self, digests: Collection[str]) -> set[str]:
        """Those of the sessions (by token digest) that the database still holds for active
        accounts and that have not expired; the cache is not asked, so a deactivation counts."""
        now = self._clock()
        async with self._database.sessions() as session:
            return await session.run_sync(open_sessions, digests, now)

    async def _cache(self, digest: str, signed_in: SignedIn, now: dt.datetime) -> None:
        remaining = (signed_in.expires_at - now).total_seconds()
        milliseconds = int(min(CACHE_SECONDS, remaining) * 1000)
        if milliseconds <= 0:
            return
        try:
            await self._redis.set(redis_keys.staff_session(digest), _encode(signed_in), nx=True, px=milliseconds)
        except (RedisError, OSError) as error:
            log.warning("staff_session.cache_unreachable", error=type(error).__name__)
