"""Notifications for staff: stored once per condition, then pushed to the consoles.

Call :func:`notify` inside the transaction that found the condition; after the commit,
publish the returned events with :func:`bot.handoff.events.publish`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff.events import StaffEvent, StaffEventKind
from bot.storage.notifications import insert_notification

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
