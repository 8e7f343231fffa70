"""The agent console's customer panel (issue 15): who the customer is and their cases on every
channel. Three statements (four with the conversation's customer) however many cases the customer has.
And the customer's tier, which supervisors and managers set from the panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.storage.conversations import handlers_of_one
from bot.storage.models import ChannelIdentity, Complaint, Conversation, Customer, HandoffTicket, Satisfaction
from bot.storage.search import readable_by

MAX_CASES = 20


def customer_of(session: Session, conversation_id: int) -> tuple[int, frozenset[str]] | None:
    """The conversation's customer id and its handlers (``conversations.handlers_of``); None when
    there is no such conversation."""
    customer_id = session.execute(
        select(Conversation.customer_id).where(Conversation.id == conversation_id)
    ).scalar_one_or_none()
    if customer_id is None:
        return None
    return customer_id, handlers_of_one(session, conversation_id)


@dataclass(frozen=True)
class TierChange:
    customer_id: int
    before: str
    """The customer's tier before the change (the same as the new one when nothing changed)."""


def set_customer_tier(session: Session, conversation_id: int, tier: str) -> TierChange | None:
    """Give the conversation's customer ``tier``; None when there is no such conversation."""
    row = session.execute(
        select(Customer.id, Customer.tier)
        .join(Conversation, Conversation.customer_id == Customer.id)
        .where(Conversation.id == conversation_id)
        .with_for_update(of=Customer)
    ).one_or_none()
    if row is None:
        return None
    if row.tier != tier:
        session.execute(update(Customer).where(Customer.id == row.id).values(tier=tier))
    return TierChange(row.id, row.tier)


def waiting_conversations(session: Session, customer_id: int) -> list[int]:
    """The customer's conversations with a ticket waiting in a queue (whose queue cards show them)."""
    return list(
        session.execute(
            select(HandoffTicket.conversation_id)
            .join(Conversation, Conversation.id == HandoffTicket.conversation_id)
            .where(Conversation.customer_id == customer_id, HandoffTicket.status == "waiting")
            .distinct()
        ).scalars()
    )


@dataclass(frozen=True)
class CustomerCase:
    conversation_id: int
    channel: str
    conversation_status: str
    owner: str
    at: dt.datetime
    case_number: str | None
    category: str | None
    status: str | None
    """The complaint's status; None when the conversation recorded no complaint."""
    rating: int | None
    readable: bool
    """Whether the staff member asking may open the conversation. When not, the complaint's
    number, category, status and rating are None: a case number lets anyone add to or ask about
    the case on a customer channel, so only whoever may open it learns it."""


@dataclass(frozen=True)
class CustomerProfile:
    id: int
    display_name: str | None
    surname: str | None
    title: str | None
    """``"male"``, ``"female"`` or None: with the surname, how the customer confirmed being addressed."""
    phone: str | None
    tier: str
    channels: list[str]
    cases: list[CustomerCase]


def customer_profile(
    session: Session, customer_id: int, queues: Collection[str] | None, agent_id: int, limit: int = MAX_CASES
) -> CustomerProfile | None:
    """The customer and their newest ``limit`` conversations (each with its latest complaint and
    that complaint's latest rating), newest first, marked readable or not for this staff member;
    of one they may not open, only that it exists, its channel, status and time."""
    customer = session.execute(
        select(
            Customer.id, Customer.display_name, Customer.surname, Customer.title, Customer.phone, Customer.tier
        ).where(Customer.id == customer_id)
    ).one_or_none()
    if customer is None:
        return None
    channels = session.execute(
        select(ChannelIdentity.channel)
        .where(ChannelIdentity.customer_id == customer_id)
        .group_by(ChannelIdentity.channel)
        .order_by(func.min(ChannelIdentity.id))
    ).scalars()
    latest_complaint = (
        select(Complaint.conversation_id, func.max(Complaint.id).label("complaint_id"))
        .where(Complaint.customer_id == customer_id)
        .group_by(Complaint.conversation_id)
        .subquery()
    )
    latest_rating = (
        select(Satisfaction.complaint_id, func.max(Satisfaction.id).label("satisfaction_id"))
        .where(Satisfaction.rating.is_not(None))
        .group_by(Satisfaction.complaint_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Conversation.id,
            Conversation.channel,
            Conversation.status.label("conversation_status"),
            Conversation.owner,
            Conversation.created_at,
            Complaint.case_number,
            Complaint.category,
            Complaint.status,
            Satisfaction.rating,
            readable_by(queues, agent_id).label("readable"),
        )
        .outerjoin(latest_complaint, latest_complaint.c.conversation_id == Conversation.id)
        .outerjoin(Complaint, Complaint.id == latest_complaint.c.complaint_id)
        .outerjoin(latest_rating, latest_rating.c.complaint_id == Complaint.id)
        .outerjoin(Satisfaction, Satisfaction.id == latest_rating.c.satisfaction_id)
        .where(Conversation.customer_id == customer_id)
        .order_by(Conversation.created_at.desc(), Conversation.id.desc())
        .limit(limit)
    ).all()
    return CustomerProfile(
        id=customer.id,
        display_name=customer.display_name,
        surname=customer.surname,
        title=customer.title,
        phone=customer.phone,
        tier=customer.tier,
        channels=list(channels),
        cases=[
            CustomerCase(
                conversation_id=row.id,
                channel=row.channel,
                conversation_status=row.conversation_status,
                owner=row.owner,
                at=row.created_at,
                case_number=row.case_number if row.readable else None,
                category=row.category if row.readable else None,
                status=row.status if row.readable else None,
                rating=row.rating if row.readable else None,
                readable=bool(row.readable),
            )
            for row in rows
        ],
    )
