"""The few reads behind the Prometheus gauges (all index-bounded)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.dashboard import OPEN_STATUSES
from bot.storage.models import Complaint, Timer


def overdue_timer_count(session: Session, now: dt.datetime) -> int:
    """Timers still ``pending`` past their due time (``ix_timers_status_due``)."""
    count = session.execute(
        select(func.count()).select_from(Timer).where(Timer.status == "pending", Timer.due_at < now)
    ).scalar_one()
    return int(count)


def open_deadlines(session: Session) -> list[tuple[dt.datetime, dt.datetime]]:
    """(deadline, promised at) of every open complaint with a deadline: the dashboard's scan."""
    rows = session.execute(
        select(Complaint.deadline_at, func.coalesce(Complaint.promised_at, Complaint.created_at)).where(
            Complaint.status.in_(OPEN_STATUSES), Complaint.deadline_at.is_not(None)
        )
    )
    return [(deadline, promised) for deadline, promised in rows if deadline is not None]
