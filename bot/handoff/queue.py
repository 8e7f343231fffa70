"""Queue order as a pure function over plain data, tested without I/O.

Urgent first; within a priority the tickets ``served_first`` names (danger now: ``queue.yaml``)
before the rest; then the least time left before the promised deadline, then arrival (seed 002:
紧急优先、先进大厅优先、长者优先). An elderly customer's ticket (the ``elder`` signal) is ordered as
if it had come ``elder_head_start`` earlier, in its time left and its arrival alike: of the same
urgency, an elder goes before whoever came up to that long before them, and after those who came
earlier still. A ticket rises one priority level for every ``aging`` it waits, so nothing starves
behind newer urgent work; except a held-back ticket (``HELD_BACK_PRIORITY``: one of too many cases
from one client address), which stays behind every other ticket however long it waits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

HELD_BACK_PRIORITY = 3
"""Below normal (2): a case beyond ``cases_per_address`` from one client address. It never rises
with age, so the cases of everyone else are always taken first."""


@dataclass(frozen=True, slots=True)
class WaitingTicket:
    id: int
    conversation_id: int
    queue: str
    priority: int
    reason: str
    created_at: dt.datetime
    deadline_at: dt.datetime | None = None
    case_number: str | None = None
    category: str | None = None
    elder: bool = False
    """The complaint has the ``elder`` signal (长者优先)."""
    signals: tuple[str, ...] = ()
    """The case's signals (``danger``, ``media_legal``…)."""

    def to_json_dict(self) -> dict[str, Any]:
        """The ticket as JSON-ready values (ISO times), as the API and the live queue show it."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "queue": self.queue,
            "priority": self.priority,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "deadline_at": self.deadline_at.isoformat() if self.deadline_at else None,
            "case_number": self.case_number,
            "category": self.category,
            "elder": self.elder,
            "signals": list(self.signals),
        }


@dataclass(frozen=True, slots=True)
class ServedFirst:
    """Which tickets go before the others of their priority: by reason or by the case's signals."""

    reasons: frozenset[str] = frozenset()
    signals: frozenset[str] = frozenset()

    def __call__(self, ticket: WaitingTicket) -> bool:
        return ticket.reason in self.reasons or not self.signals.isdisjoint(ticket.signals)


NOBODY_FIRST = ServedFirst()


def effective_priority(ticket: WaitingTicket, now: dt.datetime, aging: dt.timedelta) -> int:
    if ticket.priority >= HELD_BACK_PRIORITY:
        return ticket.priority
    waited = max(dt.timedelta(0), now - ticket.created_at)
    return max(0, ticket.priority - int(waited / aging))


def queue_order(
    tickets: Iterable[WaitingTicket],
    now: dt.datetime,
    aging: dt.timedelta = dt.timedelta(minutes=30),
    served_first: ServedFirst = NOBODY_FIRST,
    elder_head_start: dt.timedelta = dt.timedelta(0),
) -> list[WaitingTicket]:
    """The tickets in the order agents should take them."""
    far = dt.timedelta.max

    def key(ticket: WaitingTicket) -> tuple[int, bool, dt.timedelta, dt.datetime, int]:
        head_start = elder_head_start if ticket.elder else dt.timedelta(0)
        time_left = ticket.deadline_at - now if ticket.deadline_at is not None else far
        first = served_first(ticket)
        return (
            effective_priority(ticket, now, aging),
            not first,
            time_left - head_start,
            ticket.created_at - head_start,
            ticket.id,
        )

    return sorted(tickets, key=key)
