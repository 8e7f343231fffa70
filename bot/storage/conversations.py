"""A conversation's history as the staff API shows it: messages, complaints, timeline."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Complaint, Message, TimelineEvent


def messages_of(session: Session, conversation_id: int) -> list[Message]:
    """The conversation's messages in the order they were stored."""
    return list(
        session.execute(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        ).scalars()
    )


def complaints_of(session: Session, conversation_id: int) -> list[Complaint]:
    """The conversation's complaints."""
    return list(session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id)).scalars())


def timeline_of(session: Session, conversation_id: int) -> list[TimelineEvent]:
    """The conversation's timeline, oldest first."""
    return list(
        session.execute(
            select(TimelineEvent).where(TimelineEvent.conversation_id == conversation_id).order_by(TimelineEvent.id)
        ).scalars()
    )
