"""What a channel's sending window is computed from (``bot.channels.wechat.window``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from bot.storage.models import Conversation, Message
from bot.storage.newest_inbound import newest_inbound

# Both read each of the identity's conversations through the messages' (conversation, id) index
# (issue 16): a filter on the direction alone would let SQLite read every inbound message of every
# customer. Built once: a delivery job reads them for every WeChat message it sends.
_LAST_INBOUND = (
    select(Message.id, Message.created_at)
    .select_from(Conversation)
    .join(Message, Message.id == newest_inbound("id"))
    .where(Conversation.identity_id == bindparam("identity_id"))
    .order_by(Message.id.desc())
    .limit(1)
)
_written = aliased(Message)
# Out after it in the order of storage; a bound on the key keeps the (conversation, id) index the
# narrowest on SQLite.
_SENT_IN_CONVERSATION = (
    select(func.count())
    .select_from(_written)
    .where(
        _written.conversation_id == Conversation.id,
        _written.id > bindparam("last_id"),
        _written.direction == "out",
        _written.delivery_status.in_(("sent", "delivered")),
    )
    .scalar_subquery()
)
_SENT_SINCE = select(func.coalesce(func.sum(_SENT_IN_CONVERSATION), 0)).where(
    Conversation.identity_id == bindparam("identity_id")
)


def window_usage(session: Session, identity_id: int) -> tuple[dt.datetime | None, int]:
    """When the customer last wrote on this identity, and how many messages went out since."""
    connection = session.connection()
    last = connection.execute(_LAST_INBOUND, {"identity_id": identity_id}).first()
    if last is None:
        return None, 0
    last_id, last_in = last
    sent = connection.execute(_SENT_SINCE, {"identity_id": identity_id, "last_id": last_id}).scalar_one()
    return last_in, int(sent)
