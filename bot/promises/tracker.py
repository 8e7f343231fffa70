"""What the promise tracker does when a case timer fires, a deadline is extended, a case is
resolved or the customer confirms the resolution.

Each function runs inside the caller's transaction and returns an :class:`Outcome`: what came
of it, and the :class:`~bot.outbound.effects.Effects` to commit after the transaction (messages for the
outbound gateway, timers to schedule, staff events to publish).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.config import Clock, DeadlineTable, PhraseId, ServiceConfig, Signal
from bot.core.messages import Sender
from bot.core.phrases import Phrases, TraditionalScript
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.addressing import addressed, known_address, name_variables
from bot.flows.callback import readable_summary, reopened_by_staff, told_summary
from bot.flows.complaint import SUPERVISOR_QUEUE
from bot.flows.data import FlowData, TimerKind, writes_traditional
from bot.flows.deadline import (
    BusinessCalendar,
    ExtensionTerms,
    describe_moment,
    due_after,
    extension_terms,
    rounding_minutes,
)
from bot.flows.records import HandoffRequest
from bot.flows.reopening import regraded, reopened_owner
from bot.outbound.effects import Delivery, Effects, TimerSchedule
from bot.outbound.outbox import add_customer_message
from bot.promises.timers import CaseTimer, CaseTimerKind, next_follow_up
from bot.staff.accounts import Role
from bot.storage import promises as store
from bot.storage import staff as staff_store
from bot.storage.conversations import add_timeline_event, appealed_complaint
from bot.storage.models import Complaint, Conversation, Customer
from bot.storage.notifications import SUPERVISORS, notify, user_audience
from bot.storage.store import open_or_raise_ticket

StatusOnCommit = Callable[[str], str]
ACTOR = "worker"
_HOUR_SECONDS = 3600
URGENT_BREACH_NOTICE = "urgent_deadline_breached"
"""The notification each active manager gets when an urgent case's time passed unanswered."""


@dataclass(frozen=True, slots=True)
class EmergencyWords:
    """What a customer in an emergency hears while waiting and when its time passed: danger now
    (what to do, 119/110/120) or talk of self-harm (care, 12356), never a time to wait."""

    waiting: PhraseId
    overdue: PhraseId


DANGER_WORDS = EmergencyWords(PhraseId.URGENT_WAITING_APOLOGY, PhraseId.URGENT_DEADLINE_PASSED)
SELF_HARM_WORDS = EmergencyWords(PhraseId.URGENT_WAITING_CARE, PhraseId.URGENT_DEADLINE_PASSED_CARE)


@dataclass(slots=True)
class Outcome:
    """What a tracker action came to, and what to do once its transaction committed."""

    result: str = "done"
    effects: Effects = field(default_factory=Effects)
    previous: str | None = None
    """An extension's deadline before it (ISO time), for the audit log."""
    deadline: str | None = None
    """A reopened case's new deadline (ISO time)."""
    case_number: str | None = None
    """The case an extension moved."""


REOPENED_PRIORITY = 1
"""A reopened case nobody owns waits at the priority of a repeat (``priority_of``: a signal, complex)."""
CUSTOMER = "customer"
"""The actor of a reopening the customer asked for (their "没解决" at the callback)."""


@dataclass(frozen=True, slots=True)
class Reopener:
    """Who reopens a resolved case: the customer (``CUSTOMER``), or staff ("agent:<id>") with
    their username and reason; ``agent``: staff of the agent role, who keep the case they reopen."""

    actor: str = CUSTOMER
    agent: bool = False
    username: str = ""
    why: str = ""


@dataclass(slots=True)
class Resolution:
    """What resolving some or all of a conversation's open cases came to."""

    result: str
    """"callback" (every case resolved: the bot asks for the rating), "resolved" (every case, no
    complaint to rate), "partly" (another case stays open), or the refusal "no case" (none
    chosen) or "not open" (a case named is not an open case of the conversation)."""
    resolved: list[Complaint] = field(default_factory=list)
    still_open: list[Complaint] = field(default_factory=list)
    effects: Effects = field(default_factory=Effects)


@dataclass(frozen=True, slots=True)
class ExtensionPreview:
    """What an extension would do (``GET /api/conversations/{id}/extend``), before a supervisor confirms."""

    previous: dt.datetime
    deadline: dt.datetime
    said: str
    """The new deadline as the customer is told it ("12月9日（周三）下午2点半前")."""
    message: str
    """The whole message the customer would be sent (``deadline_extended``)."""
    clock: Clock
    """How the hours count: as the case's own deadline counts."""
    default_hours: float
    """The hours a console offers for this case (:func:`extension_terms_of`)."""
    case_number: str | None = None
    """The case whose deadline would move."""
    told: tuple[ToldOfExtension, ...] = ()
    """Every conversation that would be sent the new time, the case's own first."""


@dataclass(frozen=True, slots=True)
class ToldOfExtension:
    """One conversation an extension tells of the new time, and what its customer reads."""

    conversation_id: int
    channel: str
    message: str
    appealed_from: bool
    """The conversation the customer appealed the case from (not the case's own)."""


def _refetch(conversation_id: int) -> StaffEvent:
    return StaffEvent(kind=StaffEventKind.CONVERSATION, conversation_ids=(conversation_id,))


def _schedules(timers: Iterable[CaseTimer]) -> list[TimerSchedule]:
    return [TimerSchedule(t.conversation_id, t.kind, t.token, t.due_at) for t in timers]


def owner_audience(owner: str) -> str:
    """The owning agent ("agent:<id>" → "user:<id>"), or the supervisors while nobody owns it."""
    return f"user:{owner.split(':', 1)[1]}" if owner.startswith("agent:") else SUPERVISORS


def extension_terms_of(complaint: Complaint, deadlines: DeadlineTable) -> ExtensionTerms:
    """How an extension of ``complaint`` counts and the hours offered: as its own deadline
    counted (a danger case's around the clock, an ordinary one's in service hours)."""
    return extension_terms(
        deadlines, complaint.grade, complaint.customer_tier, complaint.category, complaint.signals or []
    )


def case_to_extend(session: Session, conversation: Conversation, case_number: str | None = None) -> Complaint | None:
    """The complaint whose deadline an extension on this conversation moves: the case
    ``case_number`` when named (of the conversation, or the case it appealed), else its open case
    with the nearest deadline (it has two when another problem was told after the hand-off), else
    its latest, else the case it appealed (``appeal_of``) when it has none."""
    appealed = appealed_complaint(session, conversation)
    if case_number is not None:
        if appealed is not None and appealed.case_number == case_number:
            return appealed
        return store.complaint_numbered(session, conversation.id, case_number)
    open_cases = store.open_complaints(session, conversation.id)
    if open_cases:
        return min(
            open_cases, key=lambda case: (case.deadline_at is None, case.deadline_at or dt.datetime.max, case.id)
        )
    return store.latest_complaint(session, conversation.id) or appealed


class Tracker:
    """The promise tracker for one configuration; every method takes the session and the time."""

    def __init__(
        self,
        config: ServiceConfig,
        calendar: BusinessCalendar | None = None,
        traditional: TraditionalScript | None = None,
    ) -> None:
        self.config = config
        self.phrases = Phrases(config)
        self.traditional = traditional if traditional is not None else TraditionalScript()
        self.calendar = calendar or BusinessCalendar(config.calendar, ZoneInfo(config.service.timezone))

    def emergency_words(self, complaint: Complaint) -> EmergencyWords | None:
        """The words of an emergency (a case with a ``queue.served_first`` signal: danger now, talk
        of self-harm); None for any other case, which hears the routine ones."""
        signals = set(complaint.signals or [])
        if signals.isdisjoint(str(signal) for signal in self.config.queue.served_first.signals):
            return None
        if Signal.SELF_HARM in signals and Signal.DANGER not in signals:
            return SELF_HARM_WORDS
        return DANGER_WORDS

    # ------------------------------------------------------------------ how times are said

    def wait_text(self, deadline: dt.datetime, now: dt.datetime, locale: str) -> str:
        """The ``{wait}`` of the waiting apology in whole hours, floored: "6小时（今天晚上8点前）", never
        "5.4小时"; under an hour in whole minutes, floored as the time said is and at least 1:
        "12分钟（今天下午3点前）"."""
        moment = describe_moment(deadline, now, self.calendar.timezone, self.phrases.time_words(locale))
        seconds = (deadline - now).total_seconds()
        if seconds < _HOUR_SECONDS:
            minutes = max(int(seconds // 60), 1)
            return self.phrases.render(PhraseId.WAIT_TIME_MINUTES, locale, minutes=minutes, deadline=moment)
        # Whole hours, floored as the minutes are: the time said beside them is the exact one.
        hours = int(seconds // _HOUR_SECONDS)
        if hours == 1:
            return self.phrases.render(PhraseId.WAIT_TIME_AN_HOUR, locale, deadline=moment)
        return self.phrases.render(PhraseId.WAIT_TIME, locale, hours=str(hours), deadline=moment)

    def _text(self, conversation: Conversation, phrase_id: PhraseId, **variables: object) -> str:
        """The phrase as this conversation's customer reads it (their language, their script)."""
        locale = self.phrases.locale(conversation.locale)
        return self._in_script(conversation, self.phrases.render(phrase_id, locale, **variables))

    def _in_script(self, conversation: Conversation, text: str) -> str:
        """``text`` in the script this conversation's customer writes (traditional or not)."""
        if writes_traditional(conversation.flow_data):
            return self.traditional.text(text, self.phrases.locale(conversation.locale))
        return text

    def _say(
        self,
        session: Session,
        conversation: Conversation,
        phrase_id: PhraseId,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
        sender: Sender = Sender.SYSTEM,
        **variables: object,
    ) -> Delivery | None:
        text = self._text(conversation, phrase_id, **variables)
        return add_customer_message(
            session, conversation.id, text, sender, now, status_on_commit, phrase_id=phrase_id.value
        )

    def _say_addressed(
        self,
        session: Session,
        conversation: Conversation,
        phrase_id: PhraseId,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
        **variables: object,
    ) -> Delivery | None:
        """The phrase in its form naming the customer (王先生，…) when their record says how they
        are addressed, as the greeting does; else as it is."""
        customer = session.get(Customer, conversation.customer_id)
        address = known_address(customer.surname, customer.title) if customer is not None else None
        locale = self.phrases.locale(conversation.locale)
        named = name_variables(address, lambda title: self.phrases.render(title, locale))
        said = addressed(phrase_id, address)
        text = self._text(conversation, said, **variables, **named)
        return add_customer_message(
            session, conversation.id, text, Sender.SYSTEM, now, status_on_commit, phrase_id=said.value
        )

    def say(
        self,
        session: Session,
        conversation_id: int,
        phrase_id: PhraseId,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
    ) -> Delivery | None:
        """Store the phrase, as the conversation's customer reads it, to send once committed;
        None when there is no such conversation."""
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return None
        return self._say(session, conversation, phrase_id, now, status_on_commit)

    # ------------------------------------------------------------------ timers

    def fire(
        self,
        session: Session,
        conversation_id: int,
        kind: CaseTimerKind,
        token: int,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
    ) -> Outcome:
        """A case timer is due. Stale tokens, repeated firings and cases no longer open do nothing."""
        case = store.take_timer(session, conversation_id, kind, token)
        if case is None:
            return Outcome("stale")
        complaint = store.timer_case(session, conversation_id, case)
        conversation = session.get(Conversation, conversation_id)
        if complaint is None or conversation is None or complaint.status not in store.OPEN_STATUSES:
            return Outcome("case not open")
        effects = Effects(staff_events=[_refetch(conversation_id)])
        detail: dict[str, object] = {
            "case_number": complaint.case_number,
            "deadline_at": complaint.deadline_at.isoformat() if complaint.deadline_at else None,
        }
        if kind is CaseTimerKind.REMINDER:
            audience = owner_audience(conversation.owner)
            self._timeline(session, complaint, TimelineKind.DEADLINE_REMINDER, now, audience=audience, **detail)
            self._notify(effects, session, complaint, "deadline_reminder", audience, now, token, detail)
        elif kind is CaseTimerKind.APOLOGY:
            if complaint.deadline_at is None or complaint.deadline_at <= now:
                return Outcome("deadline passed")
            emergency = self.emergency_words(complaint)
            if emergency is not None:
                # Someone in danger is never asked to be patient for so many more minutes.
                self._apologise_for_emergency(
                    effects, session, conversation, complaint, emergency, now, status_on_commit
                )
            else:
                wait = self.wait_text(complaint.deadline_at, now, self.phrases.locale(conversation.locale))
                self._apologise(effects, session, conversation, complaint, wait, now, status_on_commit)
        elif kind is CaseTimerKind.BREACH:
            self._breach(effects, session, conversation, complaint, now, token, detail, status_on_commit)
        elif kind is CaseTimerKind.FOLLOW_UP:
            delivery = self._say_addressed(
                session,
                conversation,
                PhraseId.PROGRESS_FOLLOW_UP,
                now,
                status_on_commit,
                case_number=complaint.case_number,
            )
            if delivery is not None:
                effects.deliveries.append(delivery)
            self._timeline(
                session, complaint, TimelineKind.PROGRESS_FOLLOW_UP, now, message_id=delivery and delivery.message_id
            )
            follow_up_at = next_follow_up(complaint.category, now, self.config.followups)
            if follow_up_at is not None:
                effects.timers = _schedules(
                    store.arm(session, conversation_id, {CaseTimerKind.FOLLOW_UP: follow_up_at}, complaint.id)
                )
        return Outcome(effects=effects)

    def _apologise(
        self,
        effects: Effects,
        session: Session,
        conversation: Conversation,
        complaint: Complaint,
        wait: str,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
        **detail: object,
    ) -> None:
        delivery = self._say_addressed(
            session, conversation, PhraseId.WAITING_APOLOGY, now, status_on_commit, wait=wait
        )
        if delivery is not None:
            effects.deliveries.append(delivery)
        self._timeline(
            session,
            complaint,
            TimelineKind.WAITING_APOLOGY,
            now,
            wait=wait,
            message_id=delivery and delivery.message_id,
            **detail,
        )

    def _apologise_for_emergency(
        self,
        effects: Effects,
        session: Session,
        conversation: Conversation,
        complaint: Complaint,
        emergency: EmergencyWords,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
    ) -> None:
        delivery = self._say(session, conversation, emergency.waiting, now, status_on_commit)
        if delivery is not None:
            effects.deliveries.append(delivery)
        self._timeline(
            session,
            complaint,
            TimelineKind.WAITING_APOLOGY,
            now,
            phrase_id=emergency.waiting.value,
            message_id=delivery and delivery.message_id,
        )

    def _breach(
        self,
        effects: Effects,
        session: Session,
        conversation: Conversation,
        complaint: Complaint,
        now: dt.datetime,
        token: int,
        detail: dict[str, object],
        status_on_commit: StatusOnCommit,
    ) -> None:
        priority = store.case_ticket_priority(session, conversation.id, complaint.id)
        store.mark_breached(session, complaint, now)
        escalation = store.escalate_waiting_ticket(session, conversation.id, SUPERVISOR_QUEUE, 0, complaint.id)
        if escalation is store.TicketEscalation.ALREADY_THERE:
            # Waiting for the duty supervisor already: nothing to escalate it to; the supervisors'
            # notice says it is still unclaimed in their own queue, never "escalated" again.
            detail = {**detail, "still_unclaimed_in": SUPERVISOR_QUEUE}
        if self.config.queue.manager_breach_alert.covers(complaint.signals or [], priority):
            # Past the duty supervisor's own hour: only the managers are left to escalate it to.
            managers = staff_store.active_ids(session, Role.MANAGER)
            detail = {**detail, "managers_told": len(managers)}
            for manager in managers:
                event = notify(
                    session,
                    URGENT_BREACH_NOTICE,
                    user_audience(manager),
                    now,
                    conversation_id=complaint.conversation_id,
                    complaint_id=complaint.id,
                    detail={**detail, "signals": list(complaint.signals or []), "priority": priority},
                    dedupe_key=f"{URGENT_BREACH_NOTICE}:{complaint.id}:{token}:{manager}",
                )
                if event is not None:
                    effects.staff_events.append(event)
        emergency = self.emergency_words(complaint)
        if emergency is not None:
            # The customer in danger is told at once that the time passed and what to do meanwhile.
            delivery = self._say(session, conversation, emergency.overdue, now, status_on_commit)
            if delivery is not None:
                effects.deliveries.append(delivery)
                detail = {**detail, "message_id": delivery.message_id}
        self._timeline(session, complaint, TimelineKind.DEADLINE_BREACHED, now, **detail)
        self._notify(effects, session, complaint, "deadline_breached", SUPERVISORS, now, token, detail)
        if escalation is store.TicketEscalation.MOVED:
            self._timeline(
                session,
                complaint,
                TimelineKind.ESCALATED,
                now,
                reason="deadline_breached",
                queue=SUPERVISOR_QUEUE,
                priority=0,
            )
            effects.staff_events.append(
                StaffEvent(kind=StaffEventKind.QUEUE, conversation_ids=(conversation.id,), queue=SUPERVISOR_QUEUE)
            )

    def _notify(
        self,
        effects: Effects,
        session: Session,
        complaint: Complaint,
        kind: str,
        audience: str,
        now: dt.datetime,
        token: int,
        detail: dict[str, object],
    ) -> None:
        event = notify(
            session,
            kind,
            audience,
            now,
            conversation_id=complaint.conversation_id,
            complaint_id=complaint.id,
            detail=detail,
            dedupe_key=f"{kind}:{complaint.id}:{token}",
        )
        if event is not None:
            effects.staff_events.append(event)

    @staticmethod
    def _timeline(
        session: Session, complaint: Complaint, kind: TimelineKind, now: dt.datetime, **detail: object
    ) -> None:
        actor = str(detail.pop("actor", ACTOR))
        add_timeline_event(session, complaint.conversation_id, kind, actor, detail, now, complaint.id)

    # ------------------------------------------------------------------ staff actions

    def extend(
        self,
        session: Session,
        conversation_id: int,
        hours: float,
        reason: str,
        actor: str,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
        case_number: str | None = None,
    ) -> Outcome:
        """Move the open complaint's deadline ``hours`` later (from now, if it has passed), counted
        and rounded as its own promise was (the clock of its ``deadlines.yaml`` rule: around the
        clock for danger now, else the table's ``clock``; ``round_to_minutes``); the
        customer hears ``deadline_extended`` with the new time as a date (not hours to wait, nor
        "kept waiting so long" minutes after filing); reminder, apology and breach are re-armed.

        In a conversation that appealed a case (``appeal_of``) and has no complaint of its own,
        the appealed case's deadline moves: its timeline and timers are on the case's
        conversation, and the customer hears the new time where they appealed from.

        With two open cases (another problem told after the hand-off), ``case_number`` names the
        one (by default the one with the nearest deadline, :func:`case_to_extend`); only its
        deadline and timers move, and the customer hears its number (``deadline_extended_case``).

        ``result`` is "missing" (no such conversation), "no complaint" (none, or no case
        ``case_number``), "not open", "too short" (under ``deadlines.extension_min_hours``),
        "too many" (``extensions_per_case`` reached) or the new deadline.
        """
        planned = self._extension(session, conversation_id, hours, now, case_number)
        if isinstance(planned, str):
            return Outcome(planned)
        conversation, complaint, previous, deadline, _ = planned
        store.extend_deadline(session, complaint, deadline)
        # A waiting case's card shows the new time at once (its place stays: the queue orders by
        # the deadline first promised).
        effects = Effects(staff_events=[_refetch(conversation_id)], queue_changed=[complaint.conversation_id])
        if complaint.conversation_id != conversation_id:
            effects.staff_events.append(_refetch(complaint.conversation_id))
        delivery = None
        for told in self._told_of_extension(session, conversation, complaint):
            phrase, named = self._extension_phrase(session, complaint, told)
            # said as the service's own message, not a faint system line: the customer must read it
            said = self._say(
                session,
                told,
                phrase,
                now,
                status_on_commit,
                sender=Sender.BOT,
                deadline=self._moment(told, deadline, now),
                **named,
            )
            if said is not None:
                effects.deliveries.append(said)
                if told.id == complaint.conversation_id:
                    delivery = said
        self._timeline(
            session,
            complaint,
            TimelineKind.DEADLINE_EXTENDED,
            now,
            actor=actor,
            previous=previous.isoformat(),
            deadline_at=deadline.isoformat(),
            hours=hours,
            # how the hours counted, for the timeline to say "24 服务小时" rather than "24 小时"
            clock=extension_terms_of(complaint, self.config.deadlines).clock.value,
            reason=reason,
            message_id=delivery and delivery.message_id,
        )
        effects.timers = _schedules(
            store.arm_on_promise(
                session,
                complaint.conversation_id,
                now,
                deadline,
                complaint.category,
                now,
                self.config.followups,
                follow_up=False,
                complaint_id=complaint.id,
            )
        )
        return Outcome(deadline.isoformat(), effects, previous=previous.isoformat(), case_number=complaint.case_number)

    def preview_extension(
        self, session: Session, conversation_id: int, hours: float, now: dt.datetime, case_number: str | None = None
    ) -> ExtensionPreview | str:
        """What :meth:`extend` with ``hours`` would do now, changing nothing: the new deadline and
        the message the customer would be sent; or :meth:`extend`'s refusal ("missing", "no
        complaint", "not open", "too short", "too many")."""
        planned = self._extension(session, conversation_id, hours, now, case_number)
        if isinstance(planned, str):
            return planned
        conversation, complaint, previous, deadline, moment = planned
        told = tuple(
            ToldOfExtension(
                conversation_id=recipient.id,
                channel=recipient.channel,
                message=self._text(
                    recipient,
                    phrase,
                    deadline=self._moment(recipient, deadline, now),
                    **named,
                ),
                appealed_from=recipient.id != complaint.conversation_id,
            )
            for recipient in self._told_of_extension(session, conversation, complaint)
            for phrase, named in (self._extension_phrase(session, complaint, recipient),)
        )
        here = next((t for t in told if t.conversation_id == conversation.id), told[0])
        terms = extension_terms_of(complaint, self.config.deadlines)
        return ExtensionPreview(
            previous=previous,
            deadline=deadline,
            said=self._in_script(conversation, moment),
            message=here.message,
            clock=terms.clock,
            default_hours=terms.default_hours,
            case_number=complaint.case_number,
            told=told,
        )

    @staticmethod
    def _told_of_extension(session: Session, conversation: Conversation, complaint: Complaint) -> list[Conversation]:
        """Who hears of the new time: the case's own conversation always (its customer was promised
        the old time there), and the conversation extending it when that is another one, the chat
        the customer appealed the case from."""
        if conversation.id == complaint.conversation_id:
            return [conversation]
        own = session.get(Conversation, complaint.conversation_id)
        return [own, conversation] if own is not None else [conversation]

    @staticmethod
    def _extension_phrase(
        session: Session, complaint: Complaint, told: Conversation
    ) -> tuple[PhraseId, dict[str, object]]:
        """How the customer hears of the extension: with the case's number when the conversation
        told has another open case, so they know which of the two waits longer."""
        if any(case.id != complaint.id for case in store.open_complaints(session, told.id)):
            return PhraseId.DEADLINE_EXTENDED_CASE, {"case_number": complaint.case_number}
        return PhraseId.DEADLINE_EXTENDED, {}

    def _moment(self, conversation: Conversation, deadline: dt.datetime, now: dt.datetime) -> str:
        """The deadline as this conversation's customer is told it, in their language."""
        locale = self.phrases.locale(conversation.locale)
        return describe_moment(deadline, now, self.calendar.timezone, self.phrases.time_words(locale))

    def _extension(
        self, session: Session, conversation_id: int, hours: float, now: dt.datetime, case_number: str | None = None
    ) -> tuple[Conversation, Complaint, dt.datetime, dt.datetime, str] | str:
        """The conversation, its open complaint (``case_number``'s when named), the deadline before
        and after ``hours`` more and the new one as the customer is told it; or why the deadline
        may not move."""
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return "missing"
        complaint = case_to_extend(session, conversation, case_number)
        if complaint is None:
            return "no complaint"
        if complaint.status not in store.OPEN_STATUSES:
            return "not open"
        table = self.config.deadlines
        if hours < table.extension_min_hours:
            return "too short"
        if store.extensions_of(session, complaint) >= table.extensions_per_case:
            return "too many"
        previous = complaint.deadline_at or now
        # The same clock and rounding as the case's own promise: 2 hours more for someone trapped
        # in a lift count on the wall clock (its deadline's), not as service hours till tomorrow.
        clock = extension_terms_of(complaint, table).clock
        rounding = rounding_minutes(hours, table.round_to_minutes)
        deadline = due_after(max(previous, now), hours, clock, rounding, self.calendar)
        locale = self.phrases.locale(conversation.locale)
        moment = describe_moment(deadline, now, self.calendar.timezone, self.phrases.time_words(locale))
        return conversation, complaint, previous, deadline, moment

    def resolve_cases(
        self,
        session: Session,
        conversation: Conversation,
        case_numbers: Sequence[str] | None,
        summary: str,
        actor: str,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
    ) -> Resolution:
        """Resolve the conversation's open cases named by ``case_numbers`` (None: all of them).

        All of them: as :meth:`resolve` (the conversation goes back to the bot for the callback,
        which names the conversation's case; another case of it resolved earlier heard of its
        resolution then, and one resolved now that the callback will not name hears of it now,
        ``case_resolved``). Some of them: those are resolved with their timers called off, the
        others stay open with their deadlines, timers and owner, and the customer is told at once
        which case is resolved, with the summary, and which is still handled
        (``case_resolved_others_open``); the callback waits until the last case is resolved."""
        open_cases = store.open_complaints(session, conversation.id)
        numbers = {case.case_number for case in open_cases}
        if case_numbers is not None and not case_numbers:
            return Resolution("no case")
        if case_numbers is not None and not set(case_numbers) <= numbers:
            return Resolution("not open")
        chosen = [case for case in open_cases if case_numbers is None or case.case_number in case_numbers]
        rest = [case for case in open_cases if case not in chosen]
        told = told_summary(summary) or summary
        effects = Effects(staff_events=[_refetch(conversation.id)])
        if not rest:
            untold = self._resolved_before_the_callback_s_case(session, conversation, open_cases)
            callback = self.resolve(session, conversation, summary, actor, now)
            if untold:
                numbers_said = self._case_numbers(conversation, untold)
                delivery = self._say(
                    session,
                    conversation,
                    PhraseId.CASE_RESOLVED,
                    now,
                    status_on_commit,
                    case_number=numbers_said,
                    summary=self._summary_for(conversation, told, untold),
                )
                if delivery is not None:
                    effects.deliveries.append(delivery)
            return Resolution("callback" if callback else "resolved", chosen, [], effects)
        resolved_by = conversation.owner if conversation.owner.startswith("agent:") else actor
        store.resolve_complaints(session, [case.id for case in chosen], resolved_by, summary, now)
        newest = store.latest_complaint(session, conversation.id)
        legacy_timers = [0] if newest in chosen else []  # rows armed before timers were kept per case
        store.cancel_cases(session, conversation.id, [case.id for case in chosen] + legacy_timers)
        open_said = self._case_numbers(conversation, rest)
        delivery = self._say(
            session,
            conversation,
            PhraseId.CASE_RESOLVED_OTHERS_OPEN,
            now,
            status_on_commit,
            case_number=self._case_numbers(conversation, chosen),
            summary=self._summary_for(conversation, told, chosen),
            open_cases=open_said,
        )
        if delivery is not None:
            effects.deliveries.append(delivery)
        for case in chosen:
            self._timeline(
                session,
                case,
                TimelineKind.CASE_RESOLVED,
                now,
                actor=actor,
                case_number=case.case_number,
                summary=summary,
                open_cases=[other.case_number for other in rest],
                message_id=delivery and delivery.message_id,
            )
        return Resolution("partly", chosen, rest, effects)

    @staticmethod
    def _resolved_before_the_callback_s_case(
        session: Session, conversation: Conversation, open_cases: list[Complaint]
    ) -> list[Complaint]:
        """The open cases the callback will not name, when the case it names (the conversation's
        own, its flow's) was resolved before them: the customer is told of these now."""
        named = FlowData.from_json(conversation.flow_data).case_number
        if named is None or any(case.case_number == named for case in open_cases):
            return []
        case = store.complaint_numbered(session, conversation.id, named)
        return open_cases if case is not None and case.status == "resolved" else []

    def _summary_for(self, conversation: Conversation, summary: str, cases: Sequence[Complaint]) -> str:
        """The staff's resolution summary as the conversation's customer hears it: as written when
        they can read it, else the cases' categories in their language (``resolution_untold_category``):
        never Chinese text inside an English reply."""
        locale = self.phrases.locale(conversation.locale)
        if readable_summary(summary, locale):
            return summary
        rules = self.config.classification
        known = {category.id for category in rules.categories}
        ids = dict.fromkeys(case.category if case.category in known else rules.fallback_category for case in cases)
        names = [rules.category(category).name.get(locale) for category in ids]
        said = names[0]
        for name in names[1:]:
            said = self.phrases.render(PhraseId.RESTATE_MORE_CATEGORIES, locale, categories=said, category=name)
        return self.phrases.render(PhraseId.RESOLUTION_UNTOLD_CATEGORY, locale, category=said)

    def _case_numbers(self, conversation: Conversation, cases: Sequence[Complaint]) -> str:
        """The cases' numbers as one phrase says them ("TS1、TS2")."""
        said = cases[0].case_number
        for case in cases[1:]:
            said = self._text(conversation, PhraseId.CASE_NUMBERS_MORE, case_numbers=said, case_number=case.case_number)
        return said

    def resolve(self, session: Session, conversation: Conversation, summary: str, actor: str, now: dt.datetime) -> bool:
        """Record the resolution of the conversation's open complaints; with one, the conversation
        goes back to the bot for the satisfaction callback. Returns whether a complaint was resolved."""
        resolved_by = conversation.owner if conversation.owner.startswith("agent:") else actor
        resolved = store.resolve_open_complaints(session, conversation.id, resolved_by, summary, now)
        store.cancel(session, conversation.id)
        if resolved:
            store.give_back_to_bot(session, conversation)
        return bool(resolved)

    def reopen(
        self,
        session: Session,
        conversation_id: int,
        staff: dict[str, object],
        reason: str,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
    ) -> Outcome:
        """Staff reopen the conversation's resolved case (resolved by mistake, or the customer
        said by phone it is not), the satisfaction callback (回访) called off: reopened as the
        customer's own "没解决" reopens it (:meth:`reopen_case`: graded as a repeat, its deadline
        from the deadline table counted from now, its timers, the supervisors told).

        Who has it: the agent who reopens it (they took the customer's word: first-contact
        ownership, 首问负责); a supervisor or manager gives it back to whoever resolved it, as
        the customer's own "没解决" does (the reopener keeps it when that account is off). The
        customer is told the new time with ``case_reopened``, worded for one who was told of the
        resolution and one who was not. A closed conversation opens again, unless the customer
        has another open one on that channel ("elsewhere").

        ``result`` is the new owner, or "missing", "not yours" (an agent who never handled it),
        "not resolved" or "elsewhere"."""
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return Outcome("missing")
        me = f"agent:{staff['id']}"
        if staff["role"] == "agent" and not store.handled_by(session, conversation_id, int(str(staff["id"]))):
            return Outcome("not yours")
        complaint = store.latest_complaint(session, conversation_id)
        if complaint is None or complaint.status != "resolved":
            return Outcome("not resolved")
        if conversation.status == "closed" and store.customer_elsewhere(session, conversation) is not None:
            return Outcome("elsewhere")
        data, stopped = reopened_by_staff(FlowData.from_json(conversation.flow_data))
        callback = (TimerKind.SATISFACTION_CALLBACK, TimerKind.SATISFACTION_TIMEOUT)
        callback_pending = conversation.status == "open" and any(kind in callback for kind in stopped)
        store.cancel(session, conversation_id, stopped)
        reopener = Reopener(me, agent=staff["role"] == "agent", username=str(staff.get("username") or ""), why=reason)
        return self.reopen_case(
            session,
            conversation,
            complaint,
            reopener,
            now,
            status_on_commit,
            flow_data=data.to_json(),
            callback_cancelled=callback_pending,
        )

    def reopen_earlier_case(
        self,
        session: Session,
        conversation_id: int,
        case_number: str,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
    ) -> Outcome:
        """The customer's "没解决" in a new conversation about their case resolved in an earlier,
        closed one (``Step.reopen_case``): the case comes into this conversation, where the
        customer writes now, and is reopened as at the callback (:meth:`reopen_case`). A case no
        longer resolved (staff reopened it meanwhile) is not touched: the conversation waits in the
        supervisors' queue ("missing")."""
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return Outcome("missing")
        taken = store.take_resolved_case(session, conversation, case_number)
        if taken is None:
            request = HandoffRequest(SUPERVISOR_QUEUE, REOPENED_PRIORITY, TicketReason.AFTER_RESOLUTION)
            open_or_raise_ticket(session, conversation.id, None, request, now)
            return Outcome("missing", Effects(queue_changed=[conversation.id]))
        earlier, moved_from = taken
        # The closed conversation's timeline says where its case went.
        detail = {"case_number": case_number, "conversation_id": conversation.id, "channel": conversation.channel}
        add_timeline_event(
            session, moved_from, TimelineKind.REOPENED_BY_CUSTOMER, CUSTOMER, detail, now, complaint_id=earlier.id
        )
        return self.reopen_case(session, conversation, earlier, Reopener(), now, status_on_commit)

    def reopen_proven_case(
        self,
        session: Session,
        writer_id: int,
        case_number: str,
        text: str,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
    ) -> Outcome:
        """The customer's "没解决" about a resolved case of another customer record, proven theirs by
        its phone's last digits in conversation ``writer_id`` (``Step.reopen_proven_case``): the case
        stays in its own conversation and is reopened there as staff reopen it (its 回访 called off,
        :meth:`reopen_case`); the writer hears the new time where they wrote, and the case's timeline
        says who reopened it from where. A case no longer resolved, or whose closed conversation
        cannot open again (its customer writes in another on that channel), is not touched: the
        writer's conversation waits in the supervisors' queue ("missing")."""
        writer = session.get(Conversation, writer_id)
        if writer is None:
            return Outcome("missing")
        complaint = store.resolved_case_numbered(session, case_number)
        conversation = session.get(Conversation, complaint.conversation_id) if complaint is not None else None
        if (
            complaint is None
            or conversation is None
            or (conversation.status == "closed" and store.customer_elsewhere(session, conversation) is not None)
        ):
            request = HandoffRequest(SUPERVISOR_QUEUE, REOPENED_PRIORITY, TicketReason.AFTER_RESOLUTION)
            open_or_raise_ticket(session, writer.id, None, request, now)
            return Outcome("missing", Effects(queue_changed=[writer.id]))
        data, stopped = reopened_by_staff(FlowData.from_json(conversation.flow_data))
        callback = (TimerKind.SATISFACTION_CALLBACK, TimerKind.SATISFACTION_TIMEOUT)
        callback_pending = conversation.status == "open" and any(kind in callback for kind in stopped)
        store.cancel(session, conversation.id, stopped)
        detail = {"case_number": case_number, "conversation_id": writer.id, "channel": writer.channel, "text": text}
        add_timeline_event(
            session,
            conversation.id,
            TimelineKind.REOPENED_BY_CUSTOMER,
            CUSTOMER,
            {**detail, "phone_checked": True},
            now,
            complaint_id=complaint.id,
        )
        return self.reopen_case(
            session,
            conversation,
            complaint,
            Reopener(),
            now,
            status_on_commit,
            flow_data=data.to_json(),
            callback_cancelled=callback_pending,
            told=writer,
        )

    def reopen_case(
        self,
        session: Session,
        conversation: Conversation,
        complaint: Complaint,
        reopener: Reopener,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
        flow_data: dict[str, object] | None = None,
        callback_cancelled: bool = False,
        told: Conversation | None = None,
    ) -> Outcome:
        """The one way a resolved case is reopened, by the customer's "没解决" at the callback (回访)
        or by staff in the console: graded as a repeat (:func:`regraded`: complex, the ``repeat``
        signal, its deadline from the deadline table counted from now), given to its owner
        (:func:`reopened_owner`), its case timers armed anew, the customer told the new time
        (``case_reopened``, in their script), the timeline's ``reopened`` row (who, why, owner, new
        deadline and grade), the owner told when someone else reopened it, and the supervisors told
        always (a reopened complaint is escalated). ``flow_data``: the conversation's, when the
        reopening changes it (staff call the callback off); ``told``: the conversation the customer
        hears the new time in, when not the case's own (they wrote from another); ``result`` is the
        new owner."""
        tier = store.customer_tier(session, conversation.customer_id) or complaint.customer_tier
        graded = regraded(complaint.signals or [], complaint.category, tier, now, self.config.deadlines, self.calendar)
        deadline = graded.deadline.due_at.astimezone(dt.UTC)
        by_staff = reopener.actor != CUSTOMER
        owner = reopened_owner(
            complaint.resolved_by,
            store.active_staff(session, complaint.resolved_by),
            reopener.actor if by_staff else None,
            reopener.agent,
        )
        store.reopen_case(
            session, conversation, complaint, owner, graded.grade.value, list(graded.signals), deadline, now, flow_data
        )
        told = told or conversation
        locale = self.phrases.locale(told.locale)
        moment = describe_moment(deadline, now, self.calendar.timezone, self.phrases.time_words(locale))
        delivery = self._say(
            session,
            told,
            PhraseId.CASE_REOPENED,
            now,
            status_on_commit,
            case_number=complaint.case_number,
            deadline=moment,
        )
        effects = Effects(staff_events=[_refetch(conversation.id)])
        if delivery is not None:
            effects.deliveries.append(delivery)
        queued: dict[str, object] = {}
        if not owner.startswith("agent:"):
            # Nobody to give it back to (whoever resolved it is off): the supervisors' queue takes it.
            request = HandoffRequest(SUPERVISOR_QUEUE, REOPENED_PRIORITY, TicketReason.AFTER_RESOLUTION)
            open_or_raise_ticket(session, conversation.id, complaint.id, request, now)
            effects.queue_changed.append(conversation.id)
            queued = {"queue": SUPERVISOR_QUEUE, "priority": REOPENED_PRIORITY}
        why = {"username": reopener.username, "why": reopener.why} if by_staff else {}
        detail: dict[str, object] = {
            **why,
            "owner": owner,
            "case_number": complaint.case_number,
            "deadline_at": deadline.isoformat(),
            "grade": graded.grade.value,
            "signals": list(graded.signals),
            **queued,
            "callback_cancelled": callback_cancelled,
            "message_id": delivery and delivery.message_id,
        }
        self._timeline(session, complaint, TimelineKind.REOPENED, now, actor=reopener.actor, **detail)
        notice: dict[str, object] = {"case_number": complaint.case_number}
        if by_staff:
            notice.update(how="reopened", by=reopener.username, why=reopener.why)
        audiences = [SUPERVISORS]
        if owner.startswith("agent:") and owner != reopener.actor:
            audiences.insert(0, user_audience(int(owner.removeprefix("agent:"))))
        for audience in audiences:
            event = notify(
                session,
                "case_reopened",
                audience,
                now,
                conversation_id=conversation.id,
                complaint_id=complaint.id,
                detail=notice,
            )
            if event is not None:
                effects.staff_events.append(event)
        effects.timers = _schedules(
            store.arm_on_promise(
                session,
                conversation.id,
                now,
                deadline,
                complaint.category,
                now,
                self.config.followups,
                complaint_id=complaint.id,
            )
        )
        return Outcome(owner, effects, deadline=deadline.isoformat())

    def confirm(self, session: Session, conversation_id: int, staff: dict[str, object], now: dt.datetime) -> str:
        """The customer confirmed the resolution: "confirmed", "missing", "not yours" or "not resolved"."""
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return "missing"
        complaint = store.latest_complaint(session, conversation_id)
        me = f"agent:{staff['id']}"
        if staff["role"] == "agent" and me not in (conversation.owner, complaint and complaint.resolved_by):
            return "not yours"
        if complaint is None or complaint.status != "resolved":
            return "not resolved"
        self._timeline(
            session,
            complaint,
            TimelineKind.CUSTOMER_CONFIRMED,
            now,
            actor=me,
            case_number=complaint.case_number,
            username=staff.get("username"),
        )
        return "confirmed"
