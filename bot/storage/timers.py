"""Conversation timers the reconcile cron finds overdue and queues again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.storage.models import Timer


def overdue_timers(session: Session, due_before: dt.datetime) -> list[Timer]:
    """Timers still ``pending`` that were due before ``due_before``."""
    return list(
        session.execute(select(Timer).where(Timer.status == "pending", Timer.due_at <= due_before)).scalars().all()
    )


def mark_requeued(session: Session, timer_ids: Sequence[int]) -> None:
    session.execute(update(Timer).where(Timer.id.in_(timer_ids)).values(status="requeued"))
