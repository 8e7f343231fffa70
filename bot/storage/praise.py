"""Praise a customer gives in a conversation, credited to the agent it is for."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.staff_event import StaffEvent
from bot.storage.models import Complaint, Conversation, HandoffTicket, User
from bot.storage.notifications import notify, user_audience


def praised_agent(session: Session, conversation_id: int) -> int | None:
    """The agent the customer's praise is for: who owns the conversation now, else who resolved
    the customer's latest case (praise often follows a repair), else who last claimed this one."""
    found = session.execute(
        select(Conversation.owner, Conversation.customer_id).where(Conversation.id == conversation_id)
    ).one_or_none()
    if found is None:
        return None
    owner: str | None = found.owner
    if owner is None or not owner.startswith("agent:"):
        owner = session.execute(
            select(Complaint.resolved_by)
            .where(Complaint.customer_id == found.customer_id, Complaint.resolved_by.is_not(None))
            .order_by(Complaint.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if owner is not None and owner.startswith("agent:"):
        return int(owner.split(":", 1)[1])
    claimed_by = session.execute(
        select(HandoffTicket.claimed_by)
        .where(HandoffTicket.conversation_id == conversation_id, HandoffTicket.claimed_by.is_not(None))
        .order_by(HandoffTicket.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return int(claimed_by) if claimed_by is not None and claimed_by.isdigit() else None


def credit_praise(
    session: Session, conversation_id: int, text: str | None, now: dt.datetime
) -> tuple[str | None, StaffEvent | None]:
    """Credit the praise to its agent with a notification for them; the agent's username (for
    the timeline) and the event to publish, or (None, None) when no person handled the case yet."""
    agent_id = praised_agent(session, conversation_id)
    if agent_id is None:
        return None, None
    username = session.execute(select(User.username).where(User.id == agent_id)).scalar_one_or_none()
    if username is None:
        return None, None
    event = notify(
        session,
        "praise",
        user_audience(agent_id),
        now,
        conversation_id=conversation_id,
        detail={"username": username, "text": text or ""},
    )
    return username, event
