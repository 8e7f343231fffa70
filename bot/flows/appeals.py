"""Appeals (申诉, issue 12 item 3): a complaint repeating the customer's open case is linked to it
for the supervisor; and the phone the supervisor calls back on."""

from __future__ import annotations

import datetime as dt

from bot.config import Grade, Intent, PhraseId, Signal
from bot.core.case_numbers import case_numbers_in
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.case import ESCALATING_SIGNALS, SUPERVISOR_QUEUE, URGENT_SIGNALS, note_on_case
from bot.flows.case_check import (
    CASE_CHECK_TRIES,
    CaseCheckFor,
    appeal_link,
    ask_case_check,
    filed_here,
    joined_case_phone_known,
    named_status,
    not_confirmed,
    proven,
    set_aside_case,
    unproven_number,
)
from bot.flows.classify import invalid_phone_phrase, looks_like_phone_attempt
from bot.flows.deadline import Deadline, deadline_by_rule, describe_moment
from bot.flows.escalated import answer_while_escalated
from bot.flows.greeting import greet
from bot.flows.records import (
    CaseContact,
    CaseStage,
    CaseStatus,
    EscalatedDeadline,
    HandoffRequest,
    OpenCase,
    State,
)
from bot.flows.side_answers import answer_faq
from bot.flows.slots import append_description, description_text, needs_no_place, tells_who_is_inside
from bot.flows.status import (
    a_case_number_asking,
    named_case,
    said_case_numbers,
    status_by_number,
    tell_status_of_the_cases,
    this_case,
    told_by_number,
)
from bot.flows.still_open import of_the_same_thing, says_still_not_handled
from bot.flows.things_named import another_thing
from bot.flows.turn import Turn
from bot.understanding.phones import said_phone
from bot.understanding.result import Understanding

PHONE_ASKS_DONE = 3
"""``FlowData.escalation_phone_asks`` once answered (a phone, a refusal, anything else): 1 and 2
wait for the answer."""
PHONE_ASKED_AGAIN = 2
"""``FlowData.escalation_phone_asks`` once the supervisor's phone was asked a second time."""
URGENT_PLACE_ASKS_DONE = 2
"""``FlowData.urgent_place_asks`` once the emergency's address is not asked for again."""
_CHASING = frozenset({Intent.YES, Intent.STATUS_QUERY, Intent.GREETING})
_TOLD_OF_THEMSELVES = frozenset({Signal.ELDER, Signal.PREPARED, Signal.HEALTH})
"""Signals of what a customer tells of themselves beside the problem ("我73岁了 差点摔倒", "我有录音"):
kept for the case while the escalation's phone is asked, never heard as declining to leave one."""
"""What a message urging us on may read as besides its words ("好的", "怎么还不来人", "还在吗")."""


def appealed(turn: Turn, checked_for: CaseCheckFor | None = CaseCheckFor.APPEAL) -> bool:
    """Link the complaint to the customer's open case when it repeats it (seed 003: a repeat
    of an unanswered complaint is an appeal): the case keeps its earlier deadline, the
    customer hears an apology for the wait and the supervisor takes it. True if linked, or if
    the case it names by number is not provably the writer's and its phone's digits were asked
    for first (for ``checked_for``; None, an escalation that cannot wait: the case is only noted
    for its staff and the complaint goes on as the writer's own)."""
    data = turn.step.data
    if data.appeal_of is not None or not data.description:
        return False
    number = unproven_number(turn)
    if number is not None:
        told = description_text(data)
        if checked_for is not None and ask_case_check(turn, number, checked_for, told):
            return True
        not_confirmed(turn, number, checked_for, told, exists=named_status(turn, number) is not None)
    case = _repeated_case(turn)
    if case is None:
        return False
    if case.by_typed_phone:
        _note_same_phone_case(turn, case)
        return False
    link_to_case(turn, case)
    return True


def link_to_case(turn: Turn, case: OpenCase) -> None:
    """The complaint joins the open case as an appeal, for the duty supervisor, who takes it as
    urgent: the case's reply time becomes the appeal's (``deadlines.yaml`` ``appeal``, from now)
    when that comes sooner than the one in force or that one has passed, and the customer hears
    the new time; else the time in force, kept. Danger now or talk of self-harm told with it is an
    emergency on that case (:func:`_emergency_on_case`), never answered as an appeal."""
    data = turn.step.data
    data.appeal_of = case.case_number
    replies = turn.step.replies
    # The greeting's note of the open case: the appeal says it again.
    said_again = (
        PhraseId.OPEN_CASE,
        PhraseId.OPEN_CASE_OVERDUE,
        PhraseId.OPEN_CASE_TAKING_MORE,
        PhraseId.OPEN_CASE_OVERDUE_TAKING_MORE,
    )
    turn.step.replies = [reply for reply in replies if reply.phrase_id not in said_again]
    if set(data.signals) & URGENT_SIGNALS:
        _emergency_on_case(turn, case)
        return
    appeal_deadline = _say_appeal_time(turn, case)
    supervisor_will_call(turn)
    _linked(turn, case, appeal_deadline, TicketReason.APPEAL)


def _a_thing_the_case_never_named(turn: Turn, understood: Understanding, category: str, problem: str) -> bool:
    """The complaint names a thing ("路灯") while the case's problem names none ("楼上漏水到我家天花板"),
    shares no word of the category with it and says nothing of it still not handled or again
    ("水管还在漏", "还在漏水" stay the case's): another problem."""
    told = understood.text
    if not turn.things_named(told) or turn.things_named(problem):
        return False
    if Signal.REPEAT in understood.signals or says_still_not_handled(turn, understood):
        return False
    return not turn.problem_words(category, told) & turn.problem_words(category, problem)


def appealed_another_case(turn: Turn, case: CaseStatus, text: str) -> bool:
    """After this conversation's own hand-off, another open case proven the writer's by its phone's
    digits said still not handled ("TS2026… 还是没修好"): an appeal of that case, as from any other
    conversation (its ticket to the duty supervisor, its time brought forward and told), this
    conversation's own case left as it is. False when that case is resolved or has no time."""
    if case.case_number is None or case.stage is CaseStage.RESOLVED or case.deadline_at is None:
        return False
    open_case = OpenCase(case.case_number, case.deadline_at, status=case)
    appeal_deadline = _say_appeal_time(turn, open_case)
    turn.say(PhraseId.ESCALATED_SUPERVISOR)
    _appeal_effects(turn, open_case, appeal_deadline, TicketReason.APPEAL, text)
    return True


def another_case_named_after_hand_off(turn: Turn, text: str) -> bool:
    """After this conversation's hand-off, a message naming another case by its number than this
    conversation's ("TS2026… 处理到哪了", "TS2026… 还是没修好"): a case not proven the writer's has
    its phone's last digits asked for first, as before any hand-off, never this conversation's own
    case told instead; one proven theirs here by those digits is answered (its status, or its
    appeal). The writer's own cases of other conversations are left to the status answers. True if
    handled."""
    understood = turn.understood
    said = said_case_numbers(turn)
    if understood is None or not said or any(filed_here(turn, number) for number in said):
        return False
    asks = Intent.STATUS_QUERY in understood.intents or a_case_number_asking(turn, understood.text)
    proven_here = next(
        (
            case
            for case in turn.customer.named_cases
            if case.case_number in said and case.case_number == turn.step.data.case_proven
        ),
        None,
    )
    if proven_here is not None:
        if asks or not appealed_another_case(turn, proven_here, text):
            told_by_number(turn, proven_here)
        return True
    number = unproven_number(turn)
    if number is None:
        return False
    if asks:
        status_by_number(turn, said)
        return True
    if ask_case_check(turn, number, CaseCheckFor.APPEAL, text):
        return True
    # No tries left here: the case is only noted for its staff, the words read as usual.
    not_confirmed(turn, number, None, text, exists=named_status(turn, number) is not None)
    return False


def _say_appeal_time(turn: Turn, case: OpenCase) -> tuple[Deadline, tuple[str, ...]] | None:
    """The appeal of ``case`` said with its time: the appeal's when sooner (or the time in force
    missed), else the time in force; the appeal's time, when it moves the case's."""
    overdue = case.deadline_at <= turn.now
    appeal_deadline = _appeal_deadline(turn, case.deadline_at)
    moved = appeal_deadline[0] if appeal_deadline is not None else None
    if moved is not None and not overdue:
        turn.say(PhraseId.APPEAL_LINKED_ESCALATED, case_number=case.case_number, deadline=_said(turn, moved.due_at))
    else:
        turn.say(
            PhraseId.APPEAL_LINKED_OVERDUE if overdue else PhraseId.APPEAL_LINKED,
            case_number=case.case_number,
            deadline=_said(turn, case.deadline_at),
        )
        if moved is not None:  # missed: the new time, never the missed one promised again
            _say_new_time(turn, case.case_number, moved)
    return appeal_deadline


def _emergency_on_case(turn: Turn, case: OpenCase) -> None:
    """Danger now told with the customer's own open case ("TS2026… 煤气味很重 快来人"): handled as the
    emergency it is, on that case. The customer hears the emergency's hand-off (``urgent_handoff``)
    and the case's new time, the danger's hour (``deadlines.yaml`` override, from now) when sooner
    than the one in force or that one has passed, with the case's number; without a phone, the
    time first and then the emergency's request for one. Talk of self-harm alone hears care and a
    person's call, never a time (its case is due within the hour all the same). The case's ticket
    goes to the duty supervisor, priority 0, reason ``danger``."""
    due = _appeal_deadline(turn, case.deadline_at, with_the_appeals=False)
    signals = turn.step.data.signals
    caring_only = Signal.SELF_HARM in signals and Signal.DANGER not in signals
    asks_phone = phone_for_supervisor_missing(turn)
    if not asks_phone:
        supervisor_will_call(turn, urgent=True)
    if not caring_only:
        if due is not None:
            _say_new_time(turn, case.case_number, due[0])
        elif case.deadline_at > turn.now:
            turn.say(PhraseId.ESCALATED_DEADLINE, case_number=case.case_number, deadline=_said(turn, case.deadline_at))
    if asks_phone:
        supervisor_will_call(turn, urgent=True)
    _linked(turn, case, due, TicketReason.DANGER)


def _said(turn: Turn, moment: dt.datetime) -> str:
    """``moment`` as the customer is told it ("今天下午3点前")."""
    words = turn.kit.phrases.time_words(turn.locale)
    return describe_moment(moment, turn.now, turn.kit.calendar.timezone, words)


def _say_new_time(turn: Turn, case_number: str, moved: Deadline) -> None:
    """The case's new time with its number: "within the hour" for an hour's rule."""
    within_an_hour = moved.says_hours and moved.hours == 1
    phrase = PhraseId.ESCALATED_WITHIN_AN_HOUR if within_an_hour else PhraseId.ESCALATED_DEADLINE
    turn.say(phrase, case_number=case_number, deadline=_said(turn, moved.due_at))


def _linked(
    turn: Turn, case: OpenCase, moved_to: tuple[Deadline, tuple[str, ...]] | None, reason: TicketReason
) -> None:
    """The conversation joined to ``case``: the case's ticket raised to the duty supervisor for
    ``reason``, its time moved to ``moved_to`` (the signals whose rule set it join the case's), on
    the timeline; the conversation waits as after any hand-off."""
    data = turn.step.data
    _appeal_effects(turn, case, moved_to, reason, description_text(data))
    turn.step.state = State.HANDED_OFF
    for kind in list(data.timers):
        turn.cancel(kind)
    turn.audit(TimelineKind.HANDED_OFF, queue=SUPERVISOR_QUEUE, priority=0, reason=reason)


def _appeal_effects(
    turn: Turn, case: OpenCase, moved_to: tuple[Deadline, tuple[str, ...]] | None, reason: TicketReason, text: str
) -> None:
    """``case``'s ticket raised to the duty supervisor for ``reason`` with the words ``text``, its
    time moved to ``moved_to``, on the timeline."""
    appeal = HandoffRequest(queue=SUPERVISOR_QUEUE, priority=0, reason=reason)
    turn.step.appeal = appeal_link(turn, case.case_number, text, appeal)
    brought_forward: dict[str, object] = {}
    if moved_to is not None:
        due, signals = moved_to
        complex_case = bool(set(signals) & {signal.value for signal in turn.kit.rules.complex_signals})
        grade = Grade.COMPLEX if complex_case else None
        turn.step.escalated_deadline = EscalatedDeadline(case.case_number, due.due_at, signals, grade, appealed=True)
        brought_forward = {"previous": case.deadline_at.isoformat(), "escalated": True}
    emergency = {"reason": reason} if reason is not TicketReason.APPEAL else {}
    turn.audit(
        TimelineKind.APPEAL_LINKED,
        case_number=case.case_number,
        deadline_at=(moved_to[0].due_at if moved_to is not None else case.deadline_at).isoformat(),
        overdue=case.deadline_at <= turn.now,
        **brought_forward,
        **emergency,
    )


def _appeal_deadline(
    turn: Turn, in_force: dt.datetime, with_the_appeals: bool = True
) -> tuple[Deadline, tuple[str, ...]] | None:
    """The appeal's reply time (``deadlines.yaml`` ``appeal``, from now, unless not
    ``with_the_appeals``; an escalation's override for a signal of the conversation's, a threat's or
    danger's hour, when sooner) when it comes sooner than the time in force, or that time has
    passed, with the signal whose rule set it; None when the case keeps its time."""
    table, calendar = turn.kit.config.deadlines, turn.kit.calendar
    candidates: list[tuple[Deadline, tuple[str, ...]]] = []
    if table.appeal is not None and with_the_appeals:
        candidates.append((deadline_by_rule(turn.now, table.appeal, table, calendar), ()))
    escalating = set(turn.step.data.signals) & ESCALATING_SIGNALS
    for override in table.overrides:
        general = override.category is None and override.tier is None and not override.words
        if override.signal is not None and override.signal in escalating and general:
            candidates.append(
                (deadline_by_rule(turn.now, override.deadline, table, calendar), (override.signal.value,))
            )
    if not candidates:
        return None
    due, signals = min(candidates, key=lambda candidate: candidate[0].due_at)
    return (due, signals) if in_force <= turn.now or due.due_at < in_force else None


def _note_same_phone_case(turn: Turn, case: OpenCase) -> None:
    """A case found only by a typed phone may be anyone's: the complaint goes on as a new one, told
    nothing of it (else typing numbers would tell which have open cases, and page the supervisor),
    and its agent sees the case on the timeline to check with the caller."""
    data = turn.step.data
    if data.same_phone_case != case.case_number:
        data.same_phone_case = case.case_number
        turn.audit(TimelineKind.SAME_PHONE_OPEN_CASE, case_number=case.case_number, category=case.category)


def joined_named_case(turn: Turn, text: str) -> bool:
    """A complaint naming the number of an open case ("TS2026… 路灯还是没修好", or the number
    given while the form is taken) is more of that case: it joins it as an appeal when it is the
    writer's; any other number (another's case, or none's) has the case's phone's digits asked for
    first. True if joined or asked."""
    data = turn.step.data
    if turn.step.state in (State.NEW, State.AWAIT_DESCRIPTION):
        return False  # the description's own handling links it
    if data.appeal_of is not None:
        return False
    if named_open_case(turn) is None:
        number = unproven_number(turn)
        if number is None:
            return False
        if data.case_check_misses >= CASE_CHECK_TRIES:
            # No tries left here: the words go on with the form, the case is only noted.
            not_confirmed(turn, number, CaseCheckFor.APPEAL, text, exists=named_status(turn, number) is not None)
            return False
    append_description(turn, text)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
    return appealed(turn)


def note_followed_case(turn: Turn) -> None:
    """A complaint naming a resolved case by its number ("TS2026… 垃圾又堆满了！") is a new case that
    follows it: kept for the staff, with that case's place when it is the customer's own, offered
    rather than asked for blank."""
    data = turn.step.data
    named = named_case(turn)
    if named is None or named.stage is not CaseStage.RESOLVED or named.case_number is None or not proven(turn, named):
        return  # another's case is no more of this one for naming it (its digits may be asked first)
    if data.case_number is not None or data.follows_case == named.case_number:
        return
    data.follows_case, data.follows_area = named.case_number, named.area


def named_open_case(turn: Turn) -> OpenCase | None:
    """The unresolved case of the writer's (:func:`proven`) this message names by its number, when
    storage found it."""
    understood = turn.understood
    if understood is None:
        return None
    said = case_numbers_in(understood.text, turn.kit.config.service.case_prefix)
    # The case this conversation set aside: the problem told naming it was another one.
    aside = set_aside_case(turn)
    for named in turn.customer.named_cases:
        if named.case_number not in said or named.deadline_at is None or named.case_number is None:
            continue
        if named.case_number == aside:
            continue
        if named.stage is not CaseStage.RESOLVED and proven(turn, named):
            return OpenCase(named.case_number, named.deadline_at, status=named)
    return None


def _repeated_case(turn: Turn) -> OpenCase | None:
    """The open case this complaint repeats: the one it names by number; else one of its
    category, or one saying it is the same or still not handled (the repeat signal,
    ``still_open_keywords``) or threatening the media or 12345 while no other category is clear;
    never one whose problem names another thing than the complaint names ("电梯又坏了" beside a case
    "楼道灯坏了")."""
    data = turn.step.data
    if data.appeal_of is not None or not data.description:
        return None
    named = named_open_case(turn)
    if named is not None:
        return named
    case = turn.customer.open_case
    if case is None or case.case_number == set_aside_case(turn):
        return None  # the case this conversation joined, set aside: the problem told now is another one
    told = description_text(data)
    problem = case.status.problem if case.status is not None else None
    if problem and another_thing(turn.things_named(told), turn.things_named(problem)):
        return None  # "电梯又坏了" beside a case "楼道灯坏了": another thing, never an appeal of it
    understood = turn.kit.understander.understand(told, turn.locale)
    category = understood.category
    if category == turn.kit.rules.fallback_category:
        category = None
    if problem and category is not None and _a_thing_the_case_never_named(turn, understood, category, problem):
        return None  # "小区门口的路灯坏了" beside a case "楼上漏水到我家天花板": a new complaint
    if category is not None and case.category is not None and category != case.category:
        # "电梯还是没修好" reads as 物业服务 beside a 工程维修 lift case: still its words, unless
        # another thing wrong is named.
        if says_still_not_handled(turn, understood) and of_the_same_thing(turn, understood, case.category, problem):
            return case
        return None
    if category is not None and category == case.category:
        return case
    if Signal.REPEAT in understood.signals or Signal.REPEAT in data.signals:
        return case
    if Signal.MEDIA_LEGAL in understood.signals:
        return case  # "再不处理我就打12345": a threat naming no problem is made over the open case
    if turn.says_any(understood.text, turn.kit.form.mishandling_words):
        return case  # "我的投诉你们根本不管", "当耳旁风了": naming no problem, the open case's handling
    folded = turn.kit.understander.matchable(understood.text)
    return case if any(keyword.lower() in folded for keyword in turn.kit.rules.still_open_keywords) else None


def appeals_the_handling(turn: Turn) -> bool:
    """After the hand-off, the message complains of how the conversation's own case is handled
    (seed 003: a repeat of an unanswered complaint is an appeal): the Nth time (the repeat
    signal: "你们根本不管 都第三次了") or ``form.appeal_words``, about the case and no other problem
    (its category or none; or a supervisor asked for with it). "你们到底管不管" alone is a message
    for the case's person, as before."""
    data = turn.step.data
    understood = turn.understood
    if understood is None or data.case_number is None:
        return False
    form = turn.kit.form
    if Signal.REPEAT not in understood.signals and not turn.says_any(understood.text, form.appeal_words):
        return False
    if Intent.SUPERVISOR in understood.intents:
        return True
    category = understood.category
    if category in (None, turn.kit.rules.fallback_category):
        return True
    return category == turn.kit.understander.understand(description_text(data), turn.locale).category


_SUPERVISOR_WILL_CALL = "supervisor_will_call_said"
"""``FlowData.extra`` key: what the customer last heard of the supervisor's call (:func:`supervisor_will_call`)."""


def supervisor_will_call(turn: Turn, urgent: bool = False) -> None:
    """Say the supervisor will call (as an emergency when ``urgent``); without a contact phone,
    ask for one first. Said again in the chat, the customer hears the supervisor has it already
    (``escalation_reassure``, then ``escalation_reassure_brief``, in turn)."""
    data = turn.step.data
    if phone_for_supervisor_missing(turn):
        ask_phone_for_supervisor(turn, urgent)
        return
    if not data.escalation_phone_asks:
        # Known already (the SMS sender's, the joined case's): nothing to ask; marks the conversation as the
        # supervisor's, whose customers are reassured, not told "已转给客服代表".
        data.escalation_phone_asks = PHONE_ASKS_DONE
    if urgent:
        turn.say(PhraseId.URGENT_HANDOFF)
        return
    # Asked for again ("我要找你们领导" after the appeal): the supervisor has it already, said in other
    # words each time, never the same transfer twice running.
    said = data.extra.get(_SUPERVISOR_WILL_CALL)
    if said is None:
        phrase = PhraseId.ESCALATED_SUPERVISOR
    elif said == PhraseId.ESCALATION_REASSURE.value:
        phrase = PhraseId.ESCALATION_REASSURE_BRIEF
    else:
        phrase = PhraseId.ESCALATION_REASSURE
    turn.say(phrase)
    data.extra[_SUPERVISOR_WILL_CALL] = phrase.value


def phone_for_supervisor_asked(turn: Turn) -> bool:
    """The phone for the supervisor's call is asked for and not given yet: its answer comes first."""
    data = turn.step.data
    return 0 < data.escalation_phone_asks < PHONE_ASKS_DONE and not data.phone


def phone_for_supervisor_missing(turn: Turn) -> bool:
    """No contact phone, not even the joined case's, and the customer was not asked for one yet
    (ask once, not forever)."""
    data = turn.step.data
    return not data.phone and not data.escalation_phone_asks and not joined_case_phone_known(turn)


def ask_phone_for_supervisor(turn: Turn, urgent: bool = False) -> None:
    """Ask once for the phone the supervisor will call; an emergency is told it is one, without
    the escalation's apology for inconvenience."""
    turn.step.data.escalation_phone_asks = 1
    turn.say(PhraseId.URGENT_ASK_PHONE if urgent else PhraseId.ESCALATION_ASK_PHONE)
    turn.audit(TimelineKind.ESCALATION_PHONE_ASKED)


def chases(turn: Turn) -> bool:
    """The customer urges us on and gives nothing ("快点啊", "你们快派人", "怎么还不来人", "好的",
    "hurry up please", ``form.urging_words``): no phone, no place, no refusal, no new problem."""
    understood = turn.understood
    if understood is not None and turn.only_asks(understood.text):
        return True  # "？？？": where is it, not a refusal
    if understood is None or turn.phone or turn.area or understood.category is not None or understood.signals:
        return False
    if understood.intents - _CHASING:
        return False
    return bool(understood.intents) or turn.says_any(understood.text, turn.kit.form.urging_words)


def on_chaser(turn: Turn) -> bool:
    """Urged on while the supervisor's phone or an emergency's address is still asked for: not a
    refusal. The customer is reassured and asked for the first thing still missing (the phone,
    then the address), each at most twice in all; with nothing left to ask, the restatement and
    the promise follow (``keep_owed_promise``). After that, a status question hears where the case
    stands, with its number and time, a yes or an urging ("对") the reassurance, never the same
    words twice running (:func:`answer_while_escalated`), not "您的留言已转给客服代表". True if handled."""
    data = turn.step.data
    phone_asked = phone_for_supervisor_asked(turn)
    place_missing = Signal.DANGER in data.signals and data.area is None
    with_the_supervisor = data.escalation_phone_asks > 0 or data.owed_promise is not None
    if not (phone_asked or (place_missing and data.urgent_place_asks) or with_the_supervisor) or not chases(turn):
        return False
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    ask_phone = phone_asked and data.escalation_phone_asks == 1
    ask_place = not ask_phone and place_missing and data.urgent_place_asks < URGENT_PLACE_ASKS_DONE
    if not (ask_phone or ask_place or data.owed_promise is not None):
        answer_while_escalated(turn)  # the time said: the case's number and time, in turn
        return True
    turn.say(PhraseId.ESCALATION_REASSURE)
    if ask_phone:
        data.escalation_phone_asks = 2
        turn.say(PhraseId.ASK_PHONE)
    elif ask_place:
        data.urgent_place_asks = URGENT_PLACE_ASKS_DONE  # asked by a chaser once, never again
        turn.say(PhraseId.URGENT_ASK_PLACE)
    return True


def ask_what_is_still_missing(turn: Turn) -> None:
    """After the safety advice asked for again ("what should i do"): the first thing the emergency
    still lacks (the phone, then the address) asked once more, as after a chaser; nothing when
    asked its last time already."""
    data = turn.step.data
    if phone_for_supervisor_asked(turn) and data.escalation_phone_asks == 1:
        data.escalation_phone_asks = 2
        turn.say(PhraseId.ASK_PHONE)
    elif Signal.DANGER in data.signals and data.area is None and 0 < data.urgent_place_asks < URGENT_PLACE_ASKS_DONE:
        data.urgent_place_asks = URGENT_PLACE_ASKS_DONE
        turn.say(PhraseId.URGENT_ASK_PLACE)


def who_is_inside_at_the_place_question(turn: Turn, text: str) -> bool:
    """At an emergency's address question, who is shut in ("我妈在里面 出不来") is more of the
    emergency: it goes on the description and the address is asked once more, never taken as the
    place nor given up on. True if handled."""
    data = turn.step.data
    asked = Signal.DANGER in data.signals and data.area is None and 0 < data.urgent_place_asks < URGENT_PLACE_ASKS_DONE
    if not asked or turn.phone or not tells_who_is_inside(turn, text):
        return False
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    append_description(turn, text)
    data.urgent_place_asks = URGENT_PLACE_ASKS_DONE
    turn.say(PhraseId.DESCRIPTION_RECORDED)
    turn.say(PhraseId.URGENT_ASK_PLACE)
    return True


def asked_while_the_phone_is_asked(turn: Turn) -> bool:
    """While the supervisor's phone is asked for, a question is no refusal ("你们几点下班"): the FAQ
    answers it, the case's status when it is about the case ("我的投诉编号是多少" hears the number),
    else it is recorded for the staff; the phone is asked for once more. True if handled."""
    data = turn.step.data
    understood = turn.understood
    if not 0 < data.escalation_phone_asks < PHONE_ASKS_DONE or data.phone or turn.phone or understood is None:
        return False
    if Intent.COMPLAINT in understood.intents or turn.changed:
        return False
    text = understood.text
    if Intent.STATUS_QUERY in understood.intents and _asks_where_the_case_stands(turn, text):
        tell_status_of_the_cases(turn, this_case(turn))
    elif Intent.QUESTION in understood.intents:
        entry = turn.kit.faq.match(text)
        if entry is None:
            turn.audit(TimelineKind.CONSULTATION_ASKED, text=text)
            turn.say(PhraseId.MESSAGE_RECORDED)
        elif entry.about_the_case:
            tell_status_of_the_cases(turn, this_case(turn))
        else:
            answer_faq(turn, entry)
    else:
        return False
    if data.escalation_phone_asks == 1:
        data.escalation_phone_asks = 2
        turn.say(PhraseId.ASK_PHONE)
    return True


def _asks_where_the_case_stands(turn: Turn, text: str) -> bool:
    """A status question about a case this conversation has (its own or the one it joined):
    its number asked for ("我的投诉编号是多少"), or when it is handled ("什么时候处理"), which the
    case's number and promised time answer. Urging words ("怎么还不来人", ``form.urging_words``)
    only urge us on: the chaser's reassurance answers them."""
    form = turn.kit.form
    if turn.says_any(text, form.case_number_words):
        return True
    data = turn.step.data
    has_case = data.case_number is not None or data.appeal_of is not None
    return has_case and not turn.says_any(text, form.urging_words)


def on_escalation_phone(turn: Turn, text: str) -> bool:
    """The answer to the escalation's request for a phone: the phone goes on the case; a
    refusal or anything else, and the supervisor contacts the customer here. Asked once, and
    once more after a number that is not one. True if handled."""
    data = turn.step.data
    phone = turn.phone
    if phone:
        phone_for_the_supervisor(turn, phone, said_phone(phone))
        return True
    if looks_like_phone_attempt(text, turn.kit.form.phone_intros) and data.escalation_phone_asks < 2:
        data.escalation_phone_asks = 2
        turn.say(invalid_phone_phrase(text))
        return True
    named = turn.understood.slots if turn.understood is not None else None
    if named is not None and named.surname and not turn.intents and data.escalation_phone_asks < 2:
        # "我是赵先生": who they are, not a refusal; the phone is asked for once more.
        data.surname, data.honorific, data.name = named.surname, named.honorific, named.name
        data.escalation_phone_asks = 2
        turn.say(PhraseId.ASK_PHONE)
        return True
    case_number = data.appeal_of or data.case_number
    of_themselves = turn.understood.signals & _TOLD_OF_THEMSELVES if turn.understood is not None else frozenset()
    more = (
        Intent.COMPLAINT in turn.intents
        or bool(of_themselves)
        or (Signal.DANGER in data.signals and not turn.intents and not turn.kit.never_a_place(text))
    )
    if more and case_number is not None and data.escalation_phone_asks < 2:
        # "小区垃圾一个月没清运了" after a threat: the problem itself, for the case; the phone once more.
        # In an emergency whatever else is told is more of it ("我老公在里面" after "里面困了人"), no refusal;
        # so is what the customer tells of themselves ("我73岁了 差点摔倒": an elder, served first).
        told = len(data.description)
        append_description(turn, text)
        data.signals = tuple(sorted({*data.signals, *of_themselves}))
        if len(data.description) > told:
            signals = tuple(sorted(signal.value for signal in of_themselves))
            turn.step.contact = CaseContact(case_number, None, more_of_the_problem=text, more_signals=signals)
            turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
        data.escalation_phone_asks = 2
        # "我有心脏病 经不起折腾": cared for, as anywhere in the form; anything else, recorded.
        new_health = Signal.HEALTH in of_themselves - turn.earlier_signals
        turn.say(PhraseId.HEALTH_NOTED if new_health else PhraseId.DESCRIPTION_RECORDED)
        turn.say(PhraseId.ASK_PHONE)
        return True
    data.escalation_phone_asks = PHONE_ASKS_DONE
    data.contact_by_channel = True  # restated as "未留电话，通过本次对话的渠道与您联系"
    if Intent.REFUSE_CONTACT not in turn.intents:
        turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    if Signal.SELF_HARM in data.signals and Signal.DANGER not in data.signals:
        # "算了 没事了 你们别管了" after "不想活了": care and the helpline again, never a form question.
        turn.say(PhraseId.SELF_HARM_CARE)
        return True
    turn.say(PhraseId.ESCALATION_WITHOUT_PHONE)
    ask_place_for_the_supervisor(turn)
    return True


def phone_for_the_supervisor(turn: Turn, phone: str, said: str) -> None:
    """``phone`` is the one the duty supervisor calls: on the case, said back as ``said``, and the
    place asked for next when missing."""
    data = turn.step.data
    data.phone, data.escalation_phone_asks = phone, PHONE_ASKS_DONE
    told_name = _named_with_the_phone(turn)
    case_number = data.appeal_of or data.case_number
    if case_number is not None:
        note_on_case(turn, case_number, phone=phone, named=told_name)
    turn.audit(TimelineKind.CONTACT_RECEIVED)
    turn.say(PhraseId.ESCALATION_PHONE_NOTED, phone=said)
    ask_place_for_the_supervisor(turn)


def _named_with_the_phone(turn: Turn) -> bool:
    """The surname told with the phone ("我姓李 电话152…"), kept when none was told before. True if kept."""
    data = turn.step.data
    slots = turn.understood.slots if turn.understood is not None else None
    if slots is None or not slots.surname or data.surname:
        return False
    data.surname, data.honorific, data.name = slots.surname, slots.honorific, slots.name
    return True


def ask_place_for_the_supervisor(turn: Turn) -> None:
    """Escalated before the place was told ("我要找你们经理 停车场的保安收了钱不给票"): asked once
    the phone is answered, so the supervisor knows where; the answer goes on the case in the
    customer's words. An appeal's case has its place already; an emergency is asked for its
    address (``urgent_ask_place``), unless a chaser asked it already."""
    data = turn.step.data
    if not data.description and data.case_number is None and data.appeal_of is None:
        turn.say(PhraseId.ASK_DETAILS)  # "叫你们领导出来" and a phone: what the problem is comes first
        return
    if data.area is not None or data.appeal_of is not None:
        return
    if Signal.DANGER in data.signals:
        if not data.urgent_place_asks:
            data.urgent_place_asks = 1
            turn.say(PhraseId.URGENT_ASK_PLACE)
        return
    if not data.place_asked_after_hand_off and not needs_no_place(turn):
        data.place_asked_after_hand_off = True
        turn.say(PhraseId.ASK_AREA)


def answered_appeal_number(turn: Turn) -> bool:
    """The answer to ``appeal_ask_case_number``: the caller escalates the appeal (a number naming an
    open case joins that case; "没有", or more of the problem, goes to the duty supervisor as a
    complaint). More of the problem told goes on it. True if this was the answer."""
    data = turn.step.data
    if not data.appeal_number_asked:
        return False
    data.appeal_number_asked = False
    understood = turn.understood
    if understood is not None and Intent.COMPLAINT in understood.intents:
        append_description(turn, understood.text)
    return True


def asks_for_the_appealed_case(turn: Turn, text: str) -> bool:
    """An appeal (申诉, ``form.appeal_words``: "我要申诉！上个月投诉的漏水到现在没人管") by a customer
    with no case of theirs known here, naming none: what they said is kept and the earlier case's
    number asked for, once (seed 003: an appeal is escalated, to the case it repeats). True if asked."""
    data = turn.step.data
    if turn.step.state not in (State.NEW, State.AWAIT_DESCRIPTION) or data.description:
        return False
    if not turn.says_any(text, turn.kit.form.appeal_words):
        return False
    if case_numbers_in(text, turn.kit.config.service.case_prefix):
        return False  # named already (found or not: asked about alike), the complaint's handling checks it
    case = turn.customer.open_case
    if case is not None and not case.by_typed_phone:
        return False  # their open case is there to join: the complaint's own handling links it
    if turn.step.state is State.NEW:
        greet(turn, invite=False)
    append_description(turn, text)
    data.appeal_number_asked = True
    turn.say(PhraseId.APPEAL_ASK_CASE_NUMBER, case_prefix=turn.kit.config.service.case_prefix)
    turn.audit(TimelineKind.DESCRIPTION_RECEIVED, appeal=True)
    turn.step.state = State.AWAIT_DESCRIPTION
    return True
