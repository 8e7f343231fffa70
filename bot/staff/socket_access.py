"""What an open staff event socket may still be told: its account's role and queues now, and
which of the conversations it watches its staff member may read.

A console's socket stays open for hours, and a manager may take its agent out of a queue (or turn
the account off) meanwhile: from then on the socket must hear nothing more of that queue's
conversations. Whoever changes an account's access calls :func:`announce_access_changed` once the
change is committed; every app instance hears it on the pub/sub connection that brings the staff
events, so each event published after it is judged by the access read after it
(``bot.staff.event_socket``). A notice lost with Redis is made up for by the instance's periodic
recheck, which compares every socket's access with the database's (:meth:`AccessReader.accesses`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.core import redis_keys
from bot.handoff.membership import visible_queues
from bot.staff.access import Access, conversation_access
from bot.storage.staff import access_of_active

log = structlog.get_logger(__name__)

BATCH = 500
"""Accounts read in one statement by the periodic recheck."""


@dataclass(frozen=True, slots=True)
class SocketAccess:
    """An account's standing as a socket is told by it: its role and the queues it sees."""

    role: str
    queues: frozenset[str] | None
    """None: every queue (a supervisor or a manager)."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A socket's access, and the watched conversations its staff member may read under it."""

    access: SocketAccess
    readable: frozenset[int]


class AccessReader:
    """Reads staff sockets' access from the database."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def reading(self, user_id: int, watching: Collection[int]) -> Reading | None:
        """The account's access now and which of ``watching`` it may read; None when the account
        is turned off or gone (its sockets are closed)."""

        def read(session: Session) -> Reading | None:
            found = access_of_active(session, [user_id]).get(user_id)
            if found is None:
                return None
            role, stored = found
            staff = {"id": user_id, "role": role}
            readable = frozenset(cid for cid in watching if conversation_access(session, cid, staff) is Access.ALLOWED)
            return Reading(SocketAccess(role, visible_queues(role, stored)), readable)

        async with self._sessions() as session:
            return await session.run_sync(read)

    async def accesses(self, user_ids: Collection[int]) -> dict[int, SocketAccess]:
        """The access of each of these accounts that is active now (the others are absent)."""
        ids = sorted(set(user_ids))

        def read(session: Session) -> dict[int, SocketAccess]:
            found: dict[int, SocketAccess] = {}
            for start in range(0, len(ids), BATCH):
                for user_id, (role, stored) in access_of_active(session, ids[start : start + BATCH]).items():
                    found[user_id] = SocketAccess(role, visible_queues(role, stored))
            return found

        async with self._sessions() as session:
            return await session.run_sync(read)


async def announce_access_changed(redis: Redis, user_id: int) -> None:
    """Tell every app instance that this account's queues, role or standing changed (call after
    the commit). Not heard (Redis unreachable), the instances' periodic recheck finds it."""
    try:
        await redis.publish(redis_keys.STAFF_ACCESS_CHANGED_CHANNEL, str(user_id))
    except (RedisError, OSError) as error:
        log.warning("staff_access.change_not_published", user_id=user_id, error=type(error).__name__)
