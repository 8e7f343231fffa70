"""The staff audit log (``audit_log``): entries are added and read, never changed.

This module holds the only SQL that touches the table, and it is INSERT and SELECT only; the
database refuses UPDATE and DELETE as well (triggers of migration 0013).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot.storage.models import AuditEntry


@dataclass(frozen=True, slots=True)
class NewEntry:
    """What one staff action leaves in the log."""

    at: dt.datetime
    action: str
    status: int
    actor_id: int | None = None
    actor: str | None = None
    role: str | None = None
    target: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    client_address: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Which entries to read: all filters optional, newest first, ids below ``before``."""

    limit: int
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    actor: str | None = None
    """The start of the name (``zha`` finds ``zhao`` and ``zhang``)."""
    action: str | None = None
    before: int | None = None


def append(session: Session, entry: NewEntry) -> int:
    """Add one entry; its id."""
    return session.execute(
        insert(AuditEntry)
        .values(
            at=entry.at,
            actor_id=entry.actor_id,
            actor=entry.actor,
            role=entry.role,
            action=entry.action,
            target=entry.target,
            detail=entry.detail,
            client_address=entry.client_address,
            user_agent=entry.user_agent,
            request_id=entry.request_id,
            status=entry.status,
        )
        .returning(AuditEntry.id)
    ).scalar_one()


def entries(session: Session, query: AuditQuery) -> list[AuditEntry]:
    """The entries ``query`` asks for, newest (highest id) first, at most ``query.limit``."""
    statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(query.limit)
    if query.since is not None:
        statement = statement.where(AuditEntry.at >= query.since)
    if query.until is not None:
        statement = statement.where(AuditEntry.at < query.until)
    if query.actor is not None:
        # The start of a name ("zha" finds zhao, zhang): a prefix LIKE, its % and _ escaped, which
        # an index on actor can serve (a "contains" match could only scan the table).
        statement = statement.where(AuditEntry.actor.startswith(query.actor, autoescape=True))
    if query.action is not None:
        statement = statement.where(AuditEntry.action == query.action)
    if query.before is not None:
        statement = statement.where(AuditEntry.id < query.before)
    return list(session.execute(statement).scalars())


def last_sign_ins(session: Session) -> dict[int, dt.datetime]:
    """When each account last signed in (accounts that never did are absent)."""
    rows = session.execute(
        select(AuditEntry.actor_id, func.max(AuditEntry.at))
        .where(AuditEntry.action == "sign_in", AuditEntry.status < 400, AuditEntry.actor_id.is_not(None))
        .group_by(AuditEntry.actor_id)
    ).all()
    return {actor_id: at for actor_id, at in rows if actor_id is not None}
