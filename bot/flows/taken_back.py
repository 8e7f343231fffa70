"""A withdrawal taken back: "算了 不用来了", then "诶 还是来吧 又开始漏了". The case is active again,
its timers armed, and the customer hears it with its reply time."""

from __future__ import annotations

from bot.config import PhraseId
from bot.core.timeline import TimelineKind
from bot.flows.case import classify, due_from_now
from bot.flows.closing import WITHDRAWN
from bot.flows.deadline import describe_moment
from bot.flows.records import EscalatedDeadline
from bot.flows.slots import description_text
from bot.flows.turn import Turn


def took_back_withdrawal(turn: Turn, text: str) -> bool:
    """After the conversation's case was given up, words taking that back
    (``form.withdrawal_taken_back_words``): the case's time in force while it is ahead, else its
    time counted again from now, its timers armed again (``Step.escalated_deadline``), the
    timeline told, the customer told it with the time. True if handled."""
    data = turn.step.data
    case_number = data.extra.get(WITHDRAWN)
    if case_number is None or case_number != data.case_number:
        return False
    if not turn.says_any(text, turn.kit.form.withdrawal_taken_back_words):
        return False
    del data.extra[WITHDRAWN]
    loaded = turn.customer.this_case
    in_force = loaded.deadline_at if loaded is not None and loaded.case_number == case_number else None
    if in_force is None or in_force <= turn.now:
        classified = classify(turn, description_text(data), frozenset(data.signals))
        in_force = due_from_now(turn, classified, classified.signals).due_at
    signals = tuple(sorted(signal.value for signal in data.signals))
    turn.step.escalated_deadline = EscalatedDeadline(case_number, in_force, signals, taken_back=True)
    said = describe_moment(in_force, turn.now, turn.kit.calendar.timezone, turn.kit.phrases.time_words(turn.locale))
    turn.audit(TimelineKind.WITHDRAWAL_TAKEN_BACK, text=text, case_number=case_number, deadline_at=in_force.isoformat())
    turn.say(PhraseId.WITHDRAWAL_TAKEN_BACK, case_number=case_number, deadline=said)
    return True
