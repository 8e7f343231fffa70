"""The manager dashboard's reads: open complaints with deadlines, recent complaint counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Complaint, Conversation

OPEN_STATUSES = ("open", "incomplete")


def open_complaints_with_deadline(session: Session) -> list[tuple[Complaint, str | None]]:
    """Open complaints that have a deadline, with their conversation's owner, soonest deadline first."""
    rows = session.execute(
        select(Complaint, Conversation.owner)
        .join(Conversation, Conversation.id == Complaint.conversation_id)
        .where(Complaint.status.in_(OPEN_STATUSES), Complaint.deadline_at.is_not(None))
        .order_by(Complaint.deadline_at, Complaint.id)
    )
    return [(complaint, owner) for complaint, owner in rows]


def complaint_categories_since(session: Session, since: dt.datetime) -> list[tuple[str, str | None]]:
    """(category, area) of every complaint created after ``since``."""
    rows = session.execute(select(Complaint.category, Complaint.area).where(Complaint.created_at > since))
    return [(category, area) for category, area in rows]
