"""The complaint form as staff correct it (``PATCH /api/conversations/{id}/complaint``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Complaint, Conversation, Customer


def complaint_to_correct(session: Session, conversation_id: int, case_number: str | None) -> Complaint | None:
    """The conversation's complaint numbered ``case_number``, or its latest without one; None
    when the conversation has no such complaint."""
    query = select(Complaint).where(Complaint.conversation_id == conversation_id)
    if case_number is not None:
        query = query.where(Complaint.case_number == case_number)
    return session.execute(query.order_by(Complaint.id.desc()).limit(1)).scalar_one_or_none()


def follow_phone_correction(session: Session, conversation_id: int, old: str | None, new: str | None) -> bool:
    """The conversation's customer's phone, when it is the number just corrected on their case and
    was typed in a chat (not a channel's own number), becomes the corrected one: staff ring the
    number the header shows. True if it changed."""
    customer = session.execute(
        select(Customer)
        .join(Conversation, Conversation.customer_id == Customer.id)
        .where(Conversation.id == conversation_id)
    ).scalar_one_or_none()
    if customer is None or old is None or customer.phone != old or customer.phone_verified:
        return False
    customer.phone = new
    return True
