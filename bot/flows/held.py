"""While an agent holds the conversation the bot stays silent, but for what must not reach only that
agent (standards §5): a leader asked for ("叫你们经理来"), a threat of the media, a regulator, a
lawyer or violence, or danger now is told to the duty supervisor at once, the agent keeping the
case (首问负责: no ticket takes it from them); danger hears how to stay safe first, as anywhere; and
the phone the supervisor will call, asked for then or at an appeal, is read when it is given."""

from __future__ import annotations

import datetime as dt

from bot.config import Intent, PhraseId, Signal
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.appeals import PHONE_ASKS_DONE, phone_for_supervisor_asked, phone_for_supervisor_missing
from bot.flows.care import cared_for_again, mark_care_said
from bot.flows.case import URGENT_SIGNALS, note_on_case
from bot.flows.deadline import describe_moment
from bot.flows.escalated import escalated_deadline
from bot.flows.escalation import safety_first
from bot.flows.records import SupervisorTold
from bot.flows.safety import advice_said_since, kind_said, say_advice
from bot.flows.turn import Turn
from bot.understanding.phones import said_phone
from bot.understanding.result import Understanding

THREATS = frozenset({Signal.MEDIA_LEGAL, Signal.VIOLENCE})
_TOLD = "supervisor_told"
"""``FlowData.extra`` key: what the supervisor was told of while the agent holds the case (the
reason and the threats), so that the same request said again is not told again."""
_REASSURED = "supervisor_reassured"
"""``FlowData.extra`` key: the reassurance last said to a request said again, and when."""


def told_the_supervisor(turn: Turn) -> bool:
    """A leader asked for, a threat (``THREATS``) or danger now (talk of self-harm too) about the case
    the agent holds: the supervisors and the agent are told (``Step.supervisor_told``, the pipeline's
    notice); the customer hears so (``supervisor_told``; danger: how to stay safe first, then
    ``urgent_handoff``; without a phone, asked for the one the supervisor will call) and, for a threat
    or danger, the escalation's time. Said again with nothing new, only reassured. True if handled."""
    data = turn.step.data
    understood = turn.understood
    if understood is None:
        return False
    # A chat an agent took before any problem was told ("转人工") has no case: danger or a threat there
    # is heard all the same, the notice naming no case.
    urgent = understood.signals & URGENT_SIGNALS
    threats = understood.signals & THREATS | urgent
    attitude = Signal.STAFF_ERROR in understood.signals
    if not threats and not attitude and Intent.SUPERVISOR not in understood.intents:
        return False
    if not threats and Intent.SUPERVISOR not in understood.intents:
        _staff_attitude_told(turn, understood.text)
        return True
    reason = _reason(urgent, threats)
    cared_again = _safe_first(turn, understood) if urgent else False
    told = data.extra.get(_TOLD)
    earlier = set(told) if isinstance(told, list) else set()
    news = {reason.value, *(signal.value for signal in threats), *_danger_kind(turn, urgent)} - earlier
    if not news:
        if cared_again:
            turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)  # the care phrase says the supervisor is reaching them
        else:
            _reassured_again(turn)
        return True
    data.extra[_TOLD] = sorted(earlier | news)
    with_the_supervisor_before = data.escalation_phone_asks > 0
    data.signals = tuple(sorted(set(data.signals) | threats))
    if phone_for_supervisor_missing(turn):
        data.escalation_phone_asks = 1
        turn.say(PhraseId.URGENT_ASK_PHONE if urgent else PhraseId.SUPERVISOR_TOLD_ASK_PHONE)
        turn.audit(TimelineKind.ESCALATION_PHONE_ASKED)
    else:
        data.escalation_phone_asks = data.escalation_phone_asks or PHONE_ASKS_DONE
        turn.say(PhraseId.URGENT_HANDOFF if urgent else PhraseId.SUPERVISOR_TOLD)
    signals = tuple(sorted(signal.value for signal in threats))
    turn.step.supervisor_told = SupervisorTold(reason, signals, understood.text)
    turn.audit(TimelineKind.ESCALATED, reason=reason, agent_keeps=True)
    escalated_deadline(turn, with_the_supervisor_before, reason)
    return True


def _safe_first(turn: Turn, understood: Understanding) -> bool:
    """Danger now or talk of self-harm told while an agent holds the case: how to stay safe from the
    danger named, or care and the helpline, is the first thing the customer reads every time, never a
    word of the supervisor before or instead of it (``timers.safety_repeat_after`` spaces the advice
    only where the bot answers every message itself). Talk of self-harm told again hears care in
    other words (``care_again``: the helpline each time). True if so."""
    first = len(turn.step.replies)
    safety_first(turn)
    if Signal.DANGER in understood.signals and not advice_said_since(turn, first):
        say_advice(turn, understood.text)
    if cared_for_again(turn, first):
        return True
    if Signal.SELF_HARM in understood.signals:
        mark_care_said(turn)  # the next care hears other words
    return False


def _danger_kind(turn: Turn, urgent: frozenset[Signal]) -> set[str]:
    """The kind of danger told (its advice, ``classification.safety_advice``), as ``danger:<advice>``: a
    danger of another kind (a fire after the gas, at the same place too) is news for the supervisor,
    the same one told again is not."""
    kind = kind_said(turn) if Signal.DANGER in urgent else None
    return {f"{Signal.DANGER.value}:{kind}"} if kind is not None else set()


def _reassured_again(turn: Turn) -> None:
    """The same request or threat said again with nothing new: the agent and the supervisors see
    each message; the customer is let vent (seed 000 五(二)1), never answered with the same words
    again and again. The full reassurance (``escalation_reassure``) first, then a shorter
    acknowledgement (``escalation_reassure_brief``), then nothing until ``timers.reassure_again_after``
    has passed since the last one said (0: the two in turn, every time)."""
    data = turn.step.data
    turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
    last = data.extra.get(_REASSURED)
    said, said_at = _last_reassurance(last)
    quiet_for = dt.timedelta(seconds=turn.kit.config.timers.reassure_again_after)
    lately = said_at is not None and turn.now - said_at < quiet_for
    if said == PhraseId.ESCALATION_REASSURE.value:
        phrase = PhraseId.ESCALATION_REASSURE_BRIEF
    elif lately:
        return  # acknowledged twice within the interval: heard by the staff, not answered again
    else:
        phrase = PhraseId.ESCALATION_REASSURE
    turn.say(phrase)
    data.extra[_REASSURED] = [phrase.value, turn.now.isoformat()]


def _last_reassurance(kept: object) -> tuple[str | None, dt.datetime | None]:
    """The phrase last said by :func:`_reassured_again` and when."""
    if not isinstance(kept, list) or len(kept) != 2 or not all(isinstance(item, str) for item in kept):
        return None, None
    try:
        return kept[0], dt.datetime.fromisoformat(kept[1])
    except ValueError:
        return None, None


def _staff_attitude_told(turn: Turn, text: str) -> None:
    """Our staff named with how they treated the customer ("你们客服说这是规定没办法，这是什么态度？":
    the ``staff_error`` signal) while an agent holds the case: a complaint of the handler never reaches
    only that handler (standards §5). The supervisors and the agent are told (reason ``staff_attitude``),
    the agent keeping the case; the customer hears the standard apology for our staff's error
    (``staff_error_apology``, seed 001 (9): reported to the supervisor as it was told). Told again, the
    customer only hears the apology."""
    data = turn.step.data
    data.signals = tuple(sorted({*data.signals, Signal.STAFF_ERROR}))
    turn.say(PhraseId.STAFF_ERROR_APOLOGY)
    told = data.extra.get(_TOLD)
    earlier = set(told) if isinstance(told, list) else set()
    reason = TicketReason.STAFF_ATTITUDE
    if reason.value in earlier:
        turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
        return
    data.extra[_TOLD] = sorted(earlier | {reason.value})
    turn.step.supervisor_told = SupervisorTold(reason, (Signal.STAFF_ERROR.value,), text)
    turn.audit(TimelineKind.ESCALATED, reason=reason, agent_keeps=True)


def _reason(urgent: frozenset[Signal], threats: frozenset[Signal]) -> TicketReason:
    if urgent:
        return TicketReason.DANGER
    return TicketReason.THREAT if threats else TicketReason.SUPERVISOR_REQUESTED


def read_phone_for_the_supervisor(turn: Turn) -> bool:
    """The answer to the phone asked for the supervisor's call while the agent holds the case (at an
    appeal, a leader asked for, a threat): a phone goes on the case, and the customer hears it is
    noted and the escalation's time owed them; a refusal, that the supervisor will write here.
    Anything else is the agent's to read, the phone still awaited. True if handled."""
    data = turn.step.data
    case_number = data.appeal_of or data.case_number
    if not phone_for_supervisor_asked(turn):
        return False
    phone = turn.phone
    if phone:
        data.phone, data.escalation_phone_asks = phone, PHONE_ASKS_DONE
        if case_number is not None:  # a chat held with no case keeps it for the staff to see
            note_on_case(turn, case_number, phone=phone)
        turn.audit(TimelineKind.CONTACT_RECEIVED)
        turn.say(PhraseId.ESCALATION_PHONE_NOTED, phone=said_phone(phone))
    elif Intent.REFUSE_CONTACT in turn.intents:
        data.escalation_phone_asks = PHONE_ASKS_DONE
        data.contact_by_channel = True
        turn.say(PhraseId.ESCALATION_WITHOUT_PHONE)
    else:
        return False
    if case_number is not None:
        _say_owed_time(turn, case_number)
    return True


def _say_owed_time(turn: Turn, case_number: str) -> None:
    """The escalation's time, held back while the phone was asked for: said once it is answered,
    with the case's number (the case was restated at its hand-off)."""
    data = turn.step.data
    owed = data.owed_promise
    if owed is None:
        return
    data.owed_promise = None
    words = turn.kit.phrases.time_words(turn.locale)
    said = describe_moment(owed.deadline_at, turn.now, turn.kit.calendar.timezone, words)
    within_an_hour = owed.says_hours and owed.hours == 1
    phrase = PhraseId.ESCALATED_WITHIN_AN_HOUR if within_an_hour else PhraseId.ESCALATED_DEADLINE
    turn.say(phrase, case_number=case_number, deadline=said)
    turn.audit(
        TimelineKind.PROMISED,
        case_number=case_number,
        deadline_at=owed.deadline_at.isoformat(),
        hours=owed.hours,
        said=said,
        escalated=True,
    )
