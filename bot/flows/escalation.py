"""Handing off before the form is done: a threat or a demand beyond the bot's authority goes to
the duty supervisor, a request for a person to a person."""

from __future__ import annotations

import datetime as dt

from bot.config import Intent, PhraseId, Signal
from bot.core.case_numbers import case_numbers_in
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.appeals import (
    PHONE_ASKS_DONE,
    appealed,
    ask_place_for_the_supervisor,
    phone_for_supervisor_asked,
    supervisor_will_call,
)
from bot.flows.care import cared_for_again
from bot.flows.case import (
    GENERAL_QUEUE,
    SUPERVISOR_QUEUE,
    URGENT_SIGNALS,
    first_problem_told,
    open_ticket,
    priority_of,
    promise,
    record_complaint,
    register_told_problem,
)
from bot.flows.case_check import CaseCheckFor, appeal_link, joined_case_phone_known, named_status
from bot.flows.escalated import appeal_due, escalated_deadline
from bot.flows.greeting import greet
from bot.flows.records import ComplaintRecord, HandoffRequest, State, SupervisorTold
from bot.flows.safety import (
    SAID_AT,
    acknowledged_safe_now,
    kind_said,
    names_another_danger,
    say_advice,
    say_again_when_due,
)
from bot.flows.slots import description_text
from bot.flows.supervisor_promise import keep_owed_promise, owe_promise, track_unsaid
from bot.flows.turn import Turn


def escalation_reason(signals: frozenset[Signal]) -> TicketReason:
    return TicketReason.DANGER if signals & URGENT_SIGNALS else TicketReason.THREAT


def escalate(turn: Turn, reason: TicketReason, told: str | None = None) -> None:
    """To the duty supervisor at once, with what was given. Danger now (or talk of self-harm) is
    told how to stay safe and whom to call first, and hears it is handled as an emergency.
    ``told``: the message, after the hand-off, when it may tell the problem not told before."""
    urgent = reason is TicketReason.DANGER
    before = kind_said(turn)
    if urgent:
        first = len(turn.step.replies)
        safety_first(turn)
        cared_for_again(turn, first)  # "不想活了" again soon after: the helpline again, not only the supervisor's words
    if turn.step.state is State.HANDED_OFF:
        if urgent:
            _another_danger(turn, before)
        if told is not None and first_problem_told(turn, Intent.COMPLAINT in turn.intents):
            _escalated_with_the_problem(turn, reason, told, urgent)
            return
        data = turn.step.data
        with_the_supervisor_before = data.escalation_phone_asks > 0
        supervisor_will_call(turn, urgent)
        request = HandoffRequest(queue=SUPERVISOR_QUEUE, priority=0, reason=reason)
        if data.appeal_of is not None:
            # The appealed case holds the ticket: it is raised again, no second one opened here.
            turn.step.appeal = appeal_link(turn, data.appeal_of, description_text(data), request)
        else:
            turn.step.handoff = request
        turn.audit(TimelineKind.ESCALATED, reason=reason)
        # Escalated, the case has the escalation's time, as a case escalated when told has.
        escalated_deadline(turn, with_the_supervisor_before, reason)
        return
    # An appeal's number checked first when it is not provably the writer's case; a threat or
    # danger does not wait for that: another's case named is only noted for its staff.
    if appealed(turn, CaseCheckFor.APPEAL_NUMBER if reason is TicketReason.APPEAL else None):
        return
    # The ticket first: the supervisor has the case at once, whatever is still to ask. The customer
    # hears the apology (an emergency: that the supervisor is alerted), the questions still
    # missing (the phone, then the place), and only then the restatement and the time promised
    # (seed 003: listen, ask, soothe, confirm; never reversed).
    # A demand beyond the bot's authority ("要赔") is answered as an appeal is: the duty supervisor's
    # time, never the general queue's 12 hours.
    record = record_complaint(turn, confirmed=False, sooner=appeal_due(turn, reason))
    # "TS2026… 煤气味很重" from someone not proven the case's customer: an emergency of its own at
    # once, its ticket naming the earlier case so the staff see that history.
    open_ticket(turn, record, SUPERVISOR_QUEUE, 0, reason, named_case=_unproven_case_named(turn))
    supervisor_will_call(turn, urgent)
    signals = turn.step.data.signals
    if Signal.SELF_HARM in signals and Signal.DANGER not in signals:
        # Someone at the end of their tether hears care and that a person will call, not thanks
        # for their feedback and a case number, nor where it happened; the case is there for the
        # supervisor all the same, its hour tracked.
        track_unsaid(turn, record)
        return
    _asked_then_promised(turn, record)


_DANGERS = "dangers_escalated"
"""``FlowData.extra`` key: the kinds of danger (their advice's phrase ids) escalated in this chat."""


def _another_danger(turn: Turn, before: str | None) -> None:
    """Danger of another kind than any escalated in this handed-over chat (a fire after the gas, at the
    same place too; ``before``: the kind named until now): told to the duty supervisors on its own
    (``Step.supervisor_told``), where the ticket already with them would take it in silence."""
    understood = turn.understood
    kind = kind_said(turn)
    if understood is None or kind is None or Signal.DANGER not in understood.signals:
        return
    data = turn.step.data
    kept = data.extra.get(_DANGERS)
    kinds = {str(item) for item in kept} if isinstance(kept, list) else ({before} if before else set())
    if kind in kinds:
        return
    data.extra[_DANGERS] = sorted(kinds | {kind})
    if kinds:
        turn.step.supervisor_told = SupervisorTold(TicketReason.DANGER, (Signal.DANGER.value,), understood.text)


def _unproven_case_named(turn: Turn) -> str | None:
    """The existing case this message named by its number, not proven the writer's (only noted on
    its timeline, ``not_confirmed``); None when it named none, or a number no case has."""
    number = turn.step.data.case_unproven
    if number is None or named_status(turn, number) is None:
        return None
    understood = turn.understood
    said = case_numbers_in(understood.text, turn.kit.config.service.case_prefix) if understood is not None else set()
    return number if number in said else None


def _escalated_with_the_problem(turn: Turn, reason: TicketReason, text: str, urgent: bool) -> None:
    """Handed to the supervisor before any problem was told ("叫你们经理出来"), the customer asks
    again telling it ("我要投诉你们物业经理 态度差 骂人 我要找你们领导"): it is the case the
    supervisor's ticket carries, and the phone still asked for is asked once more; the restatement
    and the time promised follow once answered (the caller keeps the owed promise)."""
    data = turn.step.data
    record = register_told_problem(turn, text)
    if phone_for_supervisor_asked(turn) and data.escalation_phone_asks == 1:
        data.escalation_phone_asks = 2
        if urgent:
            turn.say(PhraseId.URGENT_ASK_PHONE)
        else:
            turn.say(PhraseId.DESCRIPTION_RECORDED)
            turn.say(PhraseId.ASK_PHONE)
    else:
        if 0 < data.escalation_phone_asks < PHONE_ASKS_DONE and data.phone:
            data.escalation_phone_asks = PHONE_ASKS_DONE  # told with the problem
        supervisor_will_call(turn, urgent)
    open_ticket(turn, record, SUPERVISOR_QUEUE, 0, reason)
    signals = data.signals
    if Signal.SELF_HARM in signals and Signal.DANGER not in signals:
        track_unsaid(turn, record)
        return  # care and a person's call, as when told first
    owe_promise(turn, record)
    if not phone_for_supervisor_asked(turn):
        ask_place_for_the_supervisor(turn)


def _asked_then_promised(turn: Turn, record: ComplaintRecord) -> None:
    """What the supervisor needs asked first (the phone, then the place), then the restatement
    and the time promised."""
    owe_promise(turn, record)
    if not phone_for_supervisor_asked(turn):
        ask_place_for_the_supervisor(turn)
    keep_owed_promise(turn)


def safety_first(turn: Turn) -> None:
    """How to stay safe from the danger named (:mod:`bot.flows.safety`), care and a helpline for
    talk of self-harm: the first time they are told, again when told again ("都十几分钟了 煤气味越来越重了")
    at most once per ``timers.safety_repeat_after``, and whenever the message asks what to do or names
    another kind of danger (the sockets after the water)."""
    understood = turn.understood
    said = understood.signals if understood is not None else frozenset()
    text = understood.text if understood is not None else ""
    new = said - turn.earlier_signals
    again = say_again_when_due(turn, text, dt.timedelta(seconds=turn.kit.config.timers.safety_repeat_after))
    if acknowledged_safe_now(turn, text):
        pass  # "我出来了 煤气味还很大": out of the danger, never the same advice twice running
    elif Signal.DANGER in new or (Signal.DANGER in said and (again or names_another_danger(turn, text))):
        say_advice(turn, text)
    if Signal.SELF_HARM in new or (Signal.SELF_HARM in said and again):
        turn.say(PhraseId.SELF_HARM_CARE)
        turn.step.data.extra[SAID_AT] = turn.now.isoformat()


def hand_off_on_request(turn: Turn, to_supervisor: bool = False) -> None:
    """To a person at once, with what was given; a leader, manager or supervisor asked for
    by name goes to the duty supervisor (seed 000 五(二)4)."""
    if turn.step.state is State.NEW:
        greet(turn, invite=False)  # "转人工" as the first SMS: greeted before the transfer
    if to_supervisor and appealed(turn, checked_for=None):
        return
    untold = to_supervisor and _nothing_told(turn)
    if untold:
        _ask_what_happened(turn)
    elif to_supervisor:
        supervisor_will_call(turn)
    else:
        turn.say(PhraseId.HUMAN_REQUESTED)
    # Nothing told yet: the case is registered with the problem when it is told.
    record = record_complaint(turn, confirmed=False) if turn.step.data.description and not untold else None
    if to_supervisor:
        open_ticket(turn, record, SUPERVISOR_QUEUE, 0, TicketReason.SUPERVISOR_REQUESTED)
        if record is not None and not untold:
            _asked_then_promised(turn, record)  # as for a threat
        return
    if record is not None:
        # Whoever takes it, the reply has a time, as for a problem told after the request.
        promise(turn, record)
    priority = priority_of(turn.kit, record) if record is not None else 1
    open_ticket(turn, record, GENERAL_QUEUE, min(priority, 1), TicketReason.CUSTOMER_REQUEST)


def _nothing_told(turn: Turn) -> bool:
    """Nothing of what happened is told yet: no description, or one that only asks for or
    complains of someone ("叫你们经理出来", "我要投诉你们经理"): with the supervisor's keywords taken
    out, no category but the fallback and no signal but anger."""
    data = turn.step.data
    if not data.description:
        return True
    understander = turn.kit.understander
    rest = understander.matchable(description_text(data))
    keywords = turn.kit.config.classification.intents[Intent.SUPERVISOR].keywords
    for keyword in sorted((understander.matchable(word) for word in keywords), key=len, reverse=True):
        rest = rest.replace(keyword, " ")
    understood = understander.understand(rest, turn.locale)
    if understood.signals - {Signal.EMOTIONAL}:  # a repeat ("第三次投诉了") tells of the case's history
        return False
    return understood.category in (None, turn.kit.rules.fallback_category)


def _ask_what_happened(turn: Turn) -> None:
    """The supervisor asked for before any problem is told: the request acknowledged and what
    happened asked first (listen, ask, soothe, confirm: seed 003); the phone the supervisor calls
    is asked once the problem is told (``escalation_phone_asks`` 1: not given yet)."""
    data = turn.step.data
    data.escalation_phone_asks = PHONE_ASKS_DONE if data.phone or joined_case_phone_known(turn) else 1
    turn.say(PhraseId.SUPERVISOR_ASK_DETAILS)
