"""A conversation as the staff API shows it (messages, complaints, timeline) and who may see it;
the rows written for it outside the pipeline (a message to the customer, a timeline event)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.util import AliasedClass

from bot.core.messages import Sender
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.storage.models import ChannelIdentity, Complaint, Conversation, HandoffTicket, Message, TimelineEvent


def newest_messages_of(session: Session, conversation_id: int, limit: int) -> tuple[list[Message], int]:
    """The conversation's newest ``limit`` messages in the order they were stored, and how many
    earlier ones there are."""
    return _newest_of(session, Message, conversation_id, limit)


def newest_timeline_of(session: Session, conversation_id: int, limit: int) -> tuple[list[TimelineEvent], int]:
    """The conversation's newest ``limit`` timeline events, oldest first, and how many earlier ones
    there are: a customer adds one with each message after the hand-off, so a timeline has no
    bound of its own."""
    return _newest_of(session, TimelineEvent, conversation_id, limit)


def staff_replied(session: Session, conversation_id: int) -> bool:
    """Whether any staff member ever wrote to the customer in this conversation."""
    replied = exists().where(Message.conversation_id == conversation_id, Message.sender == Sender.AGENT)
    return bool(session.execute(select(replied)).scalar())


_Row = TypeVar("_Row", Message, TimelineEvent)


def _newest_of(session: Session, model: type[_Row], conversation_id: int, limit: int) -> tuple[list[_Row], int]:
    """The newest ``limit`` rows of ``model`` of the conversation (through its index on
    ``(conversation_id, id)``), oldest first, and the number of earlier ones."""
    newest = list(
        session.execute(
            select(model).where(model.conversation_id == conversation_id).order_by(model.id.desc()).limit(limit)
        ).scalars()
    )
    newest.reverse()
    if len(newest) < limit:
        return newest, 0
    earlier = session.execute(
        select(func.count()).select_from(model).where(model.conversation_id == conversation_id, model.id < newest[0].id)
    ).scalar_one()
    return newest, earlier


def complaints_of(session: Session, conversation_id: int) -> list[Complaint]:
    """The conversation's complaints."""
    return list(session.execute(select(Complaint).where(Complaint.conversation_id == conversation_id)).scalars())


def appealed_complaint(session: Session, conversation: Conversation) -> Complaint | None:
    """The case the customer appealed from this conversation (its ``appeal_of``, a case number
    kept on another conversation), or None."""
    case_number = (conversation.flow_data or {}).get("appeal_of")
    if not case_number:
        return None
    return session.execute(
        select(Complaint).where(Complaint.case_number == case_number).order_by(Complaint.id.desc()).limit(1)
    ).scalar_one_or_none()


def opted_out(session: Session, conversation_id: int) -> bool:
    """Whether the conversation's identity opted out of the messages the service starts (an SMS
    "TD"); its next message opts it back in."""
    found = session.execute(
        select(ChannelIdentity.opted_out_at)
        .join(Conversation, Conversation.identity_id == ChannelIdentity.id)
        .where(Conversation.id == conversation_id)
    ).scalar_one_or_none()
    return found is not None


def conversations_of_cases(session: Session, case_numbers: Collection[str]) -> dict[str, int]:
    """The conversation that filed each of these cases (those that exist), by case number."""
    if not case_numbers:
        return {}
    rows = session.execute(
        select(Complaint.case_number, Complaint.conversation_id).where(Complaint.case_number.in_(sorted(case_numbers)))
    )
    return {number: conversation_id for number, conversation_id in rows}


def owner_of(session: Session, conversation_id: int) -> str | None:
    """The conversation's owner; None when there is no such conversation."""
    return session.execute(select(Conversation.owner).where(Conversation.id == conversation_id)).scalar_one_or_none()


def handlers_of(session: Session, conversation_ids: Collection[int]) -> dict[int, frozenset[str]]:
    """Who handles each of these conversations (the unknown ones left out): its owner and whoever
    resolved one of its cases ("agent:7"), the staff who see its phone numbers in full."""
    if not conversation_ids:
        return {}
    wanted = sorted(set(conversation_ids))
    handlers: dict[int, set[str]] = {
        conversation_id: {owner}
        for conversation_id, owner in session.execute(
            select(Conversation.id, Conversation.owner).where(Conversation.id.in_(wanted))
        )
    }
    resolvers = session.execute(
        select(Complaint.conversation_id, Complaint.resolved_by)
        .where(Complaint.conversation_id.in_(wanted), Complaint.resolved_by.is_not(None))
        .distinct()
    )
    for conversation_id, resolver in resolvers:
        if resolver is not None:
            handlers.setdefault(conversation_id, set()).add(resolver)
    return {conversation_id: frozenset(names) for conversation_id, names in handlers.items()}


def handlers_of_one(session: Session, conversation_id: int) -> frozenset[str]:
    """:func:`handlers_of` one conversation; empty when there is none."""
    return handlers_of(session, [conversation_id]).get(conversation_id, frozenset())


def ticket_makes_it_theirs(
    ticket: type[HandoffTicket] | AliasedClass[HandoffTicket], queues: Collection[str], agent_id: int
) -> ColumnElement[bool]:
    """Whether ``ticket`` (the table or an alias of it) makes its conversation the agent's to read:
    they claimed it, or it is in one of ``queues`` and the case has not left it (still waiting, or
    no transfer after it). The one rule for a single conversation (:func:`handled_by_agent`) and
    for the searches and lists over many (``bot.storage.search.readable_by``)."""
    later = aliased(HandoffTicket)
    moved_on = exists().where(
        later.conversation_id == ticket.conversation_id,
        later.id > ticket.id,
        later.reason == TicketReason.TRANSFER,
    )
    in_my_queue = and_(ticket.queue.in_(sorted(queues)), or_(ticket.status == "waiting", ~moved_on))
    return or_(in_my_queue, ticket.claimed_by == str(agent_id))


def handled_by_agent(session: Session, conversation_id: int, queues: Collection[str], agent_id: int) -> bool:
    """Has the conversation a ticket the agent claimed, one in one of ``queues`` that the case
    has not left (still waiting, or no transfer after it: a case that only passed through the
    queue, claimed there by someone else and moved on, is no longer the queue's), or a complaint
    the agent resolved?"""
    ticket = exists().where(
        HandoffTicket.conversation_id == conversation_id, ticket_makes_it_theirs(HandoffTicket, queues, agent_id)
    )
    me = f"agent:{agent_id}"
    resolved = exists().where(Complaint.conversation_id == conversation_id, Complaint.resolved_by == me)
    return bool(session.execute(select(or_(ticket, resolved))).scalar_one())


def add_outbound_message(
    session: Session,
    conversation: Conversation,
    text: str,
    sender: Sender,
    now: dt.datetime,
    delivery_status: str,
    phrase_id: str | None = None,
    kind: str = "text",
) -> int:
    """Store a message to the conversation's customer (a text, or with ``kind="image"`` an
    agent's photo with its caption); returns its id."""
    message = Message(
        conversation_id=conversation.id,
        channel=conversation.channel,
        direction="out",
        sender=sender.value,
        kind=kind,
        text=text,
        phrase_id=phrase_id,
        created_at=now,
        delivery_status=delivery_status,
    )
    session.add(message)
    session.flush()
    return message.id


def add_timeline_event(
    session: Session,
    conversation_id: int,
    kind: TimelineKind,
    actor: str,
    detail: Mapping[str, object],
    now: dt.datetime,
    complaint_id: int | None = None,
) -> None:
    """Add one row to the conversation's timeline."""
    session.add(
        TimelineEvent(
            conversation_id=conversation_id,
            complaint_id=complaint_id,
            kind=kind,
            actor=actor,
            detail=dict(detail),
            created_at=now,
        )
    )
