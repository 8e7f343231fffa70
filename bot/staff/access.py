"""Which conversations a staff member may read and annotate.

Supervisors and managers see every conversation. An agent sees a conversation they own now,
one with a handoff ticket in one of their queues (waiting, claimed or resolved) that the case has
not left by a transfer since, one they
claimed before (a ticket ``claimed_by`` them) or whose complaint they resolved.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff.membership import queues_of
from bot.storage.conversations import conversations_of_cases, handled_by_agent, owner_of

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


def readable_case_numbers(session: Session, case_numbers: Collection[str], staff: dict[str, Any]) -> frozenset[str]:
    """Of these numbers of other cases (named on a case's form or timeline), those whose
    conversation ``staff`` may read: all of them for supervisors and managers. An agent is shown
    another case's number only where they could open it, as in the customer panel: with the last
    digits of its phone, a number lets anyone on a customer channel ask after that case and add to it."""
    if not case_numbers:
        return frozenset()
    if queues_of(session, int(staff["id"]), str(staff["role"])) is None:
        return frozenset(case_numbers)
    filed_in = conversations_of_cases(session, case_numbers)
    readable = {
        conversation_id
        for conversation_id in set(filed_in.values())
        if conversation_access(session, conversation_id, staff) is Access.ALLOWED
    }
    return frozenset(number for number, conversation_id in filed_in.items() if conversation_id in readable)
