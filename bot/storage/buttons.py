"""Whether a pressed button still answers the question its conversation asks (Telegram)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import ChannelIdentity, Conversation

_NEWEST_CONVERSATION = (
    select(Conversation.status, Conversation.flow_data, Conversation.locale)
    .join(ChannelIdentity, ChannelIdentity.id == Conversation.identity_id)
    .order_by(Conversation.id.desc())
    .limit(1)
)


def button_is_current(session: Session, channel: str, sender_id: str, value: str) -> tuple[bool, str | None]:
    """Whether the sender's newest conversation is open and the bot's last reply offered
    ``value``, and that conversation's locale; a sender with no conversation yet is let through
    (the flow reads the value as text). A button of an earlier question (the case since
    confirmed, the conversation closed) is not current."""
    row = session.execute(
        _NEWEST_CONVERSATION.where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == sender_id)
    ).first()
    if row is None:
        return True, None
    offered = (row.flow_data or {}).get("offered") or ()
    return row.status == "open" and value in offered, row.locale
