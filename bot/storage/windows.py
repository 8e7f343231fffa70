"""What a channel's sending window is computed from (``bot.channels.wechat.window``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.storage.models import Conversation, Message
from bot.storage.newest_inbound import newest_inbound


def window_usage(session: Session, identity_id: int) -> tuple[dt.datetime | None, int]:
    """When the customer last wrote on this identity, and how many messages went out since.

    Both read each of the identity's conversations through the messages' (conversation, id)
    index (issue 16): a filter on the direction alone would let SQLite read every inbound
    message of every customer.
    """
    newest_in = newest_inbound("id")
    written = aliased(Message)
    last = session.execute(
        select(Message.id, Message.created_at)
        .select_from(Conversation)
        .join(Message, Message.id == newest_in)
        .where(Conversation.identity_id == identity_id)
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    if last is None:
        return None, 0
    last_id, last_in = last
    # Out after it in the order of storage; a bound on the key keeps the (conversation, id) index
    # the narrowest on SQLite.
    sent_in_conversation = (
        select(func.count())
        .select_from(written)
        .where(
            written.conversation_id == Conversation.id,
            written.id > last_id,
            written.direction == "out",
            written.delivery_status.in_(("sent", "delivered")),
        )
        .scalar_subquery()
    )
    sent = session.execute(
        select(func.coalesce(func.sum(sent_in_conversation), 0)).where(Conversation.identity_id == identity_id)
    ).scalar_one()
    return last_in, int(sent)
