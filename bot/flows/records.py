"""What the complaint flow reads from storage and leaves for it to store: plain records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.config import Grade
from bot.flows.data import TimerKind


class State(StrEnum):
    NEW = "new"
    AWAIT_DESCRIPTION = "await_description"
    AWAIT_PHONE = "await_phone"
    AWAIT_AREA = "await_area"
    CONFIRMING = "confirming"
    CHOOSE_CORRECTION = "choose_correction"
    CORRECT_DESCRIPTION = "correct_description"
    CORRECT_PHONE = "correct_phone"
    CORRECT_AREA = "correct_area"
    HANDED_OFF = "handed_off"
    RESOLVED = "resolved"
    AWAIT_RATING = "await_rating"
    AWAIT_COMMENT = "await_comment"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class OpenCase:
    """A complaint of the customer's, from another conversation, still waiting for its answer."""

    case_number: str
    deadline_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CustomerView:
    surname: str | None = None
    title: str | None = None
    tier: str = "standard"
    phone: str | None = None
    prior_categories: frozenset[str] = frozenset()
    open_case: OpenCase | None = None


@dataclass(frozen=True, slots=True)
class ComplaintRecord:
    case_number: str
    description: str
    contact_phone: str | None
    area: str | None
    category: str
    grade: Grade
    customer_tier: str
    signals: tuple[str, ...]
    confirmed: bool
    deadline_at: dt.datetime
    promised_hours: float
    counted_in_working_days: bool = False
    says_hours: bool = False
    """The promise may say "within N hours" (the due time is N wall-clock hours away, rounded)."""


@dataclass(frozen=True, slots=True)
class HandoffRequest:
    queue: str
    priority: int
    reason: str


@dataclass(frozen=True, slots=True)
class TimerChange:
    kind: TimerKind
    token: int
    due_at: dt.datetime | None
    """None cancels the timer."""


@dataclass(frozen=True, slots=True)
class SatisfactionRecord:
    """The customer's answer to the satisfaction callback; the pipeline stores it with the
    channel (method), the person ("bot") and the time."""

    rating: int | None
    comment: str | None
    resolved: bool
    """False: the customer says the problem is not resolved, and the case goes back to its owner."""
