"""Cases by origin: how many cases the anonymous identities opened at one client address filed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.models import ChannelIdentity, Complaint, Conversation, HandoffTicket


def origin_of(session: Session, identity_id: int) -> str | None:
    """The origin (client address) the identity was opened from; None when the channel vouches for it."""
    return session.execute(select(ChannelIdentity.origin).where(ChannelIdentity.id == identity_id)).scalar_one_or_none()


def cases_from_origin(session: Session, origin: str, after: dt.datetime) -> int:
    """Cases created after ``after`` in conversations of identities opened at ``origin``."""
    identities = select(ChannelIdentity.id).where(ChannelIdentity.origin == origin)
    counted = (
        select(func.count(Complaint.id))
        .join(Conversation, Conversation.id == Complaint.conversation_id)
        .where(Conversation.identity_id.in_(identities), Complaint.created_at > after)
    )
    return int(session.execute(counted).scalar_one())


def urgent_from_origin(session: Session, origin: str, after: dt.datetime, besides: int) -> int:
    """Conversations other than ``besides`` of identities opened at ``origin`` with a ticket opened
    after ``after`` that is urgent (priority 0)."""
    identities = select(ChannelIdentity.id).where(ChannelIdentity.origin == origin)
    counted = (
        select(func.count(func.distinct(HandoffTicket.conversation_id)))
        .join(Conversation, Conversation.id == HandoffTicket.conversation_id)
        .where(
            Conversation.identity_id.in_(identities),
            Conversation.id != besides,
            HandoffTicket.priority == 0,
            HandoffTicket.created_at > after,
        )
    )
    return int(session.execute(counted).scalar_one())
