"""The manager dashboard's reads: open complaints with deadlines, recent complaint counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.ticket_reason import TicketReason
from bot.storage.models import Complaint, Conversation, HandoffTicket

OPEN_STATUSES = ("open", "incomplete")


@dataclass(frozen=True, slots=True)
class OpenDeadline:
    case_number: str
    conversation_id: int
    category: str
    deadline_at: dt.datetime
    promised_at: dt.datetime
    """When the deadline was promised (its creation when never promised)."""
    owner: str | None
    appeal: bool = False
    """An appeal (申诉) of the case waits for the duty supervisor."""


def open_complaints_with_deadline(session: Session) -> list[OpenDeadline]:
    """Open complaints that have a deadline, with their conversation's owner, soonest deadline
    first: the columns the dashboard shows, found by the (status, deadline) index."""
    rows = session.execute(
        select(
            Complaint.case_number,
            Complaint.conversation_id,
            Complaint.category,
            Complaint.deadline_at,
            Complaint.promised_at,
            Complaint.created_at,
            # By primary key for each open case: a join lets PostgreSQL hash every conversation.
            select(Conversation.owner).where(Conversation.id == Complaint.conversation_id).scalar_subquery(),
        )
        .where(Complaint.status.in_(OPEN_STATUSES), Complaint.deadline_at.is_not(None))
        .order_by(Complaint.deadline_at, Complaint.id)
    )
    found = []
    for number, conversation, category, deadline, promised, created, owner in rows:
        assert deadline is not None
        found.append(OpenDeadline(number, conversation, category, deadline, promised or created, owner))
    return found


def waiting_appeals(session: Session) -> list[OpenDeadline]:
    """Appeals (申诉) still waiting for the duty supervisor, with their case, whether or not the
    case is still open (an agent's resolution leaves the appeal for the supervisor), oldest first;
    an appeal with no case recorded is due at once (its deadline when it was made)."""
    rows = session.execute(
        select(
            Complaint.case_number,
            HandoffTicket.conversation_id,
            Complaint.category,
            Complaint.deadline_at,
            Complaint.promised_at,
            HandoffTicket.created_at,
            select(Conversation.owner).where(Conversation.id == HandoffTicket.conversation_id).scalar_subquery(),
        )
        .outerjoin(Complaint, Complaint.id == HandoffTicket.complaint_id)
        .where(HandoffTicket.status == "waiting", HandoffTicket.reason == TicketReason.APPEAL.value)
        .order_by(HandoffTicket.created_at, HandoffTicket.id)
    )
    return [
        OpenDeadline(number or "", conversation, category or "", deadline or made, promised or made, owner, appeal=True)
        for number, conversation, category, deadline, promised, made, owner in rows
    ]


def complaint_categories_since(session: Session, since: dt.datetime) -> list[tuple[str, str | None]]:
    """(category, area) of every complaint created after ``since``, oldest first."""
    rows = session.execute(
        select(Complaint.category, Complaint.area)
        .where(Complaint.created_at > since)
        .order_by(Complaint.created_at, Complaint.id)
    )
    return [(category, area) for category, area in rows]
