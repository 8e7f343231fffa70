"""How a resolved case that is reopened is graded and whose it is: one rule for both ways a case
is reopened, the customer's "没解决" at the satisfaction callback (回访) and staff's 重新打开 in the
console (``Tracker.reopen``), so both give the case the same grade, deadline and owner.

A reopened case is the problem back, a repeat of the case (seed 000: a repeat is complex; the
service standards, §5: repeats escalate): it carries the ``repeat`` signal, is graded complex,
and its reply deadline is counted from now from the deadline table with that grade and signal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bot.config import DeadlineTable, Grade, Signal
from bot.flows.deadline import BusinessCalendar, Deadline, compute_deadline


@dataclass(frozen=True, slots=True)
class Regraded:
    """The reopened case's grade, signals (stored values, sorted) and new reply deadline."""

    grade: Grade
    signals: tuple[str, ...]
    deadline: Deadline


def regraded(
    signals: Iterable[str],
    category: str,
    tier: str,
    now: dt.datetime,
    table: DeadlineTable,
    calendar: BusinessCalendar,
) -> Regraded:
    """The reopened case graded as a repeat: complex whatever its grade was, with the ``repeat``
    signal besides its own ``signals``, and the deadline the table gives that from ``now``."""
    known = {signal.value for signal in Signal}
    kept = {Signal(value) for value in signals if value in known} | {Signal.REPEAT}
    deadline = compute_deadline(now, Grade.COMPLEX, tier, category, table, calendar, kept)
    return Regraded(Grade.COMPLEX, tuple(sorted(signal.value for signal in kept)), deadline)


def reopened_owner(
    resolved_by: str | None, resolver_active: bool, reopener: str | None, reopener_is_agent: bool
) -> str:
    """Who has the reopened case. An agent who reopens it keeps it (they took the customer's word:
    first-contact ownership, 首问负责); otherwise (the customer's "没解决", a supervisor or manager
    reopening it) whoever resolved it, while their account is on; else the staff who reopened it;
    else nobody ("bot"): the case then waits in the supervisors' queue."""
    if reopener is not None and reopener_is_agent:
        return reopener
    if resolved_by is not None and resolved_by.startswith("agent:") and resolver_active:
        return resolved_by
    return reopener or "bot"


__all__ = ["Regraded", "regraded", "reopened_owner"]
