"""The staff sessions' SQL. Each function takes a sync session, like the rest of the storage layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.storage.models import StaffSession, User


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a session belongs to, as the API needs it on every request."""

    user_id: int
    username: str
    role: str
    csrf_token: str
    expires_at: dt.datetime


def add_session(
    session: Session, token_digest: str, user_id: int, csrf_token: str, now: dt.datetime, expires_at: dt.datetime
) -> None:
    """Store a new session; expired ones of anyone are deleted on the way."""
    session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
    session.add(
        StaffSession(
            token_digest=token_digest, user_id=user_id, csrf_token=csrf_token, created_at=now, expires_at=expires_at
        )
    )


def find_session(session: Session, token_digest: str, now: dt.datetime) -> SignedIn | None:
    """The unexpired session of an active user with this digest, or None."""
    row = session.execute(
        select(User.id, User.username, User.role, StaffSession.csrf_token, StaffSession.expires_at)
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.token_digest == token_digest, StaffSession.expires_at > now, User.active.is_(True))
    ).first()
    return SignedIn(*row) if row is not None else None


def end_sessions_of(session: Session, user_id: int, keep: str | None = None) -> list[str]:
    """Delete every session of this account but the one of digest ``keep``; returns their token
    digests (for the cache)."""
    which = StaffSession.user_id == user_id
    if keep is not None:
        which = which & (StaffSession.token_digest != keep)
    digests = list(session.execute(select(StaffSession.token_digest).where(which)).scalars())
    session.execute(delete(StaffSession).where(which))
    return digests


def session_digests_of(session: Session, user_id: int) -> list[str]:
    """The token digests of every session of this account."""
    return list(session.execute(select(StaffSession.token_digest).where(StaffSession.user_id == user_id)).scalars())


def delete_session(session: Session, token_digest: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_digest == token_digest))


def open_sessions(session: Session, token_digests: Collection[str], now: dt.datetime) -> set[str]:
    """Those of ``token_digests`` that are still unexpired sessions of active users."""
    return set(
        session.execute(
            select(StaffSession.token_digest)
            .join(User, User.id == StaffSession.user_id)
            .where(
                StaffSession.token_digest.in_(list(token_digests)),
                StaffSession.expires_at > now,
                User.active.is_(True),
            )
        ).scalars()
    )
