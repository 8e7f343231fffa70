"""The complaint conversation as an explicit state table (diagram: ``complaint.mmd``).

``ComplaintFlow.step`` takes the conversation's state and one event and returns the next state
with the replies and effects; it does no I/O and never knows which channel it serves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.config import Grade, Intent, PhraseId, ServiceConfig, Signal
from bot.core.messages import MessageKind, Option, OutboundMessage
from bot.core.phrases import Phrases
from bot.core.timeline import TimelineKind
from bot.flows.classify import Classified, looks_like_phone_attempt, normalise
from bot.flows.data import DESCRIPTION_MAX_CHARS, FlowData, TimerKind
from bot.flows.deadline import BusinessCalendar, compute_deadline, describe_moment, format_hours
from bot.flows.faq import FaqMatcher
from bot.flows.records import (
    COLLECTING,
    AppealLink,
    CaseContact,
    CaseStage,
    CaseStatus,
    ComplaintRecord,
    CustomerView,
    HandoffRequest,
    OpenCase,
    SatisfactionRecord,
    State,
    TimerChange,
)
from bot.flows.status import status_text
from bot.flows.summary import ProblemSummary
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.phones import national_digits
from bot.understanding.result import Understanding
from bot.understanding.understander import Understander

ESCALATING_SIGNALS = frozenset({Signal.MEDIA_LEGAL, Signal.VIOLENCE})
RESTATED = frozenset(
    {State.CONFIRMING, State.CHOOSE_CORRECTION, State.CORRECT_DESCRIPTION, State.CORRECT_PHONE, State.CORRECT_AREA}
)
"""The customer has seen the restatement: what they give now corrects it."""
_CORRECTION_CUES = frozenset({Intent.CORRECTION, Intent.NO})
_CORRECT_STATES = {
    "description": State.CORRECT_DESCRIPTION,
    "phone": State.CORRECT_PHONE,
    "area": State.CORRECT_AREA,
}
CALLBACK_STATES = frozenset({State.RESOLVED, State.AWAIT_RATING, State.AWAIT_COMMENT})
"""After a person resolved the case: waiting for, or in, the satisfaction callback (回访)."""
_SIDE_ANSWERS = {
    Intent.PRAISE: (PhraseId.PRAISE_THANKS, TimelineKind.SIDE_PRAISE),
    Intent.THANKS: (PhraseId.CUSTOMER_THANKED, TimelineKind.SIDE_THANKS),
    Intent.APOLOGY: (PhraseId.CUSTOMER_APOLOGISED, TimelineKind.SIDE_APOLOGY),
    Intent.SUGGESTION: (PhraseId.SUGGESTION_THANKS, TimelineKind.SIDE_SUGGESTION),
    Intent.OUT_OF_SCOPE: (PhraseId.OUT_OF_SCOPE, TimelineKind.SIDE_OUT_OF_SCOPE),
}
"""Side intents the bot answers (in this order of precedence) and the timeline row each leaves:
praise before thanks (seed 001 (15): thanks get "不客气", further praise the praise answer)."""
_CORRECTION_LABELS = {
    "description": PhraseId.OPTION_DESCRIPTION,
    "phone": PhraseId.OPTION_PHONE,
    "area": PhraseId.OPTION_AREA,
}
_RECORDED_TEXT = frozenset({Intent.PRAISE, Intent.SUGGESTION})
"""Side intents whose words go on the timeline: praise for the staff it names, suggestions for
the departments concerned (seed 001 (10), (15))."""
_PHONE_ASKS_DONE = 3
"""``FlowData.escalation_phone_asks`` once answered (a phone, a refusal, anything else): 1 and 2
wait for the answer."""
_RATINGS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_SCORES = range(1, 6)
_CLAUSE_END = re.compile(r"[,，。.!！;；\n]+")


@dataclass(frozen=True, slots=True)
class Started:
    """The customer opened the conversation (web chat session, subscribe, /start)."""


@dataclass(frozen=True, slots=True)
class CustomerSaid:
    text: str
    kind: MessageKind = MessageKind.TEXT
    sender_phone: str | None = None
    understood: Understanding | None = None
    """What the text says, when the caller understood it already (the rules merged with the
    model's reading); the flow runs its own rules when this is None."""


@dataclass(frozen=True, slots=True)
class TimerFired:
    kind: TimerKind
    token: int


@dataclass(frozen=True, slots=True)
class Resolved:
    """A person resolved the case and gave the conversation back to the bot for the callback."""


Event = Started | CustomerSaid | TimerFired | Resolved


@dataclass(frozen=True, slots=True)
class AuditEvent:
    kind: TimelineKind
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Step:
    """What one event did: the next state, what to say and what to record."""

    state: State
    data: FlowData
    replies: list[OutboundMessage] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)
    complaint: ComplaintRecord | None = None
    handoff: HandoffRequest | None = None
    timers: list[TimerChange] = field(default_factory=list)
    close_reason: str | None = None
    satisfaction: SatisfactionRecord | None = None
    reopen: bool = False
    """The customer said the resolved case is not resolved: give it back to its previous owner."""
    locale: str | None = None
    """The conversation's new locale when the customer wrote in another language; None: unchanged."""
    # issue 12 item 3
    appeal: AppealLink | None = None
    """This conversation's complaint repeats an open case: link it there (no new case)."""
    contact: CaseContact | None = None
    """A contact phone given after the case was recorded (for the supervisor's call): store it on the case."""


SUPERVISOR_QUEUE = "supervisor"
GENERAL_QUEUE = "general"
CONSULTATION_QUEUE = "consultation"


class ComplaintFlow:
    """The state table. Construct once per configuration; ``step`` is pure."""

    def __init__(
        self,
        config: ServiceConfig,
        phrases: Phrases,
        calendar: BusinessCalendar,
        new_case_number: Callable[[dt.datetime], str],
        understander: Understander,
    ) -> None:
        self._config = config
        self._understander = understander
        self._rules = config.classification
        self._phrases = phrases
        self._calendar = calendar
        self._new_case_number = new_case_number
        self._faq = FaqMatcher(config.faq, understander.matchable)
        self._form = config.classification.form
        self._summary = ProblemSummary(
            understander, ForbiddenGuard(config.forbidden, understander.simplified), self._form
        )
        self._area_marker = _markers(self._form.address_levels)
        self._rating_words = _words_pattern(config.followups.rating_words)
        self._handlers: dict[State, Callable[[_Turn, str], None]] = {
            State.NEW: self._on_new,
            State.AWAIT_DESCRIPTION: self._on_description,
            State.AWAIT_PHONE: self._on_phone,
            State.AWAIT_AREA: self._on_area,
            State.CONFIRMING: self._on_confirming,
            State.CHOOSE_CORRECTION: self._on_choose_correction,
            State.CORRECT_DESCRIPTION: self._on_correct_description,
            State.CORRECT_PHONE: self._on_correct_phone,
            State.CORRECT_AREA: self._on_correct_area,
            State.HANDED_OFF: self._on_handed_off,
        }

    # ------------------------------------------------------------------ entry point

    def step(
        self,
        state: State,
        data: FlowData,
        event: Event,
        customer: CustomerView,
        locale: str,
        now: dt.datetime,
    ) -> Step:
        turn = _Turn(self, Step(state=state, data=data.copy()), customer, locale, now)
        if state is State.CLOSED:
            return turn.step
        if isinstance(event, Started):
            if state is State.NEW:
                self._greet(turn)
                turn.step.state = State.AWAIT_DESCRIPTION
                turn.arm_idle()
            return turn.step
        if isinstance(event, TimerFired):
            self._on_timer(turn, event)
            return turn.step
        if isinstance(event, Resolved):
            self._on_resolved(turn)
            return turn.step
        self._on_customer(turn, event)
        return turn.step

    def step_while_agent_owns(
        self,
        state: State,
        data: FlowData,
        event: Event,
        customer: CustomerView,
        locale: str,
        now: dt.datetime,
    ) -> Step:
        """An agent owns the conversation: the bot stays silent, except that a status question
        about the handed-off case is answered (seed 000 四(五)2), so a customer waiting on a busy
        agent still learns where the case stands."""
        turn = _Turn(self, Step(state=state, data=data.copy()), customer, locale, now)
        if state is State.HANDED_OFF and isinstance(event, CustomerSaid) and event.kind is MessageKind.TEXT:
            turn.understood = event.understood or self._understander.understand(event.text.strip(), locale)
            if Intent.STATUS_QUERY in turn.intents:
                self._tell_status(turn, self._this_case(turn))
        return turn.step

    # ------------------------------------------------------------------ customer messages

    def _on_customer(self, turn: _Turn, event: CustomerSaid) -> None:
        data = turn.step.data
        known_phone = event.sender_phone or turn.customer.phone
        if known_phone and not data.phone:
            data.phone, data.phone_from_channel = known_phone, True
        text = event.text.strip()
        if event.kind is MessageKind.TEXT:
            turn.understood = event.understood or self._understander.understand(text, turn.locale)
            self._follow_language(turn, text)
        understood = turn.understood
        intents = understood.intents if understood is not None else frozenset()
        signals = understood.signals if understood is not None else frozenset()
        turn.earlier_signals = frozenset(data.signals)
        if signals:
            data.signals = tuple(sorted(set(data.signals) | signals))
            turn.audit(TimelineKind.SIGNALS_DETECTED, signals=sorted(s.value for s in signals))

        if Intent.HARASSMENT in intents and not signals:
            self._on_harassment(turn)
            return
        if data.harassment_warned_at is not None:
            data.harassment_warned_at = None
            turn.cancel(TimerKind.HARASSMENT_CLOSE)

        state = turn.step.state
        if state in CALLBACK_STATES:
            self._on_callback(turn, text)
            return
        if state in COLLECTING:
            if signals & ESCALATING_SIGNALS:
                self._append_description(turn, text)
                self._escalate(turn, reason="threat")
                return
            if understood is not None:
                self._keep_slots(turn, understood)
            if intents & {Intent.HUMAN, Intent.SUPERVISOR}:
                if Intent.COMPLAINT in intents:
                    self._append_description(turn, text)
                self._hand_off_on_request(turn, to_supervisor=Intent.SUPERVISOR in intents)
                return
            if Signal.COMPENSATION in signals:
                # Beyond the bot's authority (seed 000 五(二)3): the duty supervisor, with the
                # complaint so far, and no promise about the demand itself.
                self._append_description(turn, text)
                self._escalate(turn, reason="beyond_authority")
                return
            if event.kind is not MessageKind.TEXT:
                turn.say(PhraseId.MESSAGE_RECORDED)
                self._ask_current(turn)
                turn.arm_idle()
                return
            if self._status_of_open_case(turn, intents, state):
                turn.arm_idle()
                return
            if self._side_intent(turn, intents, state):
                if turn.step.state in COLLECTING:
                    turn.arm_idle()
                return
            first_reply = len(turn.step.replies)
            self._handlers[state](turn, text)
            self._emotion_first(turn, signals, first_reply)
            if turn.step.state in COLLECTING:
                turn.arm_idle()
            return
        if state is State.HANDED_OFF:
            if signals & ESCALATING_SIGNALS:
                self._escalate(turn, reason="threat")
                return
            if 0 < data.escalation_phone_asks < _PHONE_ASKS_DONE and self._on_escalation_phone(turn, text):
                return
            if Intent.STATUS_QUERY in intents:
                self._tell_status(turn, self._this_case(turn))
                return
            if not self._side_intent(turn, intents, state):
                self._on_handed_off(turn, text)

    def _follow_language(self, turn: _Turn, text: str) -> None:
        """Answer in the language the message is written in, from here on (a message too short
        to tell keeps the conversation's). Told here against the conversation's locale: a
        reading made before the conversation was loaded (the model's) did not know it."""
        book = self._phrases.book_for(self._understander.answer_locale(text, turn.locale))
        if book is None or book == turn.locale:
            return
        turn.audit(TimelineKind.LOCALE_SWITCHED, **{"from": turn.locale, "to": book})
        turn.locale = turn.step.locale = book

    def _side_intent(self, turn: _Turn, intents: frozenset[Intent], state: State) -> bool:
        """Answer questions, praise, thanks, apologies, suggestions and out-of-scope requests;
        True if handled. A message that also describes a problem ("不好意思,我家停电了") is a
        complaint first."""
        if Intent.COMPLAINT in intents:
            return False
        if state in (State.CONFIRMING, State.CHOOSE_CORRECTION) and intents & {Intent.YES, Intent.NO}:
            return False
        if Intent.QUESTION in intents and self._on_question(turn, state):
            return True
        for intent, (phrase, kind) in _SIDE_ANSWERS.items():
            if intent in intents:
                turn.say(phrase)
                if intent in _RECORDED_TEXT and turn.understood is not None:
                    turn.audit(kind, text=turn.understood.text)
                else:
                    turn.audit(kind)
                if state is State.HANDED_OFF:
                    return True
                if intent in _RECORDED_TEXT and state in (State.NEW, State.AWAIT_DESCRIPTION):
                    turn.say(PhraseId.ANYTHING_ELSE)
                    turn.step.state = State.AWAIT_DESCRIPTION
                    return True
                if state is State.NEW:
                    self._greet(turn)
                    turn.step.state = State.AWAIT_DESCRIPTION
                    return True
                self._ask_current(turn)
                return True
        if Intent.GREETING in intents and state is not State.NEW:
            self._ask_current(turn)
            return True
        return False

    def _on_question(self, turn: _Turn, state: State) -> bool:
        """A question, not a complaint: the FAQ's answer, or seed 001 (16) and the consultation
        queue. Mid-complaint, an unanswered question is recorded on the case and the complaint
        goes on; after hand-off it reaches the agent as any message does. True if handled."""
        question = turn.understood.text if turn.understood is not None else ""
        entry = self._faq.match(question)
        if entry is not None:
            turn.step.replies.append(OutboundMessage(text=entry.answer.get(turn.locale), phrase_id=f"faq:{entry.id}"))
            turn.audit(TimelineKind.FAQ_ANSWERED, entry=entry.id)
            if state is State.HANDED_OFF:
                return True
            if state in (State.NEW, State.AWAIT_DESCRIPTION):
                turn.say(PhraseId.ANYTHING_ELSE)
                turn.step.state = State.AWAIT_DESCRIPTION
            else:
                self._ask_current(turn)
            return True
        if state is State.HANDED_OFF:
            return False
        turn.audit(TimelineKind.CONSULTATION_ASKED, text=question)
        data = turn.step.data
        if state not in (State.NEW, State.AWAIT_DESCRIPTION) or data.description:
            turn.say(PhraseId.MESSAGE_RECORDED)
            self._ask_current(turn)
            return True
        if data.phone:
            self._open_consultation(turn)
            return True
        data.consultation = question
        turn.say(PhraseId.QUESTION_LATER)
        turn.step.state = State.AWAIT_DESCRIPTION
        return True

    def _open_consultation(self, turn: _Turn) -> None:
        """Seed 001 (16): the contact is known; a person looks the answer up and calls back."""
        turn.step.data.consultation = None
        turn.say(PhraseId.CONSULTATION_TAKEN)
        self._open_ticket(turn, None, CONSULTATION_QUEUE, 2, "consultation")

    def _emotion_first(self, turn: _Turn, signals: frozenset[Signal], first_reply: int) -> None:
        """Emotion first, facts second (seed 000 五(二)): the apology for our error, else empathy;
        then a prepared customer's knowledge and evidence are acknowledged (seed 000 五(二)5).
        Said before this message's other replies (``first_reply`` on), after a greeting."""
        phrases = []
        if Signal.STAFF_ERROR in signals:
            phrases.append(PhraseId.STAFF_ERROR_APOLOGY)
        elif Signal.EMOTIONAL in signals:
            phrases.append(PhraseId.EMPATHY)
        if Signal.PREPARED in signals and Signal.PREPARED not in turn.earlier_signals:
            phrases.append(PhraseId.PREPARED_ACKNOWLEDGE)  # once: repeated, it would sound rote
        replies = turn.step.replies
        position = first_reply
        while position < len(replies) and replies[position].phrase_id == PhraseId.GREETING_OPENING:
            position += 1
        replies[position:position] = [
            OutboundMessage(text=turn.text(phrase), phrase_id=phrase.value) for phrase in phrases
        ]

    # ------------------------------------------------------------------ the states

    def _on_new(self, turn: _Turn, text: str) -> None:
        self._greet(turn)
        turn.step.state = State.AWAIT_DESCRIPTION
        if Intent.GREETING in turn.intents and Intent.COMPLAINT not in turn.intents:
            return
        if turn.step.replies and turn.step.replies[-1].phrase_id == PhraseId.INVITE_COMPLAINT:
            turn.step.replies.pop()  # the invitation: the customer already told us
        self._on_description(turn, text)

    def _on_description(self, turn: _Turn, text: str) -> None:
        data = turn.step.data
        if data.consultation is not None:
            if turn.phone and Intent.COMPLAINT not in turn.intents:
                data.phone = turn.phone
                self._open_consultation(turn)
                return
            data.consultation = None  # the customer moved on; the question is on the timeline
        self._append_description(turn, text)
        turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
        if self._appealed(turn):
            return
        if not (data.phone or data.contact_by_channel) or not data.area:
            turn.say(PhraseId.DESCRIPTION_RECORDED)
        self._ask_next_missing(turn)

    def _on_phone(self, turn: _Turn, text: str) -> None:
        if turn.phone or turn.refused:
            self._ask_next_missing(turn)  # the phone kept, or asked once more, or not again
        elif looks_like_phone_attempt(text):
            turn.say(PhraseId.INVALID_PHONE)
        elif turn.changed and Intent.COMPLAINT not in turn.intents:
            self._ask_next_missing(turn)  # another item given or corrected: the phone is still missing
        else:
            self._append_description(turn, text)
            turn.say(PhraseId.DESCRIPTION_RECORDED)
            self._ask_next_missing(turn)

    def _on_area(self, turn: _Turn, text: str) -> None:
        data = turn.step.data
        if not data.area and not turn.changed:
            data.area = text  # no address the understanding layer knows: the customer's words
            turn.audit(TimelineKind.AREA_RECEIVED)
        self._ask_next_missing(turn)

    def _on_confirming(self, turn: _Turn, text: str) -> None:
        intents = turn.intents
        if turn.changed:
            self._restate(turn)
        elif Intent.YES in intents and Intent.NO not in intents:
            turn.audit(TimelineKind.CONFIRMED)
            self._promise_and_hand_off(turn)
        elif intents & _CORRECTION_CUES:
            turn.audit(TimelineKind.RESTATEMENT_REJECTED)
            self._correct(turn, text)
        elif self._describes_problem(turn):
            self._append_description(turn, text)
            turn.audit(TimelineKind.DESCRIPTION_RECEIVED)
            self._restate(turn)
        else:
            turn.say(PhraseId.CONFIRM_QUESTION, options=self._yes_no_options(turn))

    def _on_choose_correction(self, turn: _Turn, text: str) -> None:
        if turn.changed:
            self._restate(turn)
        elif self._correction_field(text) is None and Intent.YES in turn.intents:
            turn.audit(TimelineKind.CONFIRMED)
            self._promise_and_hand_off(turn)
        else:
            self._correct(turn, text)

    def _correct(self, turn: _Turn, text: str) -> None:
        """A correction without the new value of a phone, area or name: the new description when
        it describes the problem ("不对，是电梯坏了"), else the item it names is asked for, else
        which item is wrong."""
        field_name = self._correction_field(text)
        if field_name in (None, "description") and self._describes_problem(turn):
            turn.step.data.description = [text]
            turn.audit(TimelineKind.CORRECTED, field="description")
            self._restate(turn)
        elif field_name is not None:
            turn.step.state = _CORRECT_STATES[field_name]
            self._ask_current(turn)
        else:
            turn.step.state = State.CHOOSE_CORRECTION
            self._ask_correction(turn)

    def _describes_problem(self, turn: _Turn) -> bool:
        understood = turn.understood
        return understood is not None and Intent.COMPLAINT in understood.intents and understood.category is not None

    def _correction_field(self, text: str) -> str | None:
        """Which item the customer wants to correct: an exact answer ("2", "电话") first, then
        the earliest keyword in the text; digits only count as a whole answer."""
        folded = normalise(text)
        fields = self._rules.correction_fields
        for field_name, keywords in fields.items():
            if folded in (keyword.lower() for keyword in keywords):
                return field_name
        found: list[tuple[int, str]] = []
        for field_name, keywords in fields.items():
            for keyword in keywords:
                position = folded.find(keyword.lower())
                if position >= 0 and not keyword.isdigit():
                    found.append((position, field_name))
        return min(found)[1] if found else None

    def _on_correct_description(self, turn: _Turn, text: str) -> None:
        if turn.changed and Intent.COMPLAINT not in turn.intents:
            self._restate(turn)
            return
        turn.step.data.description = [text]
        turn.audit(TimelineKind.CORRECTED, field="description")
        self._restate(turn)

    def _on_correct_phone(self, turn: _Turn, text: str) -> None:
        if turn.phone or turn.changed:
            self._restate(turn)
        else:
            turn.say(PhraseId.INVALID_PHONE)

    def _on_correct_area(self, turn: _Turn, text: str) -> None:
        if not turn.changed and not turn.area:
            turn.step.data.area = text
            turn.audit(TimelineKind.CORRECTED, field="area")
        self._restate(turn)

    def _on_handed_off(self, turn: _Turn, text: str) -> None:
        """The message reaches the agent with the conversation; the customer hears so, at most
        once per ``timers.handoff_ack_after`` (no wall, no flood)."""
        turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
        data = turn.step.data
        interval = dt.timedelta(seconds=self._config.timers.handoff_ack_after)
        if data.acked_at is not None and turn.now - data.acked_at < interval:
            return
        data.acked_at, data.recorded_ack = turn.now, False
        turn.say(PhraseId.HANDOFF_ACK)

    # ------------------------------------------------------------------ the status answer (issue 12 item 1)

    def _this_case(self, turn: _Turn) -> CaseStatus:
        """This conversation's hand-off as storage loaded it; without that, what the flow knows."""
        loaded = turn.customer.this_case
        if loaded is not None:
            return loaded
        return CaseStatus(CaseStage.WAITING, case_number=turn.step.data.case_number)

    def _status_of_open_case(self, turn: _Turn, intents: frozenset[Intent], state: State) -> bool:
        """A status question opening a conversation of a customer whose earlier case is still open
        gets that case's status, not a new complaint form (seed 000 四(五)2). True if handled.

        A message describing a problem as well is left to the complaint handling."""
        if Intent.STATUS_QUERY not in intents or Intent.COMPLAINT in intents:
            return False
        if state not in (State.NEW, State.AWAIT_DESCRIPTION) or turn.step.data.description:
            return False
        if state is State.NEW:
            self._greet(turn, tell_open_case=False)
        open_case = turn.customer.open_case
        if open_case is None or open_case.by_typed_phone:
            # Nothing of theirs on record here (a case may have come by phone or in person):
            # say so, and how to find it, rather than open a complaint form on a question.
            turn.say(PhraseId.STATUS_NO_CASE)
            turn.audit(TimelineKind.STATUS_TOLD, case_number=None, stage="no_case")
            # Looked up by a person, as an unanswered question is (seed 001 (16)), once they
            # leave a phone.
            turn.step.data.consultation = turn.understood.text if turn.understood is not None else ""
            turn.step.state = State.AWAIT_DESCRIPTION
            return True
        status = open_case.status or CaseStatus(
            CaseStage.WAITING, case_number=open_case.case_number, deadline_at=open_case.deadline_at
        )
        self._tell_status(turn, status)
        turn.say(PhraseId.ANYTHING_ELSE)
        turn.step.state = State.AWAIT_DESCRIPTION
        return True

    def _tell_status(self, turn: _Turn, status: CaseStatus) -> None:
        text = status_text(status, turn.locale, turn.now, self._phrases, self._calendar)
        turn.step.replies.append(OutboundMessage(text=text, phrase_id=PhraseId.STATUS_ANSWER.value))
        turn.audit(
            TimelineKind.STATUS_TOLD,
            case_number=status.case_number,
            stage=status.stage.value,
            position=status.queue_position,
            extended=status.extended,
        )

    # ------------------------------------------------------------------ timers

    def _on_timer(self, turn: _Turn, event: TimerFired) -> None:
        armed = turn.step.data.timers
        if armed.get(event.kind) != event.token:
            return
        del armed[event.kind]
        state = turn.step.state
        if event.kind is TimerKind.IDLE_PROMPT and state in COLLECTING:
            turn.say(PhraseId.IDLE_PROMPT)
            turn.audit(TimelineKind.IDLE_PROMPTED)
            turn.arm(TimerKind.IDLE_CLOSE, self._config.timers.idle_close_after)
        elif event.kind is TimerKind.IDLE_CLOSE and state in COLLECTING:
            turn.say(PhraseId.IDLE_CLOSE)
            self._close(turn, "idle")
        elif event.kind is TimerKind.HARASSMENT_CLOSE and turn.step.data.harassing:
            turn.say(PhraseId.HARASSMENT_CLOSE)
            self._close(turn, "harassment")
        elif event.kind is TimerKind.SATISFACTION_CALLBACK and state is State.RESOLVED:
            self._ask_rating(turn)
        elif event.kind is TimerKind.SATISFACTION_TIMEOUT and state in (State.AWAIT_RATING, State.AWAIT_COMMENT):
            rating, turn.step.data.rating = turn.step.data.rating, None
            if rating is not None:
                turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=None, resolved=True)
            turn.say(PhraseId.SATISFACTION_UNANSWERED)
            self._close(turn, "callback_unanswered" if rating is None else "satisfaction_recorded")

    # ------------------------------------------------------------------ resolution and the callback (回访)

    def _on_resolved(self, turn: _Turn) -> None:
        """Arm the callback: after the configured delay, and within one working day (seed 002)."""
        for kind in list(turn.step.data.timers):
            turn.cancel(kind)
        turn.step.data.recorded_ack, turn.step.data.acked_at = False, None
        turn.step.state = State.RESOLVED
        followups = self._config.followups
        due = min(
            turn.now + dt.timedelta(seconds=followups.callback_delay),
            self._calendar.add_working_days(turn.now, 1),
        )
        turn.arm(TimerKind.SATISFACTION_CALLBACK, max(1, int((due - turn.now).total_seconds())))
        turn.audit(TimelineKind.CALLBACK_SCHEDULED, due_at=due.isoformat())

    def _ask_rating(self, turn: _Turn) -> None:
        turn.cancel(TimerKind.SATISFACTION_CALLBACK)
        turn.step.state = State.AWAIT_RATING
        options = tuple(Option(label=str(score), value=str(score)) for score in _SCORES)
        turn.say(
            PhraseId.SATISFACTION_ASK_RATING,
            options=options,
            case_number=turn.step.data.case_number or "-",
        )
        turn.arm(TimerKind.SATISFACTION_TIMEOUT, self._config.followups.answer_window)
        turn.audit(TimelineKind.CALLBACK_ASKED)

    def _on_callback(self, turn: _Turn, text: str) -> None:
        """The satisfaction callback (回访, seed 000 四(五)): a message saying the problem is not
        fixed reopens the case at any step, before the question, instead of a score, or after
        it; otherwise a 1–5 score, then a comment."""
        data = turn.step.data
        if Intent.NOT_RESOLVED in turn.intents:
            self._reopen(turn, text)
            return
        state = turn.step.state
        if Intent.STATUS_QUERY in turn.intents and state in (State.RESOLVED, State.AWAIT_RATING):
            # "处理得怎么样了?" after the resolution: it is resolved; then the callback's question.
            self._tell_status(turn, CaseStatus(CaseStage.RESOLVED, case_number=data.case_number))
            self._ask_rating(turn)
            return
        if state is State.RESOLVED:  # the customer wrote before the callback was due: it starts now
            self._ask_rating(turn)
            return
        if state is State.AWAIT_RATING:
            score, comment = self._rating_and_comment(text)
            if score is None:
                self._ask_rating(turn)
                return
            if comment:  # "5分,师傅很及时": the score and the comment at once
                turn.audit(TimelineKind.RATED, rating=score)
                turn.step.satisfaction = SatisfactionRecord(rating=score, comment=comment, resolved=True)
                turn.say(PhraseId.SATISFACTION_THANKS)
                self._close(turn, "satisfaction_recorded")
                return
            data.rating = score
            turn.step.state = State.AWAIT_COMMENT
            turn.say(PhraseId.SATISFACTION_ASK_COMMENT)
            turn.arm(TimerKind.SATISFACTION_TIMEOUT, self._config.followups.answer_window)
            turn.audit(TimelineKind.RATED, rating=score)
            return
        rating, data.rating = data.rating, None
        turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=text, resolved=True)
        turn.say(PhraseId.SATISFACTION_THANKS)
        self._close(turn, "satisfaction_recorded")

    def _reopen(self, turn: _Turn, text: str) -> None:
        """Not resolved: recorded as the customer's evaluation (with a score already given), and
        the case goes back to its previous owner (``Step.reopen``), promised again."""
        data = turn.step.data
        rating, data.rating = data.rating, None
        turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=text, resolved=False)
        for kind in list(data.timers):
            turn.cancel(kind)
        turn.say(PhraseId.SATISFACTION_REOPENED)
        turn.step.state = State.HANDED_OFF
        turn.step.reopen = True
        turn.audit(TimelineKind.REOPENED_BY_CUSTOMER)
        # A reopened case is promised again, with a concrete time (seed 003: at least the
        # reply time), and tracked like the first promise.
        turn.step.complaint = self._record(turn, confirmed=True)
        self._promise(turn, turn.step.complaint)

    def _rating_and_comment(self, text: str) -> tuple[int | None, str]:
        """The score of a rating answer, and the comment after it when its first clause is the
        score ("5分,师傅很及时"); (None, "") when it is not a rating."""
        rating = self._rating(text)
        if rating is not None:
            return rating, ""
        parts = _CLAUSE_END.split(text.strip(), maxsplit=1)
        if len(parts) < 2 or not parts[1].strip():
            return None, ""
        rating = self._rating(parts[0])
        return (rating, parts[1].strip()) if rating is not None else (None, "")

    def _rating(self, text: str) -> int | None:
        """The one 1–5 score of an answer made of it and ``rating_words`` only ("5", "5分",
        "打五分吧", "4 stars"); None for anything else ("等了两天")."""
        rest = self._rating_words.sub(" ", normalise(text)) if self._rating_words else normalise(text)
        return _RATINGS.get("".join(char for char in rest if char.isalnum()))

    def _on_harassment(self, turn: _Turn) -> None:
        data = turn.step.data
        data.harassing = True
        warned_at = data.harassment_warned_at
        limit = dt.timedelta(seconds=self._config.timers.harassment_close_after)
        if warned_at is not None and turn.now - warned_at >= limit:
            turn.say(PhraseId.HARASSMENT_CLOSE)
            self._close(turn, "harassment")
            return
        turn.say(PhraseId.HARASSMENT_WARNING)
        turn.audit(TimelineKind.HARASSMENT_WARNED)
        if warned_at is None:
            data.harassment_warned_at = turn.now
            turn.arm(TimerKind.HARASSMENT_CLOSE, self._config.timers.harassment_close_after)

    def _close(self, turn: _Turn, reason: str) -> None:
        for kind in list(turn.step.data.timers):
            turn.cancel(kind)
        turn.step.state = State.CLOSED
        turn.step.close_reason = reason
        turn.audit(TimelineKind.CLOSED, reason=reason)

    # ------------------------------------------------------------------ building blocks

    def _greet(self, turn: _Turn, tell_open_case: bool = True) -> None:
        service = self._config.service
        time_greeting = turn.text(self._calendar.time_greeting(turn.now))
        salutation = self._calendar.festival_greeting(turn.now, turn.locale) or time_greeting
        customer = turn.customer
        if customer.surname and customer.title in ("male", "female"):
            title = turn.text(PhraseId.TITLE_MALE if customer.title == "male" else PhraseId.TITLE_FEMALE)
            salutation = turn.text(
                PhraseId.GREETING_KNOWN_CUSTOMER,
                surname=customer.surname,
                title=title,
                time_greeting=salutation,
            )
        turn.say(
            PhraseId.GREETING_OPENING,
            salutation=salutation,
            organisation=service.organisation.get(turn.locale),
            work_number=service.work_number,
        )
        open_case = customer.open_case if customer.open_case and not customer.open_case.by_typed_phone else None
        if open_case is not None and not tell_open_case:
            turn.audit(TimelineKind.GREETED, open_case=open_case.case_number)
            return
        if open_case is not None:
            deadline = describe_moment(
                open_case.deadline_at, turn.now, self._calendar.timezone, self._phrases.time_words(turn.locale)
            )
            turn.say(PhraseId.OPEN_CASE, case_number=open_case.case_number, deadline=deadline)
            turn.audit(TimelineKind.GREETED, open_case=open_case.case_number)
            return
        turn.say(PhraseId.INVITE_COMPLAINT)
        turn.audit(TimelineKind.GREETED)

    def _append_description(self, turn: _Turn, text: str) -> None:
        description = turn.step.data.description
        if text and (not description or sum(map(len, description)) + len(text) <= DESCRIPTION_MAX_CHARS):
            description.append(text)

    def _ask_next_missing(self, turn: _Turn) -> None:
        """Ask for the first item still missing; restate when nothing is. A phone refused as many
        times as configured is not asked again: the channel identity is the contact."""
        data = turn.step.data
        if not data.phone and not data.contact_by_channel and data.phone_refusals >= self._form.phone_refusals:
            data.contact_by_channel = True
            turn.say(PhraseId.PHONE_NOT_NEEDED)
            turn.audit(TimelineKind.CONTACT_BY_CHANNEL)
        if not data.phone and not data.contact_by_channel:
            turn.step.state = State.AWAIT_PHONE
            turn.say(PhraseId.PHONE_REASSURE if data.phone_refusals else PhraseId.ASK_PHONE)
        elif not data.area:
            turn.step.state = State.AWAIT_AREA
            turn.say(PhraseId.ASK_AREA)
        else:
            self._restate(turn)

    def _ask_current(self, turn: _Turn) -> None:
        state = turn.step.state
        if state is State.CONFIRMING:
            turn.say(PhraseId.CONFIRM_QUESTION, options=self._yes_no_options(turn))
            return
        if state is State.CHOOSE_CORRECTION:
            self._ask_correction(turn)
            return
        question = {
            State.NEW: PhraseId.INVITE_COMPLAINT,
            State.AWAIT_DESCRIPTION: PhraseId.INVITE_COMPLAINT,
            State.AWAIT_PHONE: PhraseId.ASK_PHONE,
            State.AWAIT_AREA: PhraseId.ASK_AREA,
            State.CORRECT_DESCRIPTION: PhraseId.ASK_CORRECT_DESCRIPTION,
            State.CORRECT_PHONE: PhraseId.ASK_CORRECT_PHONE,
            State.CORRECT_AREA: PhraseId.ASK_CORRECT_AREA,
        }.get(state)
        if question is not None:
            turn.say(question)

    def _keep_slots(self, turn: _Turn, understood: Understanding) -> None:
        """Every item the understanding layer finds in any message is kept: a missing one is
        filled; one already known changes when the customer corrects it ("不对，电话是139…",
        "地址写错了，应该是6栋") or answers the restatement with it; a phone typed replaces the
        one the channel gave. What changed is in ``turn.changed`` for the state to act on."""
        data, state = turn.step.data, turn.step.state
        intents = understood.intents
        correcting = bool(intents & _CORRECTION_CUES) or (state in RESTATED and Intent.COMPLAINT not in intents)
        phone = turn.phone
        if phone and phone != data.phone and (not data.phone or correcting or data.phone_from_channel):
            self._changed(turn, "phone", TimelineKind.CONTACT_RECEIVED, replaced=bool(data.phone) and correcting)
            data.phone, data.phone_from_channel, data.contact_by_channel = phone, False, False
        area = turn.area
        if area and (not data.area or correcting):
            new_area = self._corrected_area(data.area, area) if data.area else area
            if new_area != data.area:
                self._changed(turn, "area", TimelineKind.AREA_RECEIVED, replaced=bool(data.area))
                data.area = new_area
        slots = understood.slots
        if slots.surname and (not data.surname or correcting) and slots.surname != data.surname:
            self._changed(turn, "name", None, replaced=bool(data.surname))
            data.surname, data.honorific, data.name = slots.surname, slots.honorific, slots.name
        elif slots.honorific and slots.surname == data.surname and not data.honorific:
            data.honorific = slots.honorific
        if not data.phone and self._refuses_phone(state, understood):
            data.phone_refusals += 1
            turn.refused = True
            turn.audit(TimelineKind.PHONE_REFUSED, times=data.phone_refusals)

    def _refuses_phone(self, state: State, understood: Understanding) -> bool:
        """Asked for a phone, a refusal or a plain no; elsewhere only a refusal that names the
        phone ("我不想留电话"): "算了" while describing the problem is not about the phone."""
        if state is State.AWAIT_PHONE:
            return bool(understood.intents & {Intent.REFUSE_CONTACT, Intent.NO})
        if Intent.REFUSE_CONTACT not in understood.intents:
            return False
        folded = normalise(understood.text)
        return any(
            word.lower() in folded for word in self._rules.correction_fields.get("phone", []) if not word.isdigit()
        )

    def _changed(self, turn: _Turn, name: str, received: TimelineKind | None, replaced: bool) -> None:
        turn.changed.add(name)
        if replaced:
            turn.audit(TimelineKind.CORRECTED, field=name)
        elif received is not None:
            turn.audit(received)

    def _corrected_area(self, old: str, new: str) -> str:
        """``new`` in place of the part of ``old`` at its level and below: 朝阳区建国路88号5栋 with
        "6栋" is 朝阳区建国路88号6栋, with "建国路9号" 朝阳区建国路9号; a new district replaces it all."""
        levels, marker = self._form.address_levels, self._area_marker
        first_new = marker.search(new) if marker is not None else None
        if marker is None or first_new is None:
            return new
        level = _level_of(levels, first_new.group(0))
        kept_to = 0
        for found in marker.finditer(old):
            if _level_of(levels, found.group(0)) >= level:
                break
            kept_to = found.end()
        else:
            kept_to = len(old)
        return old[:kept_to] + new

    def _classify(self, turn: _Turn, description: str, known: frozenset[Signal] = frozenset()) -> Classified:
        """The whole description understood: its category (the fallback when nothing points at
        one), grade and signals; a repeat of an earlier category, or a threat, is complex."""
        understood = self._understander.understand(description, turn.locale)
        category = understood.category or self._rules.fallback_category
        signals = set(known) | understood.signals
        if category in turn.customer.prior_categories:
            signals.add(Signal.REPEAT)
        complex_case = (
            understood.grade is Grade.COMPLEX
            or self._rules.category(category).default_grade is Grade.COMPLEX
            or len(description) >= self._rules.complex_min_chars
            or bool(signals & {Signal.REPEAT, Signal.MEDIA_LEGAL, Signal.PREPARED})
        )
        return Classified(category, Grade.COMPLEX if complex_case else Grade.SIMPLE, frozenset(signals))

    def _description(self, data: FlowData) -> str:
        return "\n".join(data.description)

    def _restate(self, turn: _Turn) -> None:
        """The structured summary (问题 / 地点 / 电话 / 称呼) to confirm; never the customer's
        text echoed whole."""
        data = turn.step.data
        if self._appealed(turn):
            return
        classified = self._classify(turn, self._description(data))
        turn.step.state = State.CONFIRMING
        category = self._rules.category(classified.category).name.get(turn.locale)
        summary = self._summary.summarise(data.description, turn.locale)
        not_given = turn.text(PhraseId.NOT_GIVEN)
        turn.say(
            PhraseId.RESTATE,
            problem=turn.text(PhraseId.RESTATE_PROBLEM, category=category, summary=summary) if summary else category,
            area=data.area or not_given,
            phone=self._phone_said(turn) or not_given,
            name=self._name_said(turn) or not_given,
        )
        turn.say(PhraseId.CONFIRM_QUESTION, options=self._yes_no_options(turn))
        turn.audit(TimelineKind.RESTATED, category=classified.category)

    def _phone_said(self, turn: _Turn) -> str | None:
        """The contact as restated. A phone the customer typed is shown whole, so a mistyped digit
        can be caught; one the channel or an earlier conversation gave is masked (139****5678):
        the customer did not type it here, and whoever holds the chat need not learn it."""
        data = turn.step.data
        if data.contact_by_channel and not data.phone:
            return turn.text(PhraseId.CONTACT_BY_CHANNEL)
        phone = data.phone
        if phone and data.phone_from_channel and len(phone) >= 8:
            return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
        return phone

    def _name_said(self, turn: _Turn) -> str | None:
        """How the customer is addressed: 王先生 from what they said, else the customer record."""
        data, customer = turn.step.data, turn.customer
        surname, title = data.surname, data.honorific
        if surname is None and customer.surname:
            surname = customer.surname
        if title is None and surname == customer.surname and customer.title in ("male", "female"):
            title = turn.text(PhraseId.TITLE_MALE if customer.title == "male" else PhraseId.TITLE_FEMALE)
        if surname is None:
            return None
        if title is None:
            return data.name  # 王芳; a surname alone is no way to address anyone
        return turn.text(PhraseId.RESTATE_NAME, surname=surname, title=title)

    def _yes_no_options(self, turn: _Turn) -> tuple[Option, ...]:
        """Yes and no in the customer's language; pressed, each sends its own word."""
        yes, no = turn.text(PhraseId.OPTION_YES), turn.text(PhraseId.OPTION_NO)
        return (Option(label=yes, value=yes), Option(label=no, value=no))

    def _ask_correction(self, turn: _Turn) -> None:
        options = tuple(
            Option(label=turn.text(_CORRECTION_LABELS[field_name]), value=keywords[0])
            for field_name, keywords in self._rules.correction_fields.items()
        )
        turn.say(PhraseId.ASK_CORRECTION, options=options)

    def _record(self, turn: _Turn, confirmed: bool) -> ComplaintRecord:
        data = turn.step.data
        known = frozenset(data.signals)
        classified = self._classify(turn, self._description(data), known)
        deadline = compute_deadline(
            turn.now,
            classified.grade,
            turn.customer.tier,
            classified.category,
            self._config.deadlines,
            self._calendar,
        )
        case_number = data.case_number or self._new_case_number(turn.now)
        data.case_number = case_number
        data.signals = tuple(sorted(classified.signals))
        signals = [signal.value for signal in data.signals]
        turn.audit(
            TimelineKind.CLASSIFIED,
            category=classified.category,
            grade=classified.grade.value,
            signals=signals,
        )
        return ComplaintRecord(
            case_number=case_number,
            description=self._description(data),
            contact_phone=data.phone,
            area=data.area,
            category=classified.category,
            grade=classified.grade,
            customer_tier=turn.customer.tier,
            signals=tuple(signals),
            confirmed=confirmed,
            deadline_at=deadline.due_at,
            promised_hours=deadline.hours,
            counted_in_working_days=deadline.working_days is not None,
            contact_by_channel=data.contact_by_channel and not data.phone,
            says_hours=deadline.says_hours,
            district=self._understander.district(data.area) if data.area else None,
        )

    def _priority(self, record: ComplaintRecord) -> int:
        signals = set(record.signals)
        if signals & ESCALATING_SIGNALS or record.customer_tier in self._config.deadlines.urgent_tiers:
            return 0
        if signals or record.grade is Grade.COMPLEX:
            return 1
        return 2

    def _promise(self, turn: _Turn, record: ComplaintRecord) -> None:
        deadline_text = describe_moment(
            record.deadline_at, turn.now, self._calendar.timezone, self._phrases.time_words(turn.locale)
        )
        if Signal.PREPARED in record.signals:
            # 有备而来 (seed 000 五(二)5): 不要轻易承诺 — the process and the reply time, no outcome.
            turn.say(PhraseId.PROMISE_CAREFUL, deadline=deadline_text)
        elif record.says_hours:
            turn.say(PhraseId.PROMISE, hours=format_hours(record.promised_hours), deadline=deadline_text)
        else:
            turn.say(PhraseId.PROMISE_BY_DATE, deadline=deadline_text)
        turn.say(
            PhraseId.CASE_NUMBER,
            case_number=record.case_number,
            work_number=self._config.service.work_number,
        )
        turn.audit(
            TimelineKind.PROMISED,
            case_number=record.case_number,
            deadline_at=record.deadline_at.isoformat(),
            hours=record.promised_hours,
            said=deadline_text,
        )

    def _open_ticket(self, turn: _Turn, record: ComplaintRecord | None, queue: str, priority: int, reason: str) -> None:
        turn.step.complaint = record
        turn.step.handoff = HandoffRequest(queue=queue, priority=priority, reason=reason)
        turn.step.state = State.HANDED_OFF
        for kind in list(turn.step.data.timers):
            turn.cancel(kind)
        turn.audit(TimelineKind.HANDED_OFF, queue=queue, priority=priority, reason=reason)

    def _promise_and_hand_off(self, turn: _Turn) -> None:
        if self._appealed(turn):
            return
        record = self._record(turn, confirmed=True)
        turn.say(PhraseId.CONFIRMED_THANKS)
        self._promise(turn, record)
        turn.say(PhraseId.HANDOFF_FOLLOW_UP_BY_CHANNEL if record.contact_by_channel else PhraseId.HANDOFF_FOLLOW_UP)
        queue = SUPERVISOR_QUEUE if set(record.signals) & ESCALATING_SIGNALS else GENERAL_QUEUE
        self._open_ticket(turn, record, queue, self._priority(record), "complaint")

    def _escalate(self, turn: _Turn, reason: str) -> None:
        if turn.step.state is State.HANDED_OFF:
            self._supervisor_will_call(turn)
            request = HandoffRequest(queue=SUPERVISOR_QUEUE, priority=0, reason=reason)
            data = turn.step.data
            if data.appeal_of is not None:
                # The appealed case holds the ticket: it is raised again, no second one opened here.
                turn.step.appeal = AppealLink(data.appeal_of, self._description(data), data.phone, request)
            else:
                turn.step.handoff = request
            turn.audit(TimelineKind.ESCALATED, reason=reason)
            return
        if self._appealed(turn):
            return
        asking = self._phone_for_supervisor_missing(turn)
        if not asking:
            turn.say(PhraseId.ESCALATED_SUPERVISOR)
        record = self._record(turn, confirmed=False)
        self._promise(turn, record)
        if asking:
            self._ask_phone_for_supervisor(turn)
        self._open_ticket(turn, record, SUPERVISOR_QUEUE, 0, reason)

    # ------------------------------------------------------------------ appeals (申诉) and the supervisor's call

    def _appealed(self, turn: _Turn) -> bool:
        """Link the complaint to the customer's open case when it repeats it (seed 003: a repeat
        of an unanswered complaint is an appeal): the case keeps its earlier deadline, the
        customer hears an apology for the wait and the supervisor takes it. True if linked."""
        case = self._repeated_case(turn)
        if case is None:
            return False
        data = turn.step.data
        data.appeal_of = case.case_number
        replies = turn.step.replies
        # The greeting's note of the open case: the appeal says it again.
        turn.step.replies = [reply for reply in replies if reply.phrase_id != PhraseId.OPEN_CASE]
        deadline = describe_moment(
            case.deadline_at, turn.now, self._calendar.timezone, self._phrases.time_words(turn.locale)
        )
        overdue = case.deadline_at <= turn.now
        if case.by_typed_phone:
            turn.say(PhraseId.APPEAL_LINKED_BY_PHONE)
        else:
            turn.say(
                PhraseId.APPEAL_LINKED_OVERDUE if overdue else PhraseId.APPEAL_LINKED,
                case_number=case.case_number,
                deadline=deadline,
            )
        self._supervisor_will_call(turn)
        turn.step.appeal = AppealLink(
            case.case_number,
            self._description(data),
            data.phone,
            HandoffRequest(queue=SUPERVISOR_QUEUE, priority=0, reason="appeal"),
        )
        turn.audit(
            TimelineKind.APPEAL_LINKED,
            case_number=case.case_number,
            deadline_at=case.deadline_at.isoformat(),
            overdue=overdue,
        )
        turn.step.state = State.HANDED_OFF
        for kind in list(data.timers):
            turn.cancel(kind)
        turn.audit(TimelineKind.HANDED_OFF, queue=SUPERVISOR_QUEUE, priority=0, reason="appeal")
        return True

    def _repeated_case(self, turn: _Turn) -> OpenCase | None:
        """The open case this complaint repeats: one of its category, or one saying it is the same
        or still not handled (the repeat signal, ``still_open_keywords``) while no other category
        is clear."""
        case = turn.customer.open_case
        data = turn.step.data
        if case is None or data.appeal_of is not None or not data.description:
            return None
        understood = self._understander.understand(self._description(data), turn.locale)
        category = understood.category
        if category == self._rules.fallback_category:
            category = None
        if category is not None and case.category is not None and category != case.category:
            return None
        if category is not None and category == case.category:
            return case
        if Signal.REPEAT in understood.signals or Signal.REPEAT in data.signals:
            return case
        folded = self._understander.matchable(understood.text)
        return case if any(keyword.lower() in folded for keyword in self._rules.still_open_keywords) else None

    def _supervisor_will_call(self, turn: _Turn) -> None:
        """Say the supervisor will call; without a contact phone, ask for one first."""
        if self._phone_for_supervisor_missing(turn):
            self._ask_phone_for_supervisor(turn)
        else:
            turn.say(PhraseId.ESCALATED_SUPERVISOR)

    @staticmethod
    def _phone_for_supervisor_missing(turn: _Turn) -> bool:
        """No contact phone, and the customer was not asked for one yet (ask once, not forever)."""
        data = turn.step.data
        return not data.phone and not data.escalation_phone_asks

    @staticmethod
    def _ask_phone_for_supervisor(turn: _Turn) -> None:
        turn.step.data.escalation_phone_asks = 1
        turn.say(PhraseId.ESCALATION_ASK_PHONE)
        turn.audit(TimelineKind.ESCALATION_PHONE_ASKED)

    def _on_escalation_phone(self, turn: _Turn, text: str) -> bool:
        """The answer to the escalation's request for a phone: the phone goes on the case; a
        refusal or anything else, and the supervisor contacts the customer here. Asked once, and
        once more after a number that is not one. True if handled."""
        data = turn.step.data
        phone = turn.phone
        if phone:
            data.phone, data.escalation_phone_asks = phone, _PHONE_ASKS_DONE
            case_number = data.appeal_of or data.case_number
            if case_number is not None:
                turn.step.contact = CaseContact(case_number, phone)
            turn.audit(TimelineKind.CONTACT_RECEIVED)
            turn.say(PhraseId.ESCALATION_PHONE_NOTED, phone=phone)
            return True
        if looks_like_phone_attempt(text) and data.escalation_phone_asks < 2:
            data.escalation_phone_asks = 2
            turn.say(PhraseId.INVALID_PHONE)
            return True
        data.escalation_phone_asks = _PHONE_ASKS_DONE
        if Intent.REFUSE_CONTACT not in turn.intents:
            turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
        turn.say(PhraseId.ESCALATION_WITHOUT_PHONE)
        return True

    def _hand_off_on_request(self, turn: _Turn, to_supervisor: bool = False) -> None:
        """To a person at once, with what was given; a leader, manager or supervisor asked for
        by name goes to the duty supervisor (seed 000 五(二)4)."""
        if to_supervisor and self._appealed(turn):
            return
        asking = to_supervisor and self._phone_for_supervisor_missing(turn)
        if not asking:
            turn.say(PhraseId.ESCALATED_SUPERVISOR if to_supervisor else PhraseId.HUMAN_REQUESTED)
        record = self._record(turn, confirmed=False) if turn.step.data.description else None
        if record is not None:
            turn.say(
                PhraseId.CASE_NUMBER,
                case_number=record.case_number,
                work_number=self._config.service.work_number,
            )
        if asking:
            self._ask_phone_for_supervisor(turn)
        if to_supervisor:
            self._open_ticket(turn, record, SUPERVISOR_QUEUE, 0, "supervisor_requested")
            return
        priority = self._priority(record) if record is not None else 1
        self._open_ticket(turn, record, GENERAL_QUEUE, min(priority, 1), "customer_request")

    # ------------------------------------------------------------------ helpers for _Turn

    def phrase(self, phrase_id: PhraseId, locale: str, **variables: object) -> str:
        return self._phrases.render(phrase_id, locale, **variables)


def _markers(levels: list[list[str]]) -> re.Pattern[str] | None:
    words = sorted({word.lower() for level in levels for word in level}, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE) if words else None


def _level_of(levels: list[list[str]], marker: str) -> int:
    lowered = marker.lower()
    return next(index for index, level in enumerate(levels) if lowered in (word.lower() for word in level))


def _words_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """Any of ``words`` (folded), longest first; Latin words only as whole words."""
    folded = sorted({normalise(word) for word in words if normalise(word)}, key=len, reverse=True)
    if not folded:
        return None
    parts = [rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() else re.escape(word) for word in folded]
    return re.compile("|".join(parts))


def numbered_options(flow: ComplaintFlow, options: Sequence[Option], locale: str) -> str:
    """The options as numbered text for channels without buttons: the range when each option is
    its own number (the 1–5 rating), else the list; the customer's number maps back
    (:func:`bot.core.engine.chosen_option`)."""
    if all(option.label == option.value == str(number) for number, option in enumerate(options, start=1)):
        return flow.phrase(PhraseId.OPTIONS_RANGE, locale, first=1, last=len(options))
    lines = [flow.phrase(PhraseId.OPTIONS_LIST, locale)]
    lines.extend(
        flow.phrase(PhraseId.OPTION_LINE, locale, number=number, label=option.label)
        for number, option in enumerate(options, start=1)
    )
    return "\n".join(lines)


class _Turn:
    """The working state of one ``step`` call."""

    def __init__(self, flow: ComplaintFlow, step: Step, customer: CustomerView, locale: str, now: dt.datetime) -> None:
        self.flow, self.step, self.customer, self.locale, self.now = flow, step, customer, locale, now
        self.understood: Understanding | None = None
        self.earlier_signals: frozenset[Signal] = frozenset()
        """The signals of the conversation before this message."""
        self.changed: set[str] = set()
        """The form's items this message gave or corrected: "phone", "area", "name"."""
        self.refused = False
        """This message refused to give a phone."""

    @property
    def intents(self) -> frozenset[Intent]:
        return self.understood.intents if self.understood is not None else frozenset()

    @property
    def phone(self) -> str | None:
        """The phone number the message gives, as the engine stores it (national digits)."""
        phone = self.understood.slots.phone if self.understood is not None else None
        return national_digits(phone) if phone else None

    @property
    def area(self) -> str | None:
        """Where the problem is, as the message says it: the district and the address within it."""
        if self.understood is None:
            return None
        slots = self.understood.slots
        return "".join(part for part in (slots.district, slots.address) if part) or None

    def text(self, phrase_id: PhraseId, **variables: object) -> str:
        return self.flow.phrase(phrase_id, self.locale, **variables)

    def say(self, phrase_id: PhraseId, options: tuple[Option, ...] = (), **variables: object) -> None:
        self.step.replies.append(
            OutboundMessage(
                text=self.text(phrase_id, **variables),
                phrase_id=phrase_id.value,
                options=options,
                options_text=numbered_options(self.flow, options, self.locale) if options else "",
            )
        )

    def audit(self, kind: TimelineKind, **detail: Any) -> None:
        self.step.audit.append(AuditEvent(kind=kind, detail=detail))

    def arm(self, kind: TimerKind, after_seconds: int) -> None:
        data = self.step.data
        token = data.timer_seq + 1
        data.timer_seq = token
        data.timers[kind] = token
        self.step.timers.append(TimerChange(kind, token, self.now + dt.timedelta(seconds=after_seconds)))

    def cancel(self, kind: TimerKind) -> None:
        token = self.step.data.timers.pop(kind, None)
        if token is not None:
            self.step.timers.append(TimerChange(kind, token, None))

    def arm_idle(self) -> None:
        self.cancel(TimerKind.IDLE_CLOSE)
        self.arm(TimerKind.IDLE_PROMPT, self.flow._config.timers.idle_prompt_after)


__all__ = [
    "AuditEvent",
    "ComplaintFlow",
    "CustomerSaid",
    "Event",
    "FlowData",
    "Resolved",
    "Started",
    "Step",
    "TimerFired",
    "TimerKind",
]
