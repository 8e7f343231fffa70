"""Reading staff notifications and marking them read (they are written by ``bot.handoff.notifications``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import Notification


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
