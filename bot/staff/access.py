"""Which conversations a staff member may read and annotate.

Supervisors and managers see every conversation. An agent sees a conversation they own now,
one with a handoff ticket in one of their queues (waiting, claimed or resolved) that the case has
not left by a transfer since, one they
claimed before (a ticket ``claimed_by`` them) or whose complaint they resolved.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff.membership import queues_of
from bot.storage.conversations import handled_by_agent, owner_of

NOT_IN_YOUR_QUEUES = "this conversation is in a queue you are not in"


class Access(StrEnum):
    ALLOWED = "allowed"
    MISSING = "missing"
    REFUSED = "refused"


def conversation_access(session: Session, conversation_id: int, staff: dict[str, Any]) -> Access:
    """May ``staff`` ({"id", "role", …} as the session gives it) read this conversation?"""
    owner = owner_of(session, conversation_id)
    if owner is None:
        return Access.MISSING
    queues = queues_of(session, int(staff["id"]), str(staff["role"]))
    if queues is None:
        return Access.ALLOWED
    if owner == f"agent:{staff['id']}":
        return Access.ALLOWED
    visible = handled_by_agent(session, conversation_id, queues, int(staff["id"]))
    return Access.ALLOWED if visible else Access.REFUSED
