"""The complaint form as staff correct it (``PATCH /api/conversations/{id}/complaint``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Complaint


def complaint_to_correct(session: Session, conversation_id: int, case_number: str | None) -> Complaint | None:
    """The conversation's complaint numbered ``case_number``, or its latest without one; None
    when the conversation has no such complaint."""
    query = select(Complaint).where(Complaint.conversation_id == conversation_id)
    if case_number is not None:
        query = query.where(Complaint.case_number == case_number)
    return session.execute(query.order_by(Complaint.id.desc()).limit(1)).scalar_one_or_none()
