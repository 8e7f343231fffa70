"""What a channel's sending window is computed from (``bot.channels.wechat.window``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.models import Conversation, Message


def window_usage(session: Session, identity_id: int) -> tuple[dt.datetime | None, int]:
    """When the customer last wrote on this identity, and how many messages went out since."""
    last_in = session.execute(
        select(func.max(Message.created_at))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.identity_id == identity_id, Message.direction == "in")
    ).scalar_one_or_none()
    if last_in is None:
        return None, 0
    sent = session.execute(
        select(func.count())
        .select_from(Message)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.identity_id == identity_id,
            Message.direction == "out",
            Message.delivery_status.in_(("sent", "delivered")),
            Message.created_at >= last_in,
        )
    ).scalar_one()
    return last_in, int(sent)
