"""Queue membership: agents see and claim the tickets of their queues; supervisors and managers all."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from bot.flows.case import SUPERVISOR_QUEUE
from bot.staff.accounts import Role
from bot.storage.staff import active_count, queue_member_counts, stored_queues

EVERY_QUEUE_ROLES = frozenset({Role.SUPERVISOR.value, Role.MANAGER.value})


def visible_queues(role: str, stored: list[str] | None) -> frozenset[str] | None:
    """The queue ids someone with ``role`` and these stored queues may see; None means every queue."""
    if role in EVERY_QUEUE_ROLES:
        return None
    return frozenset(stored or ())


def queues_of(session: Session, user_id: int, role: str) -> frozenset[str] | None:
    """The signed-in staff member's visible queues, read now (a change applies at once)."""
    if role in EVERY_QUEUE_ROLES:
        return None
    stored = stored_queues(session, user_id)
    return visible_queues(role, stored)


def queue_takers(session: Session) -> Counter[str]:
    """How many active people take the tickets of each queue: its member agents, and for the duty
    supervisor queue the supervisors too (they see every queue, but work only that one as theirs;
    a queue counted 0 here is one where a ticket may wait unseen)."""
    takers = queue_member_counts(session, Role.AGENT)
    takers[SUPERVISOR_QUEUE] += active_count(session, Role.SUPERVISOR)
    return takers


def effective_queues(role: str, stored: list[str] | None, every_queue: list[str]) -> list[str]:
    """The queues to show for a user: every queue for supervisors and managers, else their own."""
    visible = visible_queues(role, stored)
    if visible is None:
        return list(every_queue)
    return [queue for queue in (stored or []) if queue in visible]


def check_queue_ids(queues: object, known: list[str]) -> list[str]:
    """Validate a list of queue ids; raises ValueError naming the problem."""
    if not isinstance(queues, list) or not all(isinstance(queue, str) for queue in queues):
        raise ValueError("'queues' must be a list of queue ids")
    if not queues:
        raise ValueError("give at least one queue")
    unknown = [queue for queue in queues if queue not in known]
    if unknown:
        raise ValueError(f"unknown queue {unknown[0]!r}; known queues: {', '.join(known)}")
    return list(dict.fromkeys(queues))
