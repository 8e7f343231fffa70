"""What the promise tracker does when a case timer fires, a deadline is extended, a case is
resolved or the customer confirms the resolution.

Each function runs inside the caller's transaction and returns an :class:`Outcome`: what came
of it, and the :class:`~bot.outbound.effects.Effects` to commit after the transaction (messages for the
outbound gateway, timers to schedule, staff events to publish).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.config import Clock, DeadlineTable, Grade, PhraseId, ServiceConfig, Signal
from bot.core.messages import Sender
from bot.core.phrases import Phrases, TraditionalScript
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.timeline import TimelineKind
from bot.flows.callback import reopened_by_staff
from bot.flows.complaint import SUPERVISOR_QUEUE
from bot.flows.data import FlowData, TimerKind, writes_traditional
from bot.flows.deadline import (
    BusinessCalendar,
    ExtensionTerms,
    compute_deadline,
    describe_moment,
    due_after,
    extension_terms,
    format_hours,
    rounding_minutes,
)
from bot.outbound.effects import Delivery, Effects, TimerSchedule
from bot.outbound.outbox import add_customer_message
from bot.promises.timers import CASE_KINDS, CaseTimer, CaseTimerKind, next_follow_up
from bot.storage import promises as store
from bot.storage.conversations import add_timeline_event, appealed_complaint
from bot.storage.models import Complaint, Conversation
from bot.storage.notifications import SUPERVISORS, notify, user_audience

StatusOnCommit = Callable[[str], str]
ACTOR = "worker"
_HOUR_SECONDS = 3600


@dataclass(slots=True)
class Outcome:
    """What a tracker action came to, and what to do once its transaction committed."""

    result: str = "done"
    effects: Effects = field(default_factory=Effects)
    previous: str | None = None
    """An extension's deadline before it (ISO time), for the audit log."""
    deadline: str | None = None
    """A reopened case's new deadline (ISO time)."""


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


def case_to_extend(session: Session, conversation: Conversation) -> Complaint | None:
    """The complaint whose deadline an extension on this conversation moves: its own latest, or
    the case it appealed (``appeal_of``) when it has none."""
    return store.latest_complaint(session, conversation.id) or appealed_complaint(session, conversation)


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

    # ------------------------------------------------------------------ how times are said

    def wait_text(self, deadline: dt.datetime, now: dt.datetime, locale: str) -> str:
        """The ``{wait}`` of the waiting apology: "6小时（今天晚上8点前）"; under an hour in whole
        minutes, floored as the time said is and at least 1: "12分钟（今天下午3点前）"."""
        moment = describe_moment(deadline, now, self.calendar.timezone, self.phrases.time_words(locale))
        seconds = (deadline - now).total_seconds()
        if seconds < _HOUR_SECONDS:
            minutes = max(int(seconds // 60), 1)
            return self.phrases.render(PhraseId.WAIT_TIME_MINUTES, locale, minutes=minutes, deadline=moment)
        return self.phrases.render(PhraseId.WAIT_TIME, locale, hours=format_hours(seconds / 3600), deadline=moment)

    def _text(self, conversation: Conversation, phrase_id: PhraseId, **variables: object) -> str:
        """The phrase as this conversation's customer reads it (their language, their script)."""
        locale = self.phrases.locale(conversation.locale)
        text = self.phrases.render(phrase_id, locale, **variables)
        if writes_traditional(conversation.flow_data):
            text = self.traditional.text(text, locale)
        return text

    def _say(
        self,
        session: Session,
        conversation: Conversation,
        phrase_id: PhraseId,
        now: dt.datetime,
        status_on_commit: StatusOnCommit,
        **variables: object,
    ) -> Delivery | None:
        text = self._text(conversation, phrase_id, **variables)
        return add_customer_message(
            session, conversation.id, text, Sender.SYSTEM, now, status_on_commit, phrase_id=phrase_id.value
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
            wait = self.wait_text(complaint.deadline_at, now, self.phrases.locale(conversation.locale))
            self._apologise(effects, session, conversation, complaint, wait, now, status_on_commit)
        elif kind is CaseTimerKind.BREACH:
            self._breach(effects, session, conversation, complaint, now, token, detail)
        elif kind is CaseTimerKind.FOLLOW_UP:
            delivery = self._say(
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
        delivery = self._say(session, conversation, PhraseId.WAITING_APOLOGY, now, status_on_commit, wait=wait)
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

    def _breach(
        self,
        effects: Effects,
        session: Session,
        conversation: Conversation,
        complaint: Complaint,
        now: dt.datetime,
        token: int,
        detail: dict[str, object],
    ) -> None:
        store.mark_breached(session, complaint, now)
        self._timeline(session, complaint, TimelineKind.DEADLINE_BREACHED, now, **detail)
        self._notify(effects, session, complaint, "deadline_breached", SUPERVISORS, now, token, detail)
        if store.escalate_waiting_ticket(session, conversation.id, SUPERVISOR_QUEUE, 0, complaint.id):
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
    ) -> Outcome:
        """Move the open complaint's deadline ``hours`` later (from now, if it has passed), counted
        and rounded as its own promise was (the clock of its ``deadlines.yaml`` rule: around the
        clock for danger now, else the table's ``clock``; ``round_to_minutes``); the
        customer hears ``deadline_extended`` with the new time as a date (not hours to wait, nor
        "kept waiting so long" minutes after filing); reminder, apology and breach are re-armed.

        In a conversation that appealed a case (``appeal_of``) and has no complaint of its own,
        the appealed case's deadline moves: its timeline and timers are on the case's
        conversation, and the customer hears the new time where they appealed from.

        ``result`` is "missing" (no such conversation), "no complaint", "not open", "too short"
        (under ``deadlines.extension_min_hours``), "too many" (``extensions_per_case`` reached) or
        the new deadline.
        """
        planned = self._extension(session, conversation_id, hours, now)
        if isinstance(planned, str):
            return Outcome(planned)
        conversation, complaint, previous, deadline, moment = planned
        store.extend_deadline(session, complaint, deadline)
        effects = Effects(staff_events=[_refetch(conversation_id)])
        if complaint.conversation_id != conversation_id:
            effects.staff_events.append(_refetch(complaint.conversation_id))
        delivery = self._say(session, conversation, PhraseId.DEADLINE_EXTENDED, now, status_on_commit, deadline=moment)
        if delivery is not None:
            effects.deliveries.append(delivery)
        self._timeline(
            session,
            complaint,
            TimelineKind.DEADLINE_EXTENDED,
            now,
            actor=actor,
            previous=previous.isoformat(),
            deadline_at=deadline.isoformat(),
            hours=hours,
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
        return Outcome(deadline.isoformat(), effects, previous=previous.isoformat())

    def preview_extension(
        self, session: Session, conversation_id: int, hours: float, now: dt.datetime
    ) -> ExtensionPreview | str:
        """What :meth:`extend` with ``hours`` would do now, changing nothing: the new deadline and
        the message the customer would be sent; or :meth:`extend`'s refusal ("missing", "no
        complaint", "not open", "too short", "too many")."""
        planned = self._extension(session, conversation_id, hours, now)
        if isinstance(planned, str):
            return planned
        conversation, complaint, previous, deadline, moment = planned
        message = self._text(conversation, PhraseId.DEADLINE_EXTENDED, deadline=moment)
        terms = extension_terms_of(complaint, self.config.deadlines)
        return ExtensionPreview(
            previous=previous,
            deadline=deadline,
            said=moment,
            message=message,
            clock=terms.clock,
            default_hours=terms.default_hours,
        )

    def _extension(
        self, session: Session, conversation_id: int, hours: float, now: dt.datetime
    ) -> tuple[Conversation, Complaint, dt.datetime, dt.datetime, str] | str:
        """The conversation, its open complaint, the deadline before and after ``hours`` more and
        the new one as the customer is told it; or why the deadline may not move."""
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return "missing"
        complaint = case_to_extend(session, conversation)
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
        said by phone it is not): open again with a reply deadline from the deadline table,
        counted from now, and its timers; the satisfaction callback (回访) called off.

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
        owner = me
        if staff["role"] != "agent" and store.active_staff(session, complaint.resolved_by):
            owner = str(complaint.resolved_by)
        table = self.config.deadlines
        tier = store.customer_tier(session, conversation.customer_id) or complaint.customer_tier
        known = {signal.value for signal in Signal}
        signals = [Signal(value) for value in complaint.signals or [] if value in known]
        deadline = compute_deadline(
            now, Grade(complaint.grade), tier, complaint.category, table, self.calendar, signals
        ).due_at.astimezone(dt.UTC)
        data, stopped = reopened_by_staff(FlowData.from_json(conversation.flow_data))
        callback = (TimerKind.SATISFACTION_CALLBACK, TimerKind.SATISFACTION_TIMEOUT)
        callback_pending = conversation.status == "open" and any(kind in callback for kind in stopped)
        store.reopen_by_staff(session, conversation, complaint, owner, deadline, data.to_json(), now)
        store.cancel(session, conversation_id, [*CASE_KINDS, *stopped])
        locale = self.phrases.locale(conversation.locale)
        moment = describe_moment(deadline, now, self.calendar.timezone, self.phrases.time_words(locale))
        delivery = self._say(
            session,
            conversation,
            PhraseId.CASE_REOPENED,
            now,
            status_on_commit,
            case_number=complaint.case_number,
            deadline=moment,
        )
        effects = Effects(staff_events=[_refetch(conversation_id)])
        if delivery is not None:
            effects.deliveries.append(delivery)
        self._timeline(
            session,
            complaint,
            TimelineKind.REOPENED,
            now,
            actor=me,
            username=staff.get("username"),
            why=reason,
            owner=owner,
            case_number=complaint.case_number,
            deadline_at=deadline.isoformat(),
            callback_cancelled=callback_pending,
            message_id=delivery and delivery.message_id,
        )
        if owner != me:
            event = notify(
                session,
                "case_reopened",
                user_audience(int(owner.removeprefix("agent:"))),
                now,
                conversation_id=conversation_id,
                complaint_id=complaint.id,
                detail={
                    "how": "reopened",
                    "case_number": complaint.case_number,
                    "by": staff.get("username"),
                    "why": reason,
                },
            )
            if event is not None:
                effects.staff_events.append(event)
        effects.timers = _schedules(
            store.arm_on_promise(
                session, conversation_id, now, deadline, complaint.category, now, self.config.followups
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
