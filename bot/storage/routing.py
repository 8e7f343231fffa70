"""What routing a handoff reads and changes: the complaint, the customer's earlier cases and owners,
the ticket claimed for a previous owner."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, cast, literal, select, update
from sqlalchemy.orm import Session

from bot.storage.db import rows_matched
from bot.storage.models import Complaint, Conversation, HandoffTicket, User

AGENT_PREFIX = "agent:"


def complaint_for_handoff(session: Session, conversation_id: int, complaint_id: int | None) -> Complaint | None:
    """The complaint ``complaint_id`` of the conversation, or without one its newest complaint."""
    query = select(Complaint).where(Complaint.conversation_id == conversation_id)
    query = query.where(Complaint.id == complaint_id) if complaint_id else query.order_by(Complaint.id.desc())
    return session.execute(query.limit(1)).scalar_one_or_none()


def complained_before(session: Session, customer_id: int, category: str, conversation_id: int) -> bool:
    """Whether the customer has a complaint of ``category`` in another conversation."""
    found = session.execute(
        select(Complaint.id)
        .where(
            Complaint.customer_id == customer_id,
            Complaint.category == category,
            Complaint.conversation_id != conversation_id,
        )
        .limit(1)
    ).scalar_one_or_none()
    return found is not None


def repeats_earlier(session: Session, complaint_id: int | None) -> bool:
    """Whether the complaint was linked at its filing to earlier cases it repeats (``repeat_of``)."""
    if complaint_id is None:
        return False
    linked = session.execute(select(Complaint.repeat_of).where(Complaint.id == complaint_id)).scalar_one_or_none()
    return bool(linked)


def previous_owner(session: Session, customer_id: int, conversation_id: int) -> User | None:
    """The agent who owns the customer's latest other conversation, if an agent owns it."""
    return session.execute(
        select(User)
        .join(Conversation, Conversation.owner == literal(AGENT_PREFIX, String) + cast(User.id, String))
        .where(Conversation.customer_id == customer_id, Conversation.id != conversation_id)
        .order_by(Conversation.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def claim_for(session: Session, ticket: HandoffTicket, agent_id: int, now: dt.datetime) -> None:
    """The ticket is claimed by the agent ``agent_id`` (who was given its conversation)."""
    ticket.status, ticket.claimed_by, ticket.claimed_at = "claimed", str(agent_id), now


def move_if_version(session: Session, conversation_id: int, ownership_version: int, owner: str) -> bool:
    """Give the conversation to ``owner`` if its ownership version is still ``ownership_version``."""
    return bool(
        rows_matched(
            session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id, Conversation.ownership_version == ownership_version)
                .values(owner=owner, ownership_version=Conversation.ownership_version + 1)
            )
        )
    )


def waiting_ticket_of_case(session: Session, conversation_id: int, complaint_id: int) -> HandoffTicket | None:
    """The conversation's oldest ticket waiting for case ``complaint_id`` (or for no case yet), if any."""
    return session.execute(
        select(HandoffTicket)
        .where(
            HandoffTicket.conversation_id == conversation_id,
            HandoffTicket.status == "waiting",
            (HandoffTicket.complaint_id == complaint_id) | HandoffTicket.complaint_id.is_(None),
        )
        .order_by(HandoffTicket.complaint_id.is_(None), HandoffTicket.id)
        .limit(1)
    ).scalar_one_or_none()
