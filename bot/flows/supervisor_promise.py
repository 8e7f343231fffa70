"""The duty supervisor's paths in the standard order (seed 000 §四, seed 003: listen, ask, soothe,
confirm, never reversed): the ticket is opened at once, but the reply time is said only after the
questions the supervisor needs (the phone, then the place) are answered, refused or asked their
last time, and after the restatement of the problem and the place."""

from __future__ import annotations

from bot.config import Intent, PhraseId, Signal
from bot.core.timeline import TimelineKind
from bot.flows.case import classify, is_urgent, say_promise
from bot.flows.data import OwedPromise, TimerKind
from bot.flows.records import CaseContact, ComplaintRecord
from bot.flows.restatement import say_restatement
from bot.flows.slots import description_text
from bot.flows.turn import Turn

_QUESTIONS = frozenset(
    phrase.value
    for phrase in (
        PhraseId.ESCALATION_ASK_PHONE,
        PhraseId.SUPERVISOR_TOLD_ASK_PHONE,
        PhraseId.URGENT_ASK_PHONE,
        PhraseId.ASK_PHONE,
        PhraseId.PHONE_NOT_KNOWN,
        PhraseId.ASK_PHONE_AGAIN,
        PhraseId.EXPLAIN_PHONE,
        PhraseId.PLACE_NOTED_ASK_PHONE,
        PhraseId.INVALID_PHONE,
        PhraseId.PHONE_DIGIT_SHORT,
        PhraseId.PHONE_DIGIT_LONG,
        PhraseId.URGENT_ASK_PLACE,
        PhraseId.ASK_AREA,
        PhraseId.ASK_DETAILS,
    )
)
"""What asks the customer for something the supervisor needs: said in a turn, the answer is
awaited before the restatement and the promise."""
_YES_ONLY = frozenset({Intent.YES, Intent.THANKS, Intent.GREETING})
"""A yes to the restatement, perhaps with thanks ("对 谢谢"): nothing else to read in it."""


def owe_promise(turn: Turn, record: ComplaintRecord) -> None:
    """The case is with the supervisor and its reply time set (its timers armed); the customer
    hears it once what is asked for is answered (:func:`keep_owed_promise`)."""
    turn.step.data.owed_promise = OwedPromise(record.deadline_at, record.promised_hours, record.says_hours)
    turn.audit(
        TimelineKind.DEADLINE_SET,
        case_number=record.case_number,
        deadline_at=record.deadline_at.isoformat(),
        hours=record.promised_hours,
    )


def track_unsaid(turn: Turn, record: ComplaintRecord) -> None:
    """Talk of self-harm: the case is due within the hour and tracked like any (its waiting words,
    its breach and whom that reaches armed), though no time is said to the customer."""
    turn.audit(
        TimelineKind.DEADLINE_SET,
        case_number=record.case_number,
        deadline_at=record.deadline_at.isoformat(),
        hours=record.promised_hours,
    )


def asks_something(turn: Turn) -> bool:
    """This turn asks the customer for something the supervisor needs (the phone, the place): its
    answer comes before any time is said."""
    return any(reply.phrase_id in _QUESTIONS for reply in turn.step.replies)


def keep_owed_promise(turn: Turn) -> bool:
    """Once this turn asks nothing more (the phone and the place answered, refused, or asked their
    last time): the restatement naming the problem and the place, then the promised time and the
    case number. A question left unanswered for ``timers.owed_promise_after`` (its timer fires a
    turn that asks nothing) is not waited for any longer. A complaint given up meanwhile is
    promised nothing. True if said."""
    data = turn.step.data
    owed = data.owed_promise
    if owed is None or data.case_number is None:
        return False
    if any(event.kind is TimelineKind.WITHDRAWN_AFTER_HANDOFF for event in turn.step.audit):
        data.owed_promise = None
        turn.cancel(TimerKind.OWED_PROMISE)
        return False
    if asks_something(turn):
        turn.arm(TimerKind.OWED_PROMISE, turn.kit.config.timers.owed_promise_after)
        return False
    data.owed_promise = None
    turn.cancel(TimerKind.OWED_PROMISE)
    classified = classify(turn, description_text(data), frozenset(data.signals))
    say_restatement(turn, classified)
    turn.audit(TimelineKind.RESTATED, category=classified.category)
    say_promise(
        turn,
        data.case_number,
        owed.deadline_at,
        owed.hours,
        owed.says_hours,
        prepared=Signal.PREPARED in data.signals,
        urgent=is_urgent(turn, (signal.value for signal in data.signals)),
    )
    # Restated with the case already the supervisor's: still asked whether it is right (seed 003:
    # listen, ask, soothe, confirm); a correction typed after the hand-off is taken as ever.
    turn.say(PhraseId.RESTATED_CHECK)
    data.extra[RESTATED_CHECK_ASKED] = data.case_number
    return True


RESTATED_CHECK_ASKED = "restated_check_asked"
"""``FlowData.extra`` key: the case whose restatement was just asked about after the hand-off
(``restated_check``): a yes to it confirms the case (:func:`confirmed_after_the_hand_off`)."""


def confirmed_after_the_hand_off(turn: Turn) -> bool:
    """A yes ("对") to the restatement asked about after the hand-off: the case is recorded as
    confirmed (no longer "未经客户确认") and the customer thanked (seed 000 step 4: "谢谢您的合作").
    Asked once: whatever comes next, the question is answered. True if it was a yes."""
    data = turn.step.data
    case_number = data.extra.pop(RESTATED_CHECK_ASKED, None)
    understood = turn.understood
    if case_number is None or Intent.YES not in turn.intents or turn.intents - _YES_ONLY:
        return False  # not asked, or more than a yes: read as any message after the hand-off
    if understood is None or understood.signals or turn.phone or turn.area:
        return False
    turn.step.contact = CaseContact(case_number, None, confirmed=True)
    turn.audit(TimelineKind.CONFIRMED, case_number=case_number)
    turn.say(PhraseId.CONFIRMED_THANKS)
    return True
