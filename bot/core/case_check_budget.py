"""The wrong answers a case number's check may take, shared by every conversation, channel and
instance: per case number, and per writer (a client address's every web chat session, or one
identity of another channel). Each conversation's two tries alone would let a stranger who opens
session after session guess the four digits; these budgets do not.

Storage counts the misses within the window when a batch is loaded; the budget then counts the
batch's own misses as they happen, so many sessions answering in the same batch cannot all slip
in under the limit. A check refused is never counted: the lock lifts once the window has passed
the oldest of the misses that set it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config import CaseCheckLimits


@dataclass(slots=True)
class Misses:
    """Wrong answers within the window, and when the oldest of them was given."""

    count: int = 0
    oldest: dt.datetime | None = None

    def add(self, now: dt.datetime) -> None:
        self.count += 1
        self.oldest = self.oldest or now


@dataclass(frozen=True, slots=True)
class CaseLocked:
    """A case number's check has just taken its last wrong answer: refused until ``until``."""

    case_number: str
    failures: int
    window_hours: float
    until: dt.datetime


def writer_key(identity_id: int, origin: str | None) -> str:
    """Whom misses are counted for: the client address a web chat session was opened from (all
    its sessions alike), else the identity (an SMS number, a Telegram or WeChat user)."""
    return f"address:{origin}" if origin else f"identity:{identity_id}"


class CaseCheckBudget:
    """One batch's view of the misses: whether a check is refused, and each new miss counted."""

    def __init__(
        self,
        limits: CaseCheckLimits,
        cases: Mapping[str, Misses],
        writers: Mapping[str, Misses],
        writer_of: Mapping[int, str],
    ) -> None:
        """``cases`` and ``writers``: the misses storage found within the window, by case number and
        by writer key; ``writer_of``: each conversation's writer key."""
        self._limits = limits
        self._cases = dict(cases)
        self._writers = dict(writers)
        self._writer_of = dict(writer_of)

    @staticmethod
    def window(limits: CaseCheckLimits) -> dt.timedelta:
        return dt.timedelta(hours=limits.window_hours)

    def writer(self, conversation_id: int) -> str | None:
        return self._writer_of.get(conversation_id)

    def refused(self, conversation_id: int, case_number: str) -> bool:
        """The check of ``case_number`` in this conversation takes no answer: the case's budget or
        the writer's is spent."""
        if self._cases.get(case_number, Misses()).count >= self._limits.misses_per_case:
            return True
        writer = self._writer_of.get(conversation_id)
        return writer is not None and self._writers.get(writer, Misses()).count >= self._limits.misses_per_writer

    def miss(self, conversation_id: int, case_number: str, now: dt.datetime) -> CaseLocked | None:
        """Count a wrong answer; the lock it sets on the case, when it is the case's last one."""
        writer = self._writer_of.get(conversation_id)
        if writer is not None:
            self._writers.setdefault(writer, Misses()).add(now)
        misses = self._cases.setdefault(case_number, Misses())
        misses.add(now)
        if misses.count != self._limits.misses_per_case:
            return None
        until = (misses.oldest or now) + self.window(self._limits)
        return CaseLocked(case_number, misses.count, self._limits.window_hours, until)

    def writer_spent(self, conversation_id: int) -> bool:
        """The writer's budget has just been or was already spent (for the log)."""
        writer = self._writer_of.get(conversation_id)
        return writer is not None and self._writers.get(writer, Misses()).count >= self._limits.misses_per_writer


__all__ = ["CaseCheckBudget", "CaseLocked", "Misses", "writer_key"]
