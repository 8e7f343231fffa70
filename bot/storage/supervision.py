"""What the supervision and cluster crons look for: waiting tickets, silent agents, recent complaints."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from bot.core.messages import MessageKind, Sender
from bot.core.timeline import TimelineKind
from bot.storage.models import Complaint, Conversation, HandoffTicket, Message, TimelineEvent
from bot.storage.newest_inbound import newest_inbound
from bot.storage.tickets import complaint_briefs


def waiting_since(session: Session, queued_before: dt.datetime) -> list[tuple[HandoffTicket, str | None]]:
    """Tickets still waiting that entered their queue before ``queued_before``, with their case number."""
    waiting = list(
        session.execute(
            select(HandoffTicket)
            .where(
                HandoffTicket.status == "waiting",
                func.coalesce(HandoffTicket.queued_at, HandoffTicket.created_at) <= queued_before,
            )
            .order_by(HandoffTicket.id)
        ).scalars()
    )
    # The case numbers by primary key: a join lets PostgreSQL hash every complaint ever stored.
    briefs = complaint_briefs(session, {ticket.complaint_id for ticket in waiting if ticket.complaint_id})
    return [
        (ticket, briefs[ticket.complaint_id].case_number if ticket.complaint_id in briefs else None)
        for ticket in waiting
    ]


# The timeline rows by which a conversation becomes an agent's: claimed from a queue, transferred,
# or given by a manager's rule.
OWNERSHIP_KINDS = (
    TimelineKind.CLAIMED,
    TimelineKind.TRANSFERRED,
    TimelineKind.ROUTED,
    TimelineKind.ROUTED_TO_PREVIOUS_OWNER,
)


def awaiting_agent_reply(session: Session, silent_since: dt.datetime) -> list[tuple[int, str, int, dt.datetime]]:
    """Open agent-owned conversations whose customer's last message has no agent reply after it,
    silent since before ``silent_since``: (conversation id, owner, message id, silent since). An
    agent is silent from the later of the customer's last message and the conversation becoming
    theirs (``OWNERSHIP_KINDS``): a case claimed after waiting in the queue is not silence yet.

    Bounded by the open conversations: each one's last customer message is the first found
    walking its messages backwards by the (conversation, id) index, never a grouping of them all.
    """
    last_in = newest_inbound("id", excluding_kind=MessageKind.START.value)
    reply = aliased(Message)
    agent_replied = exists().where(
        and_(
            reply.conversation_id == Conversation.id,
            reply.direction == "out",
            reply.sender == Sender.AGENT.value,
            reply.id > Message.id,
        )
    )
    ownership = [kind.value for kind in OWNERSHIP_KINDS]
    owned_since = (
        select(func.max(TimelineEvent.created_at))
        .where(TimelineEvent.conversation_id == Conversation.id, TimelineEvent.kind.in_(ownership))
        .correlate(Conversation)
        .scalar_subquery()
    )
    owned_lately = exists().where(
        and_(
            TimelineEvent.conversation_id == Conversation.id,
            TimelineEvent.kind.in_(ownership),
            TimelineEvent.created_at > silent_since,
        )
    )
    rows = session.execute(
        select(Conversation.id, Conversation.owner, Message.id, Message.created_at, owned_since)
        .join(Message, Message.id == last_in)
        .where(
            Conversation.owner.like("agent:%"),
            Conversation.status == "open",
            Message.created_at <= silent_since,
            ~owned_lately,
            ~agent_replied,
        )
    ).all()
    # Sorted here: an ORDER BY the key would let SQLite walk every conversation in key order.
    return sorted(
        (conversation_id, owner, message_id, max(at, owned) if owned is not None else at)
        for conversation_id, owner, message_id, at, owned in rows
    )


def complaints_with_area(
    session: Session, after: dt.datetime, until: dt.datetime
) -> list[tuple[str, int, str, str | None, dt.datetime, str | None, str]]:
    """Complaints with an area created in (``after``, ``until``]: (case number, customer id,
    category, area, created at, contact phone, description)."""
    rows = session.execute(
        select(
            Complaint.case_number,
            Complaint.customer_id,
            Complaint.category,
            Complaint.area,
            Complaint.created_at,
            Complaint.contact_phone,
            Complaint.description,
        ).where(Complaint.created_at > after, Complaint.created_at <= until, Complaint.area.is_not(None))
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]
