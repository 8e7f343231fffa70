"""The customer's newest message of each conversation, found through the messages'
(conversation, id) index (issue 16): walking one conversation's messages backwards stops at the
first inbound one, where a grouping by conversation, or a filter on the direction alone, would
read every inbound row of every customer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import aliased

from bot.storage.models import Conversation, Message


def newest_inbound(column: str, excluding_kind: str | None = None) -> ColumnElement[Any]:
    """A scalar subquery correlated to ``Conversation``: ``column`` of its newest inbound message
    (of any kind but ``excluding_kind``)."""
    written = aliased(Message)
    conditions = [written.conversation_id == Conversation.id, written.direction == "in"]
    if excluding_kind is not None:
        conditions.append(written.kind != excluding_kind)
    return (
        select(getattr(written, column))
        .where(*conditions)
        .order_by(written.id.desc())
        .limit(1)
        .scalar_subquery()
    )
