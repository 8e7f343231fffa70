"""Staff notifications: stored once per dedupe key (the caller's transaction found the condition;
after the commit it publishes the returned events), read, marked read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.storage.models import Notification
from bot.storage.store import dialect_insert


def recent_alerts(session: Session, kind: str, audience: str, since: dt.datetime, limit: int) -> list[Notification]:
    """Notifications of ``kind`` for ``audience`` created after ``since``, newest first."""
    return list(
        session.execute(
            select(Notification)
            .where(Notification.kind == kind, Notification.audience == audience, Notification.created_at > since)
            .order_by(Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


def notices_of_case(session: Session, kind: str, ticket_id: int, complaint_id: int | None) -> list[Notification]:
    """The ``kind`` notifications of this ticket or of this case, oldest first (a case raised
    again, or handed off a second time, is the same case to whoever was told)."""
    about = Notification.ticket_id == ticket_id
    if complaint_id is not None:
        about = about | (Notification.complaint_id == complaint_id)
    query = select(Notification).where(Notification.kind == kind, about).order_by(Notification.id)
    return list(session.execute(query).scalars())


def amend_notice(
    session: Session, notice: Notification, detail: dict[str, Any], complaint_id: int | None
) -> StaffEvent:
    """An unread notification told again with more (its case now known, another rule matched):
    the same notice, its detail replaced, so its readers see one notice of the case, not two."""
    session.execute(
        update(Notification)
        .where(Notification.id == notice.id)
        .values(detail=detail, complaint_id=notice.complaint_id or complaint_id)
    )
    return StaffEvent(
        kind=StaffEventKind.NOTIFICATION,
        conversation_ids=(notice.conversation_id,) if notice.conversation_id is not None else (),
        audience=notice.audience,
        detail={"id": notice.id, "kind": notice.kind, **detail},
    )


def notifications_for(session: Session, audiences: Sequence[str], limit: int) -> list[Notification]:
    """Notifications addressed to any of ``audiences``, newest first."""
    return list(
        session.execute(
            select(Notification)
            .where(Notification.audience.in_(audiences))
            .order_by(Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


def mark_read(session: Session, notification_id: int, audiences: Sequence[str], now: dt.datetime) -> bool:
    """Mark the notification read if it is addressed to one of ``audiences``; False if there is none such."""
    found = session.execute(
        select(Notification.id).where(Notification.id == notification_id, Notification.audience.in_(audiences))
    ).scalar_one_or_none()
    if found is None:
        return False
    session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return True


def mark_all_read(session: Session, audiences: Sequence[str], now: dt.datetime) -> int:
    """Mark every unread notification addressed to one of ``audiences`` read; how many there were."""
    result = session.execute(
        update(Notification)
        .where(Notification.audience.in_(audiences), Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def insert_notification(
    session: Session,
    kind: str,
    audience: str,
    now: dt.datetime,
    *,
    conversation_id: int | None,
    complaint_id: int | None,
    ticket_id: int | None,
    detail: dict[str, Any],
    dedupe_key: str | None,
) -> int | None:
    """Store a notification; its id, or None when one with ``dedupe_key`` exists already."""
    return session.execute(
        dialect_insert(session, Notification)
        .values(
            kind=kind,
            audience=audience,
            conversation_id=conversation_id,
            complaint_id=complaint_id,
            ticket_id=ticket_id,
            detail=detail,
            dedupe_key=dedupe_key,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.id)
    ).scalar_one_or_none()


SUPERVISORS = "role:supervisor"
MANAGERS = "role:manager"


def user_audience(user_id: int) -> str:
    return f"user:{user_id}"


def notify(
    session: Session,
    kind: str,
    audience: str,
    now: dt.datetime,
    *,
    conversation_id: int | None = None,
    complaint_id: int | None = None,
    ticket_id: int | None = None,
    detail: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> StaffEvent | None:
    """Store a notification; None when one with ``dedupe_key`` exists already (notified once)."""
    notification_id = insert_notification(
        session,
        kind,
        audience,
        now,
        conversation_id=conversation_id,
        complaint_id=complaint_id,
        ticket_id=ticket_id,
        detail=detail or {},
        dedupe_key=dedupe_key,
    )
    if notification_id is None:
        return None
    return StaffEvent(
        kind=StaffEventKind.NOTIFICATION,
        conversation_ids=(conversation_id,) if conversation_id is not None else (),
        audience=audience,
        detail={"id": notification_id, "kind": kind, **(detail or {})},
    )
