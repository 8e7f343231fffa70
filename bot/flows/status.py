"""The status answer after hand-off (seed 000 四(五)2, issue 12 item 1): one message with the case
number, where the case stands and the time promised, from the phrases ``status_*``."""

from __future__ import annotations

import datetime as dt
import re

from bot.config import PhraseId
from bot.core.phrases import Phrases
from bot.flows.deadline import BusinessCalendar, describe_moment
from bot.flows.records import CaseStage, CaseStatus

_SPACES = re.compile(r" {2,}")


def status_text(status: CaseStatus, locale: str, now: dt.datetime, phrases: Phrases, calendar: BusinessCalendar) -> str:
    """``status_answer`` filled with its parts; a part left out (no case number yet, nothing
    promised, resolved) leaves no gap."""

    def say(phrase_id: PhraseId, **variables: object) -> str:
        return phrases.render(phrase_id, locale, **variables)

    case = say(PhraseId.STATUS_CASE_NUMBER, case_number=status.case_number) if status.case_number else ""
    deadline = ""
    if status.deadline_at is not None and status.stage is not CaseStage.RESOLVED:
        moment = describe_moment(status.deadline_at, now, calendar.timezone, phrases.time_words(locale))
        extended = PhraseId.STATUS_DEADLINE_EXTENDED if status.extended else PhraseId.STATUS_DEADLINE
        deadline = say(extended, deadline=moment)
    text = say(PhraseId.STATUS_ANSWER, case=case, stage=_stage(status, locale, phrases), deadline=deadline)
    return _SPACES.sub(" ", text).strip()


def _stage(status: CaseStatus, locale: str, phrases: Phrases) -> str:
    """Where the case stands: resolved, with an agent (named when they have a display name), or
    waiting (next, at a position, or not yet placed)."""
    if status.stage is CaseStage.RESOLVED:
        return phrases.render(PhraseId.STATUS_RESOLVED, locale)
    if status.stage is CaseStage.WITH_AGENT:
        if status.agent_name:
            return phrases.render(PhraseId.STATUS_WITH_AGENT, locale, agent=status.agent_name)
        return phrases.render(PhraseId.STATUS_WITH_STAFF, locale)
    if status.queue_position is None:
        return phrases.render(PhraseId.STATUS_WAITING_UNPLACED, locale)
    if status.queue_position <= 1:
        return phrases.render(PhraseId.STATUS_WAITING_NEXT, locale)
    return phrases.render(PhraseId.STATUS_WAITING, locale, position=status.queue_position)


__all__ = ["status_text"]
