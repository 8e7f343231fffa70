"""Where a typing signal goes (issue 15): a conversation's owner and its customer's channel identity,
and a web chat customer's conversation. Typing itself is never stored."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import ChannelIdentity, Conversation
from bot.storage.store import current_conversation_id, latest_conversation_id


@dataclass(frozen=True, slots=True)
class TypingTarget:
    """The customer end of a conversation."""

    owner: str
    channel: str
    identity_id: int
    recipient: str
    """The channel's id of the customer (Telegram chat id, WeChat openid, phone, web chat id)."""


def typing_target(session: Session, conversation_id: int) -> TypingTarget | None:
    """The conversation's owner and customer; None when there is no such conversation."""
    row = session.execute(
        select(Conversation.owner, Conversation.channel, Conversation.identity_id, ChannelIdentity.external_id)
        .join(ChannelIdentity, ChannelIdentity.id == Conversation.identity_id)
        .where(Conversation.id == conversation_id)
    ).one_or_none()
    if row is None:
        return None
    return TypingTarget(owner=row[0], channel=row[1], identity_id=row[2], recipient=row[3])


def typing_conversation(session: Session, identity_id: int) -> int | None:
    """The conversation a web chat customer types in: the open one, else the latest."""
    return current_conversation_id(session, identity_id) or latest_conversation_id(session, identity_id)
