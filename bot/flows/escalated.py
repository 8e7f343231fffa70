"""A case with the duty supervisor: the reply time of a case already handed off when it is escalated
(a threat on it: the escalation's deadline, ``deadlines.yaml``), and what a customer urging us on or
asking where it stands hears once the time is said: the case's number and its time, never the same
words twice running."""

from __future__ import annotations

import datetime as dt

from bot.config import PhraseId, Signal
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.case import ESCALATING_SIGNALS, classify, due_from_now
from bot.flows.data import OwedPromise
from bot.flows.deadline import Deadline, deadline_by_rule, describe_moment
from bot.flows.records import CaseStatus, EscalatedDeadline
from bot.flows.slots import description_text
from bot.flows.status import asks_about_the_case, cases_asked_about, tell_status, tell_status_of_the_cases, this_case
from bot.flows.supervisor_promise import asks_something
from bot.flows.turn import Turn

_LAST_SAID = "escalated_said"
"""``FlowData.extra`` key: what the last message urging us on or asking after the case heard while
the supervisor has it (a phrase id), not said the next time."""

_ANSWERED_AS_AN_APPEAL = frozenset({TicketReason.APPEAL, TicketReason.BEYOND_AUTHORITY})
"""Escalations whose case is answered within the appeal's time ("你们根本不管 都第二次了", "谁赔")."""
_PRIORITY_ON_A_CASE = _ANSWERED_AS_AN_APPEAL | {TicketReason.SUPERVISOR_REQUESTED}
"""Escalations of a case already handed off that the customer is told is "已升级为优先处理": a leader
asked for on it ("叫你们经理来 都几天了还没人修") is the customer pressing a complaint still open, an
appeal's (seed 003), so its time is the appeal's too when that is sooner than the one in force (an
extension may have moved it days away), never "priority" with a time three days off."""


def escalated_deadline(turn: Turn, with_the_supervisor_before: bool, reason: TicketReason) -> None:
    """The conversation's own case, handed off already, escalated now ("再不修我就去工信部投诉"): its reply
    time becomes the escalation's (the ``deadlines.yaml`` override for the case's signals now,
    counted from now: a threat's within the hour; an appeal of its handling or a demand beyond the
    bot's authority or a leader asked for on it, the appeal's, ``deadlines.yaml`` ``appeal``, when
    sooner) unless the time in force comes sooner; the case and its timers follow
    (``Step.escalated_deadline``). With no appeal rule, a leader asked for keeps the time in
    force. The customer hears the time with the case's
    number after being told the supervisor has it, unless the supervisor had the case already and
    its time stays, or that time has passed (never promised again); with the phone for the
    supervisor's call asked for now, only once it is answered (the owed promise: restated, then
    promised). Talk of self-harm alone hears care and a person's call, never a time. A case whose
    time is an escalation's already (a threat, or danger, told before) keeps it; an appeal's case
    (another conversation's) keeps its time."""
    data = turn.step.data
    case_number = data.case_number
    if case_number is None or data.appeal_of is not None or turn.earlier_signals & ESCALATING_SIGNALS:
        return
    classified = classify(turn, description_text(data), frozenset(data.signals))
    due = due_from_now(turn, classified, classified.signals)
    # Only an escalation's own rule (a threat's, danger's hour; an appeal's) moves a deadline: a leader
    # asked for is told the time in force.
    escalates = due.due_at < due_from_now(turn, classified, classified.signals - ESCALATING_SIGNALS).due_at
    appeal = _priority_due(turn, reason)
    if appeal is not None and (not escalates or appeal.due_at < due.due_at):
        due, escalates = appeal, True
    in_force = _deadline_in_force(turn, case_number)
    missed = in_force is not None and in_force <= turn.now
    sooner = escalates and (in_force is None or missed or due.due_at < in_force)
    if sooner:
        signals = tuple(sorted(signal.value for signal in classified.signals))
        turn.step.escalated_deadline = EscalatedDeadline(case_number, due.due_at, signals, classified.grade)
    elif in_force is None or missed or with_the_supervisor_before:
        # Not known here, or missed (told as missed when asked, never promised again), or the
        # supervisor had the case already: no time to say.
        return
    if sooner or in_force is None:
        deadline_at, hours, says_hours = due.due_at, due.hours, due.says_hours
    else:  # said as a time, never as hours
        deadline_at, hours, says_hours = in_force, (in_force - turn.now).total_seconds() / 3600, False
    previous = {"previous": in_force.isoformat()} if in_force is not None else {}
    caring_only = Signal.SELF_HARM in data.signals and Signal.DANGER not in data.signals
    moved = {"case_number": case_number, "deadline_at": deadline_at.isoformat(), "hours": hours, "escalated": True}
    if caring_only or asks_something(turn):
        if sooner:
            turn.audit(TimelineKind.DEADLINE_SET, **moved, **previous)
        if not caring_only:
            data.owed_promise = OwedPromise(deadline_at, hours, says_hours)
        return
    said = describe_moment(deadline_at, turn.now, turn.kit.calendar.timezone, turn.kit.phrases.time_words(turn.locale))
    within_an_hour = says_hours and hours == 1
    phrase = PhraseId.ESCALATED_WITHIN_AN_HOUR if within_an_hour else PhraseId.ESCALATED_DEADLINE
    turn.say(phrase, case_number=case_number, deadline=said)
    turn.audit(TimelineKind.PROMISED, **moved, said=said, **previous)


def appeal_due(turn: Turn, reason: TicketReason) -> Deadline | None:
    """The appeal's reply time from now (``deadlines.yaml`` ``appeal``) for an escalation the
    supervisor answers as an appeal; None for a leader merely asked for, or with no such rule."""
    table = turn.kit.config.deadlines
    if reason not in _ANSWERED_AS_AN_APPEAL or table.appeal is None:
        return None
    return deadline_by_rule(turn.now, table.appeal, table, turn.kit.calendar)


def _priority_due(turn: Turn, reason: TicketReason) -> Deadline | None:
    """:func:`appeal_due` for an escalation of a case already handed off (:data:`_PRIORITY_ON_A_CASE`)."""
    table = turn.kit.config.deadlines
    if reason not in _PRIORITY_ON_A_CASE or table.appeal is None:
        return None
    return deadline_by_rule(turn.now, table.appeal, table, turn.kit.calendar)


def _deadline_in_force(turn: Turn, case_number: str) -> dt.datetime | None:
    """The case's deadline as storage loaded it (an extension moved it); None when not known here."""
    loaded = turn.customer.this_case
    if loaded is None or loaded.case_number != case_number:
        return None
    return loaded.deadline_at


def answer_while_escalated(turn: Turn) -> None:
    """Urged on or asked where the case stands once the supervisor has it and its time is said: a
    status question ("处理到哪了", "主管什么时候联系我") hears the status answer (the case's number,
    with the duty supervisor, the time promised), an urging or a yes ("快点啊", "好的") the
    reassurance. Whichever was said last time gives way to the other wording (the reassurance with
    the number and the time, ``escalation_reassure_case``; the status answer): never the same words
    twice running."""
    data = turn.step.data
    status = this_case(turn)
    last = data.extra.get(_LAST_SAID)
    if asks_about_the_case(turn) and cases_asked_about(turn, status) != [status]:
        # Another open case of theirs is asked after too (or alone): each one's own status.
        tell_status_of_the_cases(turn, status)
        data.extra[_LAST_SAID] = PhraseId.STATUS_ANSWER.value
        return
    if asks_about_the_case(turn):
        said = PhraseId.ESCALATION_REASSURE_CASE if last == PhraseId.STATUS_ANSWER else PhraseId.STATUS_ANSWER
    else:
        said = PhraseId.STATUS_ANSWER if last == PhraseId.ESCALATION_REASSURE else PhraseId.ESCALATION_REASSURE
    deadline = _time_ahead(turn, status)
    if said is PhraseId.STATUS_ANSWER:
        tell_status(turn, status)
    elif said is PhraseId.ESCALATION_REASSURE_CASE and status.case_number is not None and deadline is not None:
        turn.say(PhraseId.ESCALATION_REASSURE_CASE, case_number=status.case_number, deadline=deadline)
        turn.audit(TimelineKind.STATUS_TOLD, case_number=status.case_number, stage=status.stage.value)
    else:
        said = PhraseId.ESCALATION_REASSURE  # no number or no time ahead to tell: reassured only
        turn.say(said)
    data.extra[_LAST_SAID] = said.value


def _time_ahead(turn: Turn, status: CaseStatus) -> str | None:
    """The case's deadline as said ("今天晚上8点40分前"), while it is ahead."""
    if status.deadline_at is None or status.deadline_at <= turn.now:
        return None
    words = turn.kit.phrases.time_words(turn.locale)
    return describe_moment(status.deadline_at, turn.now, turn.kit.calendar.timezone, words)
