"""Case timer kinds and when they are due: pure functions over plain data, no I/O.

Case timers live in the same ``timers`` table and Redis set as the flow's conversation timers,
with kinds of their own; the timer pump and the reconcile cron send each kind to its job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.config import Followups

FLOW_TIMER_JOB = "fire_timer"
CASE_TIMER_JOB = "fire_case_timer"


class CaseTimerKind(StrEnum):
    REMINDER = "case_reminder"
    """A share of the promised time has passed: remind the owner (or the supervisors)."""
    APOLOGY = "case_apology"
    """Later, still open: the customer hears the waiting apology."""
    BREACH = "case_breach"
    """The deadline, still open: breach recorded, supervisors notified, case escalated."""
    FOLLOW_UP = "case_follow_up"
    """Progress follow-up at the category's cadence, re-armed after each."""


DEADLINE_KINDS = (CaseTimerKind.REMINDER, CaseTimerKind.APOLOGY, CaseTimerKind.BREACH)
CASE_KINDS = frozenset(kind.value for kind in CaseTimerKind)


def job_for(kind: str) -> str:
    """The arq job that fires a timer of ``kind``."""
    return CASE_TIMER_JOB if kind in CASE_KINDS else FLOW_TIMER_JOB


@dataclass(frozen=True, slots=True)
class CaseTimer:
    conversation_id: int
    kind: CaseTimerKind
    token: int
    due_at: dt.datetime


def deadline_plan(
    start: dt.datetime, deadline: dt.datetime, now: dt.datetime, followups: Followups
) -> dict[CaseTimerKind, dt.datetime]:
    """Reminder, apology and breach times for a deadline promised (or extended) at ``start``.

    Reminder and apology are shares of the time from ``start`` to ``deadline``; one already
    past is left out. The breach is always armed (at once if the deadline has passed).
    """
    span = deadline - start
    plan: dict[CaseTimerKind, dt.datetime] = {}
    for kind, share in (
        (CaseTimerKind.REMINDER, followups.reminder_share),
        (CaseTimerKind.APOLOGY, followups.apology_share),
    ):
        due = start + span * share
        if due > now:
            plan[kind] = due
    plan[CaseTimerKind.BREACH] = max(deadline, now)
    return plan


def next_follow_up(category: str, now: dt.datetime, followups: Followups) -> dt.datetime | None:
    """When the next progress follow-up is due for a case of ``category``; None if it has no cadence."""
    days = followups.progress_days.get(category)
    return None if days is None else now + dt.timedelta(days=days)
