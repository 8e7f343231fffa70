"""The complaint conversation as an explicit state table (diagram: ``complaint.mmd``).

``ComplaintFlow.step`` takes the conversation's state and one event and returns the next state
with the replies and effects; it does no I/O and never knows which channel it serves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.config import Grade, Intent, PhraseId, ServiceConfig, Signal
from bot.core.messages import MessageKind, Option, OutboundMessage
from bot.core.phrases import Phrases
from bot.core.timeline import TimelineKind
from bot.flows.classify import Classified, looks_like_phone_attempt, normalise
from bot.flows.data import FlowData, TimerKind
from bot.flows.deadline import BusinessCalendar, compute_deadline, describe_moment, format_hours
from bot.flows.faq import FaqMatcher
from bot.flows.records import (
    ComplaintRecord,
    CustomerView,
    HandoffRequest,
    SatisfactionRecord,
    State,
    TimerChange,
)
from bot.understanding.phones import national_digits
from bot.understanding.result import Understanding
from bot.understanding.understander import Understander

COLLECTING = frozenset(
    {
        State.NEW,
        State.AWAIT_DESCRIPTION,
        State.AWAIT_PHONE,
        State.AWAIT_AREA,
        State.CONFIRMING,
        State.CHOOSE_CORRECTION,
        State.CORRECT_DESCRIPTION,
        State.CORRECT_PHONE,
        State.CORRECT_AREA,
    }
)
ESCALATING_SIGNALS = frozenset({Signal.MEDIA_LEGAL, Signal.VIOLENCE})
_ASKS_FOR_PHONE = frozenset({State.AWAIT_PHONE, State.CORRECT_PHONE, State.CHOOSE_CORRECTION, State.CONFIRMING})
_ASKS_FOR_AREA = frozenset({State.AWAIT_AREA, State.CORRECT_AREA})
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
_RECORDED_TEXT = frozenset({Intent.PRAISE, Intent.SUGGESTION})
"""Side intents whose words go on the timeline: praise for the staff it names, suggestions for
the departments concerned (seed 001 (10), (15))."""
_RATINGS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


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
        if Signal.PREPARED in signals:
            phrases.append(PhraseId.PREPARED_ACKNOWLEDGE)
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
        turn.say(PhraseId.DESCRIPTION_RECORDED)
        self._ask_next_missing(turn)

    def _on_phone(self, turn: _Turn, text: str) -> None:
        phone = turn.phone
        if phone:
            turn.step.data.phone = phone
            turn.audit(TimelineKind.CONTACT_RECEIVED)
            self._ask_next_missing(turn)
        elif looks_like_phone_attempt(text):
            turn.say(PhraseId.INVALID_PHONE)
        else:
            self._append_description(turn, text)
            turn.say(PhraseId.DESCRIPTION_RECORDED)
            turn.say(PhraseId.ASK_PHONE)

    def _on_area(self, turn: _Turn, text: str) -> None:
        turn.step.data.area = turn.area or text
        turn.audit(TimelineKind.AREA_RECEIVED)
        self._restate(turn)

    def _on_confirming(self, turn: _Turn, text: str) -> None:
        intents = turn.intents
        if Intent.NO in intents:
            turn.audit(TimelineKind.RESTATEMENT_REJECTED)
            turn.step.state = State.CHOOSE_CORRECTION
            self._ask_correction(turn)
            return
        if Intent.YES in intents:
            turn.audit(TimelineKind.CONFIRMED)
            self._promise_and_hand_off(turn)
            return
        phone = turn.phone
        if phone:
            turn.step.data.phone = phone
            self._restate(turn)
            return
        turn.say(PhraseId.CONFIRM_QUESTION, options=self._yes_no_options(turn))

    def _on_choose_correction(self, turn: _Turn, text: str) -> None:
        phone = turn.phone
        if phone:
            turn.step.data.phone = phone
            turn.audit(TimelineKind.CORRECTED, field="phone")
            self._restate(turn)
            return
        field_name = self._correction_field(text)
        if field_name is not None:
            turn.step.state = {
                "description": State.CORRECT_DESCRIPTION,
                "phone": State.CORRECT_PHONE,
                "area": State.CORRECT_AREA,
            }[field_name]
            self._ask_current(turn)
            return
        if Intent.YES in turn.intents:
            turn.audit(TimelineKind.CONFIRMED)
            self._promise_and_hand_off(turn)
            return
        self._ask_correction(turn)

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
        turn.step.data.description = [text]
        turn.audit(TimelineKind.CORRECTED, field="description")
        self._restate(turn)

    def _on_correct_phone(self, turn: _Turn, text: str) -> None:
        phone = turn.phone
        if not phone:
            turn.say(PhraseId.INVALID_PHONE)
            return
        turn.step.data.phone = phone
        turn.audit(TimelineKind.CORRECTED, field="phone")
        self._restate(turn)

    def _on_correct_area(self, turn: _Turn, text: str) -> None:
        turn.step.data.area = turn.area or text
        turn.audit(TimelineKind.CORRECTED, field="area")
        self._restate(turn)

    def _on_handed_off(self, turn: _Turn, text: str) -> None:
        turn.audit(TimelineKind.MESSAGE_AFTER_HANDOFF)
        if not turn.step.data.recorded_ack:
            turn.step.data.recorded_ack = True
            turn.say(PhraseId.MESSAGE_RECORDED)

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
        turn.step.data.recorded_ack = False
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
        options = tuple(Option(label=str(score), value=str(score)) for score in range(5, 0, -1))
        turn.say(
            PhraseId.SATISFACTION_ASK_RATING,
            options=options,
            case_number=turn.step.data.case_number or "-",
        )
        turn.arm(TimerKind.SATISFACTION_TIMEOUT, self._config.followups.answer_window)
        turn.audit(TimelineKind.CALLBACK_ASKED)

    def _on_callback(self, turn: _Turn, text: str) -> None:
        data = turn.step.data
        folded = normalise(text)
        if any(keyword.lower() in folded for keyword in self._config.followups.not_resolved_keywords):
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
            return
        state = turn.step.state
        if state is State.RESOLVED:  # the customer wrote before the callback was due: it starts now
            self._ask_rating(turn)
            return
        if state is State.AWAIT_RATING:
            rating = _rating(folded)
            if rating is None:
                self._ask_rating(turn)
                return
            data.rating = rating
            turn.step.state = State.AWAIT_COMMENT
            turn.say(PhraseId.SATISFACTION_ASK_COMMENT)
            turn.arm(TimerKind.SATISFACTION_TIMEOUT, self._config.followups.answer_window)
            turn.audit(TimelineKind.RATED, rating=rating)
            return
        rating, data.rating = data.rating, None
        turn.step.satisfaction = SatisfactionRecord(rating=rating, comment=text, resolved=True)
        turn.say(PhraseId.SATISFACTION_THANKS)
        self._close(turn, "satisfaction_recorded")

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

    def _greet(self, turn: _Turn) -> None:
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
        open_case = customer.open_case
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
        if text:
            turn.step.data.description.append(text)

    def _ask_next_missing(self, turn: _Turn) -> None:
        data = turn.step.data
        if not data.phone:
            turn.step.state = State.AWAIT_PHONE
            turn.say(PhraseId.ASK_PHONE)
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
        """What the customer told about themselves in any message fills what is still missing
        (the states that ask for an item take it themselves, corrections included)."""
        data, state = turn.step.data, turn.step.state
        if turn.phone and not data.phone and state not in _ASKS_FOR_PHONE:
            data.phone = turn.phone
            turn.audit(TimelineKind.CONTACT_RECEIVED)
        if turn.area and not data.area and state not in _ASKS_FOR_AREA:
            data.area = turn.area
            turn.audit(TimelineKind.AREA_RECEIVED)
        slots = understood.slots
        if slots.surname and not data.surname:
            data.surname = slots.surname
        if slots.honorific and not data.honorific:
            data.honorific = slots.honorific

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
        data = turn.step.data
        classified = self._classify(turn, self._description(data))
        turn.step.state = State.CONFIRMING
        turn.say(
            PhraseId.RESTATE,
            description=self._description(data),
            phone=data.phone or "-",
            area=data.area or "-",
            category=self._rules.category(classified.category).name.get(turn.locale),
        )
        turn.say(PhraseId.CONFIRM_QUESTION, options=self._yes_no_options(turn))
        turn.audit(TimelineKind.RESTATED, category=classified.category)

    def _yes_no_options(self, turn: _Turn) -> tuple[Option, ...]:
        yes = self._rules.intents[Intent.YES].keywords[0]
        no = self._rules.intents[Intent.NO].keywords[0]
        return (Option(label=yes, value=yes), Option(label=no, value=no))

    def _ask_correction(self, turn: _Turn) -> None:
        options = tuple(
            Option(label=keywords[1] if len(keywords) > 1 else keywords[0], value=keywords[0])
            for keywords in self._rules.correction_fields.values()
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
            says_hours=deadline.says_hours,
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
        record = self._record(turn, confirmed=True)
        turn.say(PhraseId.CONFIRMED_THANKS)
        self._promise(turn, record)
        turn.say(PhraseId.HANDOFF_FOLLOW_UP)
        queue = SUPERVISOR_QUEUE if set(record.signals) & ESCALATING_SIGNALS else GENERAL_QUEUE
        self._open_ticket(turn, record, queue, self._priority(record), "complaint")

    def _escalate(self, turn: _Turn, reason: str) -> None:
        turn.say(PhraseId.ESCALATED_SUPERVISOR)
        if turn.step.state is State.HANDED_OFF:
            turn.step.handoff = HandoffRequest(queue=SUPERVISOR_QUEUE, priority=0, reason=reason)
            turn.audit(TimelineKind.ESCALATED, reason=reason)
            return
        record = self._record(turn, confirmed=False)
        self._promise(turn, record)
        self._open_ticket(turn, record, SUPERVISOR_QUEUE, 0, reason)

    def _hand_off_on_request(self, turn: _Turn, to_supervisor: bool = False) -> None:
        """To a person at once, with what was given; a leader, manager or supervisor asked for
        by name goes to the duty supervisor (seed 000 五(二)4)."""
        turn.say(PhraseId.ESCALATED_SUPERVISOR if to_supervisor else PhraseId.HUMAN_REQUESTED)
        record = self._record(turn, confirmed=False) if turn.step.data.description else None
        if record is not None:
            turn.say(
                PhraseId.CASE_NUMBER,
                case_number=record.case_number,
                work_number=self._config.service.work_number,
            )
        if to_supervisor:
            self._open_ticket(turn, record, SUPERVISOR_QUEUE, 0, "supervisor_requested")
            return
        priority = self._priority(record) if record is not None else 1
        self._open_ticket(turn, record, GENERAL_QUEUE, min(priority, 1), "customer_request")

    # ------------------------------------------------------------------ helpers for _Turn

    def phrase(self, phrase_id: PhraseId, locale: str, **variables: object) -> str:
        return self._phrases.render(phrase_id, locale, **variables)


def _rating(folded: str) -> int | None:
    """A 1–5 score in a short answer ("5", "5分", "四分"); None if there is none or several."""
    if len(folded) > 12:
        return None
    found = {score for char, score in _RATINGS.items() if char in folded}
    return found.pop() if len(found) == 1 else None


class _Turn:
    """The working state of one ``step`` call."""

    def __init__(self, flow: ComplaintFlow, step: Step, customer: CustomerView, locale: str, now: dt.datetime) -> None:
        self.flow, self.step, self.customer, self.locale, self.now = flow, step, customer, locale, now
        self.understood: Understanding | None = None

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
            OutboundMessage(text=self.text(phrase_id, **variables), phrase_id=phrase_id.value, options=options)
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
