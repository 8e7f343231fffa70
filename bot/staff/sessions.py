"""Staff sessions: the database holds them, the cookie carries a random token.

Every request reads its session from the database, joined with its account (one statement by
the session's primary key and the account's), so a manager's change is seen by the account's very
next request on every instance: a deactivated account, an ended session, a changed role. There is
no copy of a session anywhere to outlive the row (a cache of it let a demoted or deactivated agent
use the role-gated routes until it lapsed), and a sign-in survives losing Redis. Ending sessions
publishes their digests, and every instance closes the staff event sockets it opened.
"""

from __future__ import annotations

import datetime as dt
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
    session_digests_of,
)
from bot.storage.store import token_digest

log = structlog.get_logger(__name__)


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
        return token, signed_in

    async def load(self, token: str) -> SignedIn | None:
        """The session this token opens with its account's role now, or None (unknown, expired,
        revoked, or the account is off)."""
        digest, now = token_digest(token), self._clock()
        async with self._database.sessions() as session:
            return await session.run_sync(find_session, digest, now)

    async def revoke(self, token: str) -> None:
        """End the session on every instance (a token that opens nothing is fine)."""
        digest = token_digest(token)
        await self._database.write(lambda session: delete_session(session, digest))
        await self._announce_ended([digest])

    async def revoke_all_of(self, user_id: int, reason: str | None = None) -> int:
        """End every session of the account on every instance (deactivated, or a new password);
        ``reason`` ("account_off") is kept for :meth:`end_reason`. Returns how many there were."""
        told: set[str] = set()
        if reason is not None:
            # Kept before the sessions end: a request made in between is told why, not "expired".
            told = set(await self._database.write(lambda session: session_digests_of(session, user_id)))
            await self._keep_reason(told, reason)
        digests = await self._database.write(lambda session: end_sessions_of(session, user_id))
        if reason is not None and (opened_since := set(digests) - told):
            await self._keep_reason(opened_since, reason)
        await self._announce_ended(digests)
        return len(digests)

    async def revoke_others_of(self, user_id: int, token: str) -> int:
        """End every session of the account but the one this token opens (its own password
        changed, or "sign out elsewhere"); returns how many ended."""
        keep = token_digest(token)
        digests = await self._database.write(lambda session: end_sessions_of(session, user_id, keep))
        await self._announce_ended(digests)
        return len(digests)

    async def end_reason(self, token: str) -> str | None:
        """Why this token's session was ended by someone else ("account_off"), or None (unknown,
        expired, signed out, or Redis unreachable: the caller says "expired")."""
        try:
            reason = await self._redis.get(redis_keys.staff_session_end_reason(token_digest(token)))
        except (RedisError, OSError) as error:
            log.warning("staff_session.reason_not_read", error=type(error).__name__)
            return None
        if reason is None:
            return None
        return reason.decode() if isinstance(reason, bytes) else str(reason)

    async def _keep_reason(self, digests: Collection[str], reason: str) -> None:
        seconds = max(1, int(self._max_age.total_seconds()))
        try:
            for digest in digests:
                await self._redis.set(redis_keys.staff_session_end_reason(digest), reason, ex=seconds)
        except (RedisError, OSError) as error:
            log.warning("staff_session.reason_not_kept", error=type(error).__name__)

    async def _announce_ended(self, digests: Collection[str]) -> None:
        """Close the event sockets of these sessions on every instance (the requests need no
        telling: they read the database)."""
        try:
            for digest in digests:
                await self._redis.publish(redis_keys.STAFF_SESSION_ENDED_CHANNEL, digest)
        except (RedisError, OSError) as error:
            log.warning("staff_session.end_not_published", error=type(error).__name__)

    async def still_open(self, digests: Collection[str]) -> set[str]:
        """Those of the sessions (by token digest) that the database still holds for active
        accounts and that have not expired."""
        now = self._clock()
        async with self._database.sessions() as session:
            return await session.run_sync(open_sessions, digests, now)
