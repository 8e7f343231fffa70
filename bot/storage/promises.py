"""The promise tracker's SQL: case timers, satisfaction records, reopening. Each takes a sync session."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session

from bot.config import Followups, Grade
from bot.core.timeline import TimelineKind
from bot.flows.records import EscalatedDeadline, SatisfactionRecord, State
from bot.promises.timers import CASE_KINDS, CaseTimer, CaseTimerKind, deadline_plan, next_follow_up
from bot.storage.db import rows_matched
from bot.storage.models import (
    Complaint,
    Conversation,
    Customer,
    HandoffTicket,
    Satisfaction,
    TimelineEvent,
    Timer,
    User,
)
from bot.storage.store import dialect_insert

OPEN_STATUSES = ("open", "incomplete")


def latest_complaint(session: Session, conversation_id: int) -> Complaint | None:
    return session.execute(
        select(Complaint).where(Complaint.conversation_id == conversation_id).order_by(Complaint.id.desc()).limit(1)
    ).scalar_one_or_none()


def take_resolved_case(session: Session, conversation: Conversation, case_number: str) -> tuple[Complaint, int] | None:
    """The customer's case ``case_number``, resolved in a conversation that has closed, brought
    into ``conversation`` (where they are writing now, so its replies, status and next callback
    are there), with the id of the conversation it was in; None when it is no such case of this
    conversation's customer (reopened meanwhile)."""
    complaint = session.execute(
        select(Complaint)
        .join(Conversation, Conversation.id == Complaint.conversation_id)
        .where(
            Complaint.case_number == case_number,
            Complaint.customer_id == conversation.customer_id,
            Complaint.status == "resolved",
            Conversation.status == "closed",
        )
    ).scalar_one_or_none()
    if complaint is None:
        return None
    moved_from, complaint.conversation_id = complaint.conversation_id, conversation.id
    return complaint, moved_from


def resolved_case_numbered(session: Session, case_number: str) -> Complaint | None:
    """The resolved case ``case_number``, whoever's and wherever it is; None when there is no
    such case or it is not resolved (reopened meanwhile)."""
    return session.execute(
        select(Complaint).where(Complaint.case_number == case_number, Complaint.status == "resolved")
    ).scalar_one_or_none()


def open_complaints(session: Session, conversation_id: int) -> list[Complaint]:
    """The conversation's open cases, oldest first (another problem told after the hand-off is a
    case of its own beside the first)."""
    return list(
        session.execute(
            select(Complaint)
            .where(Complaint.conversation_id == conversation_id, Complaint.status.in_(OPEN_STATUSES))
            .order_by(Complaint.id)
        ).scalars()
    )


def complaint_numbered(session: Session, conversation_id: int, case_number: str) -> Complaint | None:
    """The conversation's case of this number, or None."""
    return session.execute(
        select(Complaint).where(Complaint.conversation_id == conversation_id, Complaint.case_number == case_number)
    ).scalar_one_or_none()


def arm(
    session: Session, conversation_id: int, due: dict[CaseTimerKind, dt.datetime], complaint_id: int = 0
) -> list[CaseTimer]:
    """Upsert a pending row per kind for the case ``complaint_id`` with a fresh token (the old
    token's firings become stale); the token is new across the conversation's cases, so a firing
    names its case's row. Each case of the conversation keeps its own timers."""
    if not due:
        return []
    tokens = dict(
        session.execute(
            select(Timer.kind, func.max(Timer.token))
            .where(Timer.conversation_id == conversation_id, Timer.kind.in_([kind.value for kind in due]))
            .group_by(Timer.kind)
        ).all()
    )
    armed = [CaseTimer(conversation_id, kind, int(tokens.get(kind.value) or 0) + 1, at) for kind, at in due.items()]
    statement = dialect_insert(session, Timer)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["conversation_id", "kind", "complaint_id"],
            set_={"token": statement.excluded.token, "due_at": statement.excluded.due_at, "status": "pending"},
        ),
        [
            {
                "conversation_id": timer.conversation_id,
                "kind": timer.kind.value,
                "complaint_id": complaint_id,
                "token": timer.token,
                "due_at": timer.due_at,
                "status": "pending",
            }
            for timer in armed
        ],
    )
    return armed


def arm_on_promise(
    session: Session,
    conversation_id: int,
    start: dt.datetime,
    deadline: dt.datetime,
    category: str,
    now: dt.datetime,
    followups: Followups,
    follow_up: bool = True,
    complaint_id: int = 0,
) -> list[CaseTimer]:
    """Arm reminder, apology and breach for the case ``complaint_id``'s ``deadline`` (and the first
    progress follow-up)."""
    due = deadline_plan(start, deadline, now, followups)
    follow_up_at = next_follow_up(category, now, followups) if follow_up else None
    if follow_up_at is not None:
        due[CaseTimerKind.FOLLOW_UP] = follow_up_at
    return arm(session, conversation_id, due, complaint_id)


def cancel(session: Session, conversation_id: int, kinds: Iterable[str] = CASE_KINDS) -> None:
    session.execute(
        update(Timer)
        .where(
            Timer.conversation_id == conversation_id,
            Timer.kind.in_(list(kinds)),
            Timer.status.in_(("pending", "requeued")),
        )
        .values(status="cancelled")
    )


def cancel_cases(session: Session, conversation_id: int, complaint_ids: Iterable[int]) -> None:
    """Call off the case timers of these cases of the conversation (0: a row armed before timers
    were kept per case); the conversation's other cases keep theirs."""
    session.execute(
        update(Timer)
        .where(
            Timer.conversation_id == conversation_id,
            Timer.complaint_id.in_(sorted(set(complaint_ids))),
            Timer.kind.in_(list(CASE_KINDS)),
            Timer.status.in_(("pending", "requeued")),
        )
        .values(status="cancelled")
    )


def take_timer(session: Session, conversation_id: int, kind: CaseTimerKind, token: int) -> int | None:
    """Mark the row fired if ``token`` is still the armed one, and return the case it is for (0:
    a row armed before timers were kept per case, the conversation's newest); None for a stale or
    repeated firing."""
    return session.execute(
        update(Timer)
        .where(
            Timer.conversation_id == conversation_id,
            Timer.kind == kind.value,
            Timer.token == token,
            Timer.status.in_(("pending", "requeued")),
        )
        .values(status="fired")
        .returning(Timer.complaint_id)
    ).scalar_one_or_none()


def timer_case(session: Session, conversation_id: int, complaint_id: int) -> Complaint | None:
    """The case a case timer is for: ``complaint_id`` of the conversation, else its newest."""
    if complaint_id:
        case = session.get(Complaint, complaint_id)
        if case is not None and case.conversation_id == conversation_id:
            return case
    return latest_complaint(session, conversation_id)


def record_satisfaction(
    session: Session, conversation_id: int, channel: str, record: SatisfactionRecord, now: dt.datetime
) -> int | None:
    """Store the callback's answer against the conversation's complaint (the one of
    ``record.case_number`` when it names one); returns the complaint id."""
    complaint = None
    if record.case_number is not None:
        complaint = session.execute(
            select(Complaint).where(
                Complaint.conversation_id == conversation_id, Complaint.case_number == record.case_number
            )
        ).scalar_one_or_none()
    if complaint is None:
        complaint = latest_complaint(session, conversation_id)
    if complaint is None:
        return None
    session.add(
        Satisfaction(
            complaint_id=complaint.id,
            conversation_id=conversation_id,
            rating=record.rating,
            comment=record.comment,
            method=channel,
            person="bot",
            resolved=record.resolved,
            created_at=now,
        )
    )
    return complaint.id


def handled_by(session: Session, conversation_id: int, agent_id: int) -> bool:
    """Has the agent handled the conversation's case: owns it, claimed one of its tickets, or
    resolved one of its complaints?"""
    me = f"agent:{agent_id}"
    owns = exists().where(Conversation.id == conversation_id, Conversation.owner == me)
    claimed = exists().where(
        HandoffTicket.conversation_id == conversation_id, HandoffTicket.claimed_by == str(agent_id)
    )
    resolved = exists().where(Complaint.conversation_id == conversation_id, Complaint.resolved_by == me)
    return bool(session.execute(select(or_(owns, claimed, resolved))).scalar_one())


def active_staff(session: Session, owner: str | None) -> bool:
    """Is ``owner`` ("agent:<id>") an account that is still on?"""
    if not owner or not owner.startswith("agent:"):
        return False
    user_id = int(owner.removeprefix("agent:"))
    return bool(session.execute(select(User.active).where(User.id == user_id)).scalar_one_or_none())


def customer_tier(session: Session, customer_id: int) -> str | None:
    return session.execute(select(Customer.tier).where(Customer.id == customer_id)).scalar_one_or_none()


def customer_elsewhere(session: Session, conversation: Conversation) -> int | None:
    """Another open conversation of the conversation's channel identity (the customer wrote again
    after it closed), which stays theirs: a closed conversation is opened again only without one."""
    return session.execute(
        select(Conversation.id).where(
            Conversation.identity_id == conversation.identity_id,
            Conversation.status == "open",
            Conversation.id != conversation.id,
        )
    ).scalar_one_or_none()


def reopen_case(
    session: Session,
    conversation: Conversation,
    complaint: Complaint,
    owner: str,
    grade: str,
    signals: list[str],
    deadline: dt.datetime,
    now: dt.datetime,
    flow_data: dict[str, object] | None = None,
) -> None:
    """The resolved complaint is open again, graded ``grade`` with ``signals`` and a new deadline
    promised now, in ``owner``'s hands (its ownership version moved on, so a bot step computed
    before is dropped), the conversation handed off (opened again if it had closed; with
    ``flow_data`` when given, else its own). Its case timers are called off, to be armed anew."""
    complaint.status, complaint.resolved_at = "open", None
    complaint.promised_at, complaint.deadline_at = now, deadline
    complaint.original_deadline_at = None  # the reopening's is a first promise: none extended yet
    complaint.grade, complaint.signals = grade, signals
    conversation.owner, conversation.ownership_version = owner, conversation.ownership_version + 1
    conversation.flow_state = State.HANDED_OFF.value
    if flow_data is not None:
        conversation.flow_data = flow_data
    conversation.status, conversation.closed_at, conversation.closed_reason = "open", None, None
    cancel_cases(session, conversation.id, [complaint.id, 0])


def resolution_summary(session: Session, conversation_id: int, case_number: str | None = None) -> str | None:
    """What the staff wrote of how the conversation's case ``case_number`` (the one the callback
    names), else its latest resolved case, was resolved (the console's 处理结果摘要), for the
    callback to tell the customer; None without one."""
    resolved = [Complaint.conversation_id == conversation_id, Complaint.status == "resolved"]
    if case_number is not None:
        named = session.execute(
            select(Complaint.resolution_summary).where(*resolved, Complaint.case_number == case_number)
        ).scalar_one_or_none()
        if named is not None:
            return named
    return session.execute(
        select(Complaint.resolution_summary)
        .where(*resolved)
        .order_by(Complaint.resolved_at.desc(), Complaint.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def resolved_awaiting_callback(session: Session, resolved_before: dt.datetime) -> list[int]:
    """Conversations handed back to the bot by a resolution whose ``Resolved`` event never ran
    (lost between the resolve's commit and its push): still ``handed_off``, owned by the bot,
    with a complaint resolved before ``resolved_before``."""
    rows = session.execute(
        select(Conversation.id)
        .where(
            Conversation.owner == "bot",
            Conversation.status == "open",
            Conversation.flow_state == "handed_off",
            select(Complaint.id)
            .where(
                Complaint.conversation_id == Conversation.id,
                Complaint.status == "resolved",
                Complaint.resolved_at <= resolved_before,
            )
            .exists(),
        )
        .limit(500)
    )
    return list(rows.scalars())


def satisfaction_of(session: Session, conversation_id: int) -> list[Satisfaction]:
    """The conversation's satisfaction records, oldest first."""
    return list(
        session.execute(
            select(Satisfaction).where(Satisfaction.conversation_id == conversation_id).order_by(Satisfaction.id)
        ).scalars()
    )


def mark_breached(session: Session, complaint: Complaint, now: dt.datetime) -> None:
    """The complaint's deadline passed unresolved: ``breached_at`` (the first breach's time is kept)."""
    complaint.breached_at = complaint.breached_at or now


class TicketEscalation(enum.Enum):
    """What escalating a conversation's waiting tickets did."""

    MOVED = "moved"
    """At least one went to the queue (or to its priority)."""
    ALREADY_THERE = "already_there"
    """Every one waits there already, as urgent or more: nothing moved, still unclaimed."""
    NONE_WAITING = "none_waiting"


def case_ticket_priority(session: Session, conversation_id: int, complaint_id: int) -> int | None:
    """The most urgent priority the case's tickets (or the conversation's of no case) wait or are
    held at; None when none waits or is held."""
    return session.execute(
        select(func.min(HandoffTicket.priority)).where(
            HandoffTicket.conversation_id == conversation_id,
            HandoffTicket.status.in_(("waiting", "claimed")),
            or_(HandoffTicket.complaint_id.is_(None), HandoffTicket.complaint_id == complaint_id),
        )
    ).scalar_one_or_none()


def escalate_waiting_ticket(
    session: Session, conversation_id: int, queue: str, priority: int, complaint_id: int | None = None
) -> TicketEscalation:
    """Move the conversation's waiting tickets (an appeal may wait beside a transfer's) to
    ``queue`` with ``priority``; with ``complaint_id``, only that case's (and those of no case):
    another case of the conversation keeps its own queue. A ticket waiting there already, as
    urgent or more, is left as it is: it was not escalated, only still unclaimed."""
    of_the_case = (
        [or_(HandoffTicket.complaint_id.is_(None), HandoffTicket.complaint_id == complaint_id)]
        if complaint_id is not None
        else []
    )
    waiting = (HandoffTicket.conversation_id == conversation_id, HandoffTicket.status == "waiting", *of_the_case)
    moved = session.execute(
        update(HandoffTicket)
        .where(*waiting, or_(HandoffTicket.queue != queue, HandoffTicket.priority > priority))
        .values(queue=queue, priority=priority)
    )
    if rows_matched(moved) > 0:
        return TicketEscalation.MOVED
    still = session.execute(select(func.count()).select_from(HandoffTicket).where(*waiting)).scalar_one()
    return TicketEscalation.ALREADY_THERE if still else TicketEscalation.NONE_WAITING


def extensions_of(session: Session, complaint: Complaint) -> int:
    """How many times the complaint's deadline was extended."""
    return session.execute(
        select(func.count()).where(
            TimelineEvent.conversation_id == complaint.conversation_id,
            TimelineEvent.kind == TimelineKind.DEADLINE_EXTENDED.value,
            TimelineEvent.complaint_id == complaint.id,
        )
    ).scalar_one()


def extend_deadline(session: Session, complaint: Complaint, deadline: dt.datetime) -> None:
    """The complaint's new deadline; the first promised one stays in ``original_deadline_at``."""
    complaint.original_deadline_at = complaint.original_deadline_at or complaint.deadline_at
    complaint.deadline_at = deadline


def bring_deadline_forward(
    session: Session, conversation_id: int, escalated: EscalatedDeadline, now: dt.datetime, followups: Followups
) -> tuple[int, list[CaseTimer]] | None:
    """The conversation's open case, escalated after its hand-off: its deadline becomes the
    escalation's when that is sooner than the one in force or that one has passed, its signals gain
    the escalation's (its extensions count on their clock), and its reminder, apology and breach
    are armed for it (a withdrawal taken back, ``taken_back``: armed again, for the time in force
    while it is ahead). The case's id and the timers armed (none when its deadline stays); None when
    the conversation has no such open case."""
    # An appeal's case is another conversation's (the appeal proved it the writer's).
    where_filed = [] if escalated.appealed else [Complaint.conversation_id == conversation_id]
    complaint = session.execute(
        select(Complaint).where(
            *where_filed,
            Complaint.case_number == escalated.case_number,
            Complaint.status.in_(OPEN_STATUSES),
        )
    ).scalar_one_or_none()
    if complaint is None:
        return None
    if escalated.grade is Grade.COMPLEX:
        complaint.grade = Grade.COMPLEX.value
    in_force = complaint.deadline_at
    kept = in_force if in_force is not None and now < in_force <= escalated.deadline_at else None
    if kept is not None and not escalated.taken_back:
        return complaint.id, []
    # A withdrawal taken back keeps a time still ahead: only its timers come back.
    complaint.deadline_at = kept or escalated.deadline_at
    complaint.signals = sorted({*(complaint.signals or ()), *escalated.signals})
    timers = arm_on_promise(
        session,
        complaint.conversation_id,
        now,
        kept or escalated.deadline_at,
        complaint.category,
        now,
        followups,
        follow_up=False,
        complaint_id=complaint.id,
    )
    return complaint.id, timers


def give_back_to_bot(session: Session, conversation: Conversation) -> None:
    """The bot owns the conversation again (its ownership version moved on)."""
    conversation.owner, conversation.ownership_version = "bot", conversation.ownership_version + 1


def resolve_complaints(
    session: Session, complaint_ids: Iterable[int], resolved_by: str, summary: str, now: dt.datetime
) -> None:
    """Mark these open complaints resolved (some of a conversation's cases; the others stay open)."""
    session.execute(
        update(Complaint)
        .where(Complaint.id.in_(sorted(set(complaint_ids))), Complaint.status.in_(OPEN_STATUSES))
        .values(status="resolved", resolved_at=now, resolved_by=resolved_by, resolution_summary=summary)
    )


def resolve_open_complaints(
    session: Session, conversation_id: int, resolved_by: str, summary: str, now: dt.datetime
) -> int:
    """Mark the conversation's open complaints resolved; how many there were."""
    return rows_matched(
        session.execute(
            update(Complaint)
            .where(Complaint.conversation_id == conversation_id, Complaint.status.in_(OPEN_STATUSES))
            .values(status="resolved", resolved_at=now, resolved_by=resolved_by, resolution_summary=summary)
        )
    )
