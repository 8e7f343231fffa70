"""Which conversations a staff member may read and annotate.

Supervisors and managers see every conversation. An agent sees a conversation they own now,
one with a handoff ticket in one of their queues (waiting, claimed or resolved), one they
claimed before (a ticket ``claimed_by`` them) or whose complaint they resolved.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from bot.handoff.membership import queues_of
from bot.models import Complaint, Conversation, HandoffTicket

NOT_IN_YOUR_QUEUES = "this conversation is in a queue you are not in"


class Access(StrEnum):
    ALLOWED = "allowed"
    MISSING = "missing"
    REFUSED = "refused"


def conversation_access(session: Session, conversation_id: int, staff: dict[str, Any]) -> Access:
    """May ``staff`` ({"id", "role", …} as the session gives it) read this conversation?"""
    owner = session.execute(select(Conversation.owner).where(Conversation.id == conversation_id)).scalar_one_or_none()
    if owner is None:
        return Access.MISSING
    queues = queues_of(session, int(staff["id"]), str(staff["role"]))
    if queues is None:
        return Access.ALLOWED
    me = f"agent:{staff['id']}"
    if owner == me:
        return Access.ALLOWED
    ticket = exists().where(
        HandoffTicket.conversation_id == conversation_id,
        or_(HandoffTicket.queue.in_(sorted(queues)), HandoffTicket.claimed_by == str(staff["id"])),
    )
    resolved = exists().where(Complaint.conversation_id == conversation_id, Complaint.resolved_by == me)
    visible = session.execute(select(or_(ticket, resolved))).scalar_one()
    return Access.ALLOWED if visible else Access.REFUSED
