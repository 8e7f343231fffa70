"""Queue order as a pure function over plain data, tested without I/O.

Urgent first; within a priority the tickets ``served_first`` names (danger now: ``queue.yaml``)
before the rest, then the customers of a tier served first (``deadlines.yaml`` ``urgent_tiers``: a
VIP set after the promise goes first among equals); then the least time left before the deadline
first promised (an extension never moves a waiting case down), then arrival (seed 002:
紧急优先、先进大厅优先、长者优先). An elderly customer's ticket (the ``elder`` signal), and one of a
customer ill or pregnant (``health``: ``head_start_signals``), is ordered as if it had come
``elder_head_start`` earlier, in its aging, its time left and its arrival alike: with the head start
as long as ``aging``, such a customer goes before everyone of the same urgency who came up to that
long before them, whatever their deadlines (a repair promised in 24 hours before two complaints
promised in 12 that came 26 seconds earlier), and level with those who came earlier still. A
ticket rises one priority level for every ``aging`` it waits, so nothing starves behind newer
urgent work; except a held-back ticket (``HELD_BACK_PRIORITY``: one of too many cases
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
    first_deadline_at: dt.datetime | None = None
    """The deadline first promised, when a supervisor extended it since (``deadline_at`` is the one
    in force): the queue orders by the sooner of the two."""
    tier: str | None = None
    """The customer's tier now (a supervisor may have set it after the promise)."""

    @property
    def due_at(self) -> dt.datetime | None:
        """The deadline the queue orders by: the one in force, or the first promised if sooner."""
        if self.first_deadline_at is None or self.deadline_at is None:
            return self.deadline_at
        return min(self.deadline_at, self.first_deadline_at)

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
            "first_deadline_at": self.first_deadline_at.isoformat() if self.first_deadline_at else None,
            "tier": self.tier,
        }


@dataclass(frozen=True, slots=True)
class ServedFirst:
    """Which tickets go before the others of their priority: by reason or by the case's signals."""

    reasons: frozenset[str] = frozenset()
    signals: frozenset[str] = frozenset()

    def __call__(self, ticket: WaitingTicket) -> bool:
        return ticket.reason in self.reasons or not self.signals.isdisjoint(ticket.signals)


NOBODY_FIRST = ServedFirst()
ELDER = "elder"
ELDER_ONLY = frozenset({ELDER})


def effective_priority(
    ticket: WaitingTicket, now: dt.datetime, aging: dt.timedelta, head_start: dt.timedelta = dt.timedelta(0)
) -> int:
    """The ticket's priority raised a level per ``aging`` waited (``head_start`` counted as waited)."""
    if ticket.priority >= HELD_BACK_PRIORITY:
        return ticket.priority
    waited = max(dt.timedelta(0), now - ticket.created_at + head_start)
    return max(0, ticket.priority - int(waited / aging))


def queue_order(
    tickets: Iterable[WaitingTicket],
    now: dt.datetime,
    aging: dt.timedelta = dt.timedelta(minutes=30),
    served_first: ServedFirst = NOBODY_FIRST,
    elder_head_start: dt.timedelta = dt.timedelta(0),
    head_start_signals: frozenset[str] = ELDER_ONLY,
    tiers_first: frozenset[str] = frozenset(),
) -> list[WaitingTicket]:
    """The tickets in the order agents should take them: ``elder_head_start`` for the tickets whose
    case has one of ``head_start_signals`` (or is an elder's), and customers of ``tiers_first``
    before the others of their priority."""
    far = dt.timedelta.max

    def key(ticket: WaitingTicket) -> tuple[int, bool, bool, dt.timedelta, dt.datetime, int]:
        cared_for = (ticket.elder and ELDER in head_start_signals) or not head_start_signals.isdisjoint(ticket.signals)
        head_start = elder_head_start if cared_for else dt.timedelta(0)
        due = ticket.due_at
        time_left = due - now if due is not None else far
        first = served_first(ticket)
        return (
            effective_priority(ticket, now, aging, head_start),
            not first,
            ticket.tier not in tiers_first,
            time_left - head_start,
            ticket.created_at - head_start,
            ticket.id,
        )

    return sorted(tickets, key=key)
