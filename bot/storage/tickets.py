"""Handoff tickets: claiming and resolving them, the live queue's reads, position notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.core.messages import MessageKind
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.storage.conversations import add_timeline_event
from bot.storage.db import rows_matched
from bot.storage.models import Complaint, Conversation, Customer, HandoffTicket, Message, TimelineEvent
from bot.storage.newest_inbound import newest_inbound

ClaimOutcome = Literal["claimed", "missing", "taken", "owned", "closed", "not your queue", "own appeal"]

WAITING, CLAIMED, RESOLVED = "waiting", "claimed", "resolved"
SETTLED_CASE_STATUSES = ("resolved", "closed")
"""A complaint's statuses once it is handled."""
TRANSFERRED = "transferred"
"""A waiting ticket a transfer closed: the conversation went to a person or to another queue's
new ticket, so nobody may claim it from this one."""
AGENT_OWNER = "agent:"
TRANSFER_PRIORITY = 1
"""A case transferred to a queue waits there elevated (P1), or as urgent as it already was."""


def _claimable() -> ColumnElement[bool]:
    """Its conversation has no agent owner, or the ticket is an appeal (the one way a supervisor
    takes a case from the agent holding it, ``bot.flows.appeals``)."""
    owned = exists().where(Conversation.id == HandoffTicket.conversation_id, Conversation.owner.startswith(AGENT_OWNER))
    return or_(HandoffTicket.reason == TicketReason.APPEAL, ~owned)


def _not_an_appeal_against(agent_id: int) -> ColumnElement[bool]:
    """Not an appeal of a case the agent handles or handled (owns it, claimed one of its tickets,
    resolved its complaint): claiming it would close the appeal against their own work."""
    me = f"{AGENT_OWNER}{agent_id}"
    other = aliased(HandoffTicket)
    theirs = or_(
        exists().where(Conversation.id == HandoffTicket.conversation_id, Conversation.owner == me),
        exists().where(other.conversation_id == HandoffTicket.conversation_id, other.claimed_by == str(agent_id)),
        exists().where(Complaint.conversation_id == HandoffTicket.conversation_id, Complaint.resolved_by == me),
    )
    return ~and_(HandoffTicket.reason == TicketReason.APPEAL, theirs)


def claim_ticket(
    session: Session,
    ticket_id: int,
    staff: dict[str, Any],
    allowed: Collection[str] | None,
    now: dt.datetime,
    *,
    reviews_appeals: bool,
) -> tuple[ClaimOutcome, int | None]:
    """Claim a waiting ticket from one of the ``allowed`` queues (None: any) for the agent
    ``staff``; the conversation becomes theirs with its ownership version moved on.
    A ticket whose conversation an agent already owns is refused ("owned"; but for an appeal),
    as is one no longer waiting ("taken" when claimed, else "closed"), and, unless the claimer
    ``reviews_appeals`` (supervisors, managers), an appeal of a case they handle or handled
    ("own appeal").
    Returns the outcome and, when claimed, the conversation id."""
    in_queue = [] if allowed is None else [HandoffTicket.queue.in_(sorted(allowed))]
    not_theirs = [] if reviews_appeals else [_not_an_appeal_against(staff["id"])]
    claimed = session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.id == ticket_id, HandoffTicket.status == WAITING, *in_queue, _claimable(), *not_theirs)
        .values(status=CLAIMED, claimed_by=str(staff["id"]), claimed_at=now)
        .returning(HandoffTicket.conversation_id)
    ).scalar_one_or_none()
    if claimed is None:
        found = session.execute(
            select(HandoffTicket.status, HandoffTicket.queue, HandoffTicket.reason).where(HandoffTicket.id == ticket_id)
        ).one_or_none()
        if found is None:
            return ("missing", None)
        if found.status == WAITING and allowed is not None and found.queue not in allowed:
            return ("not your queue", None)
        if found.status == WAITING and found.reason == TicketReason.APPEAL:  # left out by ``_not_an_appeal_against``
            return ("own appeal", None)
        if found.status == WAITING:  # left out by ``_claimable``
            return ("owned", None)
        return ("taken", None) if found.status == CLAIMED else ("closed", None)
    # The customer's other cases waiting in this conversation ("另外还有个事…") go with it: one
    # person owns the conversation, so no one else could take them from the queue.
    session.execute(
        update(HandoffTicket)
        .where(
            HandoffTicket.conversation_id == claimed,
            HandoffTicket.status == WAITING,
            HandoffTicket.reason != TicketReason.APPEAL,
        )
        .values(status=CLAIMED, claimed_by=str(staff["id"]), claimed_at=now)
    )
    session.execute(
        update(Conversation)
        .where(Conversation.id == claimed)
        .values(owner=f"agent:{staff['id']}", ownership_version=Conversation.ownership_version + 1)
    )
    session.add(
        TimelineEvent(
            conversation_id=claimed,
            kind=TimelineKind.CLAIMED,
            actor=f"agent:{staff['id']}",
            detail={"ticket_id": ticket_id, "username": staff["username"]},
            created_at=now,
        )
    )
    return ("claimed", claimed)


def close_waiting_tickets(session: Session, conversation_id: int) -> list[int]:
    """Every waiting ticket of the conversation but an appeal becomes ``transferred``; their ids.
    An appeal waits for the supervisor whoever holds the case: its owner must not move it away."""
    return list(
        session.execute(
            update(HandoffTicket)
            .where(
                HandoffTicket.conversation_id == conversation_id,
                HandoffTicket.status == WAITING,
                HandoffTicket.reason != TicketReason.APPEAL,
            )
            .values(status=TRANSFERRED)
            .returning(HandoffTicket.id)
        ).scalars()
    )


def transfer(
    session: Session,
    conversation: Conversation,
    owner: str,
    queue: str | None,
    actor: str,
    detail: dict[str, Any],
    now: dt.datetime,
) -> None:
    """Hand the conversation to ``owner`` (its ownership version moved on): to a ``queue``, with
    a waiting ticket there; a ``transferred`` timeline row with ``detail``.

    The conversation's tickets still waiting are closed first (``transferred``, their ids in the
    timeline row's ``closed_tickets``): left waiting, another agent could claim the case from the
    one it went to, and they would count in the queue, its metrics and its alerts. A waiting
    appeal stays for the supervisor (``close_waiting_tickets``).

    The new ticket keeps the customer's place in line (先进大厅优先): its ``created_at`` is when
    the customer first waited in this stretch (the earliest ticket still waiting or claimed, not
    an appeal), its priority P1 or the more urgent one it had, its ``queued_at`` now (the new
    queue has had no time yet to claim it: the pickup alert counts from here, migration 0028); it
    keeps the nearest place the customer was told,
    so a place further back in the new queue is kept silently, as when more urgent cases go first
    (``bot.handoff.announce``)."""
    stretch = _current_stretch(session, conversation.id)
    closed = close_waiting_tickets(session, conversation.id)
    if queue is not None:
        # The case goes with it: the card keeps its case number, category and deadline.
        case = session.execute(
            select(Complaint.id)
            .where(Complaint.conversation_id == conversation.id)
            .order_by(Complaint.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        session.add(
            HandoffTicket(
                conversation_id=conversation.id,
                complaint_id=case,
                queue=queue,
                priority=min(TRANSFER_PRIORITY, stretch.priority),
                reason=TicketReason.TRANSFER,
                status=WAITING,
                created_at=stretch.first_waited or now,
                queued_at=now,
                told_position=stretch.told,
                best_told_position=stretch.best_told,
            )
        )
    conversation.owner, conversation.ownership_version = owner, conversation.ownership_version + 1
    detail = {**detail, "closed_tickets": closed} if closed else detail
    add_timeline_event(session, conversation.id, TimelineKind.TRANSFERRED, actor, detail, now)


def return_to_queues(session: Session, agent_id: int, fallback_queue: str, actor: str, now: dt.datetime) -> list[int]:
    """An account switched off: each open conversation it owns goes back to the queue its newest
    ticket waited in (``fallback_queue`` when it never had one: it was handed to them by name), as
    a transfer there does (the customer keeps their place; the timeline says why). Returns the
    conversations' ids."""
    owner = f"{AGENT_OWNER}{agent_id}"
    held = list(
        session.execute(
            select(Conversation).where(Conversation.owner == owner, Conversation.status == "open")
        ).scalars()
    )
    for conversation in held:
        queue = session.execute(
            select(HandoffTicket.queue)
            .where(HandoffTicket.conversation_id == conversation.id, HandoffTicket.reason != TicketReason.APPEAL)
            .order_by(HandoffTicket.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        queue = queue or fallback_queue
        to = f"queue:{queue}"
        detail = {"from": owner, "to": to, "username": None, "queue": queue, "reason": "account_off"}
        transfer(session, conversation, to, queue, actor, detail, now)
    return [conversation.id for conversation in held]


@dataclass(frozen=True, slots=True)
class _Stretch:
    """What a transfer carries over from the tickets of the customer's current wait."""

    first_waited: dt.datetime | None
    priority: int
    told: int | None
    best_told: int | None


def _current_stretch(session: Session, conversation_id: int) -> _Stretch:
    """The conversation's tickets still waiting or claimed (not an appeal): when the customer
    first waited, the most urgent priority, and the place they were told nearest (with the place
    last recorded beside it)."""
    rows = session.execute(
        select(
            HandoffTicket.created_at,
            HandoffTicket.priority,
            HandoffTicket.told_position,
            HandoffTicket.best_told_position,
        ).where(
            HandoffTicket.conversation_id == conversation_id,
            HandoffTicket.status.in_((WAITING, CLAIMED)),
            HandoffTicket.reason != TicketReason.APPEAL,
        )
    ).all()
    told = [row for row in rows if row.best_told_position is not None]
    nearest = min(told, key=lambda row: row.best_told_position, default=None)
    return _Stretch(
        first_waited=min((row.created_at for row in rows), default=None),
        priority=min((row.priority for row in rows), default=TRANSFER_PRIORITY),
        told=nearest.told_position if nearest is not None else None,
        best_told=nearest.best_told_position if nearest is not None else None,
    )


def waiting_per_queue(session: Session) -> dict[str, int]:
    """How many tickets wait in each queue (a queue with none is absent)."""
    rows = session.execute(
        select(HandoffTicket.queue, func.count()).where(HandoffTicket.status == "waiting").group_by(HandoffTicket.queue)
    )
    return {str(queue): int(count) for queue, count in rows}


def waiting_since(session: Session, ticket_ids: Collection[int]) -> dict[int, dt.datetime]:
    """When each ticket's customer first waited for this case: the earliest ticket of the same
    conversation and complaint (a transfer opens a new ticket; the customer has waited since the
    first). A ticket without a complaint waits since it was opened."""
    if not ticket_ids:
        return {}
    earlier = aliased(HandoffTicket)
    rows = session.execute(
        select(HandoffTicket.id, func.min(earlier.created_at))
        .join(
            earlier,
            and_(
                earlier.conversation_id == HandoffTicket.conversation_id,
                or_(earlier.id == HandoffTicket.id, earlier.complaint_id == HandoffTicket.complaint_id),
            ),
        )
        .where(HandoffTicket.id.in_(sorted(ticket_ids)))
        .group_by(HandoffTicket.id)
    ).all()
    return {ticket_id: since for ticket_id, since in rows}


@dataclass(frozen=True, slots=True)
class WaitingFor:
    """A waiting ticket a conversation's view offers to claim."""

    ticket_id: int
    conversation_id: int
    queue: str
    reason: str


def waiting_for(session: Session, conversation_id: int, appeal_of: str | None) -> list[WaitingFor]:
    """The conversation's waiting tickets and, for an appealing conversation (``appeal_of``: the
    case it joined), the case's waiting appeal, or its emergency (danger told with the case): what a
    console opening it may claim."""
    mine = HandoffTicket.conversation_id == conversation_id
    if appeal_of is not None:
        case = select(Complaint.conversation_id).where(Complaint.case_number == appeal_of).scalar_subquery()
        joined = HandoffTicket.reason.in_((TicketReason.APPEAL, TicketReason.DANGER))
        mine = or_(mine, and_(HandoffTicket.conversation_id == case, joined))
    rows = session.execute(
        select(HandoffTicket.id, HandoffTicket.conversation_id, HandoffTicket.queue, HandoffTicket.reason)
        .where(mine, HandoffTicket.status == WAITING)
        .order_by(HandoffTicket.priority, HandoffTicket.id)
    ).all()
    return [WaitingFor(*row) for row in rows]


def appealing_conversation(session: Session, case_conversation_id: int) -> int | None:
    """Of the conversations that joined the case of ``case_conversation_id`` as appeals (申诉 from a
    new chat), the one its customer wrote from last; None when there is none, or the case's own
    conversation has the customer's newest message."""
    numbers = select(Complaint.case_number).where(Complaint.conversation_id == case_conversation_id)
    appealing = select(Conversation.id).where(Conversation.flow_data["appeal_of"].as_string().in_(numbers))
    newest = session.execute(
        select(Message.conversation_id)
        .where(
            Message.direction == "in",
            or_(Message.conversation_id == case_conversation_id, Message.conversation_id.in_(appealing)),
        )
        .order_by(Message.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if newest in (None, case_conversation_id) else newest


def take_conversation(session: Session, conversation_id: int, owner: str) -> None:
    """``owner`` answers the customer in this conversation now (its ownership version moved on,
    so a bot reply computed before is dropped)."""
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(owner=owner, ownership_version=Conversation.ownership_version + 1)
    )


def ticket_case(session: Session, ticket_id: int) -> tuple[int, str | None] | None:
    """The ticket's conversation and its case's number (None: no complaint filed), as the consoles
    name them; None for an unknown ticket."""
    row = session.execute(
        select(HandoffTicket.conversation_id, Complaint.case_number)
        .outerjoin(Complaint, Complaint.id == HandoffTicket.complaint_id)
        .where(HandoffTicket.id == ticket_id)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def owner_of_ticket(session: Session, ticket_id: int) -> str | None:
    """Who owns the ticket's conversation now (None for an unknown ticket)."""
    return session.execute(
        select(Conversation.owner)
        .join(HandoffTicket, HandoffTicket.conversation_id == Conversation.id)
        .where(HandoffTicket.id == ticket_id)
    ).scalar_one_or_none()


def resolve_tickets(session: Session, conversation_id: int, keep_appeals: bool) -> None:
    """Every ticket of the conversation still waiting or claimed becomes ``resolved`` (one a
    transfer closed stays ``transferred``); with ``keep_appeals`` (an agent resolved it), a
    waiting appeal stays for the supervisor, who reviews the case the customer appealed."""
    kept = [~and_(HandoffTicket.status == WAITING, HandoffTicket.reason == TicketReason.APPEAL)] if keep_appeals else []
    session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.conversation_id == conversation_id, HandoffTicket.status.in_((WAITING, CLAIMED)), *kept)
        .values(status=RESOLVED)
    )


def resolve_case_tickets(session: Session, conversation_id: int, complaint_ids: Collection[int]) -> None:
    """The tickets of these cases of the conversation, still waiting or claimed, become
    ``resolved``: another case of the conversation keeps its ticket."""
    session.execute(
        update(HandoffTicket)
        .where(
            HandoffTicket.conversation_id == conversation_id,
            HandoffTicket.complaint_id.in_(sorted(complaint_ids)),
            HandoffTicket.status.in_((WAITING, CLAIMED)),
        )
        .values(status=RESOLVED)
    )


@dataclass(frozen=True, slots=True)
class ComplaintBrief:
    """What the queue and its alerts need of a ticket's complaint."""

    deadline_at: dt.datetime | None = None
    case_number: str | None = None
    category: str | None = None
    signals: tuple[str, ...] = ()
    original_deadline_at: dt.datetime | None = None
    """The deadline first promised, once a supervisor extended it (else None)."""


NO_COMPLAINT = ComplaintBrief()


def tickets_with_complaint(
    session: Session, conversation_ids: Sequence[int] | None
) -> list[tuple[HandoffTicket, ComplaintBrief, str | None]]:
    """Every waiting ticket (``conversation_ids`` None), or every ticket of those conversations,
    with its complaint's brief and its customer's tier now."""
    query = select(HandoffTicket)
    if conversation_ids is None:
        query = query.where(HandoffTicket.status == "waiting")
    else:
        query = query.where(HandoffTicket.conversation_id.in_(list(conversation_ids)))
    found = list(session.execute(query).scalars())
    complaints = complaint_briefs(session, {ticket.complaint_id for ticket in found if ticket.complaint_id})
    tiers = customer_tiers(session, {ticket.conversation_id for ticket in found})
    return [
        (ticket, complaints.get(ticket.complaint_id or 0, NO_COMPLAINT), tiers.get(ticket.conversation_id))
        for ticket in found
    ]


def customer_tiers(session: Session, conversation_ids: Collection[int]) -> dict[int, str]:
    """Each of these conversations' customer's tier now, by conversation id (by primary keys)."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(Conversation.id, Customer.tier)
        .join(Customer, Customer.id == Conversation.customer_id)
        .where(Conversation.id.in_(sorted(conversation_ids)))
    )
    return {row.id: row.tier for row in rows}


def complaint_briefs(session: Session, complaint_ids: Collection[int]) -> dict[int, ComplaintBrief]:
    """The briefs of these complaints, by primary key (issue 16: a join lets PostgreSQL hash every
    complaint ever stored for a few waiting tickets)."""
    if not complaint_ids:
        return {}
    rows = session.execute(
        select(
            Complaint.id,
            Complaint.deadline_at,
            Complaint.case_number,
            Complaint.category,
            Complaint.signals,
            Complaint.original_deadline_at,
        ).where(Complaint.id.in_(sorted(complaint_ids)))
    )
    return {
        row.id: ComplaintBrief(
            row.deadline_at, row.case_number, row.category, tuple(row.signals or ()), row.original_deadline_at
        )
        for row in rows
    }


@dataclass(frozen=True, slots=True)
class WaitingToTell:
    ticket_id: int
    conversation_id: int
    told: int | None
    """The position last recorded for the customer (said, or kept silently when it got worse)."""
    best_told: int | None
    """The nearest position the customer was told."""
    locale: str
    traditional: bool
    """The customer writes traditional characters."""
    channel: str = "webchat"


def waiting_to_tell(session: Session, ticket_ids: Collection[int]) -> list[WaitingToTell]:
    """Of these tickets, the waiting ones of conversations no agent holds, with the positions
    their customers were told."""
    traditional = Conversation.flow_data["traditional"].as_boolean()
    ticket = (
        HandoffTicket.id,
        HandoffTicket.conversation_id,
        HandoffTicket.told_position,
        HandoffTicket.best_told_position,
    )
    rows = session.execute(
        select(*ticket, Conversation.locale, traditional, Conversation.channel)
        .join(Conversation, Conversation.id == HandoffTicket.conversation_id)
        .where(
            HandoffTicket.id.in_(list(ticket_ids)),
            HandoffTicket.status == "waiting",
            # An agent holds the conversation (its appeal waits for the supervisor meanwhile): the
            # customer is talking to a person, never told a place in a queue.
            or_(Conversation.owner.is_(None), ~Conversation.owner.startswith(AGENT_OWNER)),
        )
    ).all()
    return [
        WaitingToTell(ticket_id, conversation_id, told, best, locale, bool(writes), channel)
        for ticket_id, conversation_id, told, best, locale, writes, channel in rows
    ]


def last_said_at(session: Session, conversation_id: int, phrase_ids: Collection[str]) -> dt.datetime | None:
    """When the conversation's customer was last sent one of these phrases (None: never)."""
    found: dt.datetime | None = session.execute(
        select(func.max(Message.created_at)).where(
            Message.conversation_id == conversation_id,
            Message.direction == "out",
            Message.phrase_id.in_(list(phrase_ids)),
        )
    ).scalar_one_or_none()
    return found


def last_said_at_of(
    session: Session, conversation_ids: Collection[int], phrase_ids: Collection[str]
) -> dict[int, dt.datetime]:
    """When each of these conversations' customer was last sent one of these phrases (absent: never),
    in one statement."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(Message.conversation_id, func.max(Message.created_at))
        .where(
            Message.conversation_id.in_(sorted(set(conversation_ids))),
            Message.direction == "out",
            Message.phrase_id.in_(list(phrase_ids)),
        )
        .group_by(Message.conversation_id)
    ).all()
    return {conversation_id: at for conversation_id, at in rows}


def set_told_position(
    session: Session, ticket_id: int, told: int | None, position: int, best_told: int | None
) -> bool:
    """Record the waiting ticket's customer at ``position``, if last recorded at ``told``
    (compare-and-set), and, when something was said, ``best_told`` as the nearest place they were
    told (0: told of their emergency instead of a place); False when someone else recorded it
    meanwhile."""
    was_told = HandoffTicket.told_position.is_(None) if told is None else HandoffTicket.told_position == told
    values: dict[str, int] = {"told_position": position}
    if best_told is not None:
        values["best_told_position"] = best_told
    moved = session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.id == ticket_id, HandoffTicket.status == "waiting", was_told)
        .values(values)
    )
    return rows_matched(moved) == 1


# --- agent console (issue 15): what a queue card shows besides the ticket


@dataclass(frozen=True, slots=True)
class QueuePreview:
    channel: str
    last_text: str | None
    """The customer's last message: often only "对", the answer to the restatement."""
    problem: str | None
    """The description of the conversation's newest complaint, when it has one."""
    customer_tier: str
    """The customer's tier now (a supervisor may have set it since the case was promised)."""


def queue_previews(session: Session, conversation_ids: Collection[int]) -> dict[int, QueuePreview]:
    """Each conversation's channel, the text of its customer's last message, its complaint's
    description and its customer's tier, in one statement however many conversations wait."""
    if not conversation_ids:
        return {}
    # Each conversation's newest customer message, walking its messages backwards by the
    # (conversation, id) index: a grouping by conversation would read all their inbound rows.
    # A follow or a /start says nothing: the words before it are the last ones.
    last_text = newest_inbound("text", excluding_kind=MessageKind.START.value)
    problem = (
        select(Complaint.description)
        .where(Complaint.conversation_id == Conversation.id)
        .order_by(Complaint.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Conversation.id, Conversation.channel, last_text.label("text"), problem.label("problem"), Customer.tier)
        .join(Customer, Customer.id == Conversation.customer_id)
        .where(Conversation.id.in_(sorted(conversation_ids)))
    ).all()
    return {row.id: QueuePreview(row.channel, row.text, row.problem, row.tier) for row in rows}


def case_problems(session: Session, case_numbers: Collection[str]) -> dict[str, str]:
    """The description of each of these cases, by case number: a queue card shows its own case's
    problem when a conversation has two (another problem told after the hand-off)."""
    if not case_numbers:
        return {}
    rows = session.execute(
        select(Complaint.case_number, Complaint.description).where(Complaint.case_number.in_(sorted(case_numbers)))
    )
    return {row.case_number: row.description for row in rows}


@dataclass(frozen=True, slots=True)
class OpenCase:
    case_number: str
    deadline_at: dt.datetime | None


def open_cases_of(session: Session, conversation_ids: Collection[int]) -> dict[int, list[OpenCase]]:
    """The open cases of each of these conversations, oldest first: a queue card names the other
    case of a conversation that has two."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(Complaint.conversation_id, Complaint.case_number, Complaint.deadline_at)
        .where(Complaint.conversation_id.in_(sorted(conversation_ids)), Complaint.status.in_(("open", "incomplete")))
        .order_by(Complaint.id)
    )
    found: dict[int, list[OpenCase]] = {}
    for row in rows:
        found.setdefault(row.conversation_id, []).append(OpenCase(row.case_number, row.deadline_at))
    return found


@dataclass(frozen=True, slots=True)
class CasePreview:
    """What a notification about a conversation names of it (issue 15: the agent it went to)."""

    case_number: str | None
    category: str | None
    words: str | None
    """The newest complaint's description, or else the customer's last message."""
    signals: tuple[str, ...] = ()
    """The newest complaint's signals (``danger`` makes the notice urgent)."""
    status: str | None = None
    """The newest complaint's status (``resolved``: what a notice about it asked for is done)."""


def case_previews(session: Session, conversation_ids: Collection[int]) -> dict[int, CasePreview]:
    """Each conversation's newest complaint (case number, category, description), or its
    customer's last words, in one statement."""
    if not conversation_ids:
        return {}
    latest = aliased(Complaint)
    newest = (
        select(latest.id)
        .where(latest.conversation_id == Conversation.id)
        .order_by(latest.id.desc())
        .limit(1)
        .correlate(Conversation)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Conversation.id,
            Complaint.case_number,
            Complaint.category,
            Complaint.description,
            Complaint.signals,
            Complaint.status,
            newest_inbound("text", excluding_kind=MessageKind.START.value).label("text"),
        )
        .outerjoin(Complaint, Complaint.id == newest)
        .where(Conversation.id.in_(sorted(conversation_ids)))
    ).all()
    return {
        row.id: CasePreview(
            row.case_number, row.category, row.description or row.text, tuple(row.signals or ()), row.status
        )
        for row in rows
    }


def settled_of(
    session: Session, ticket_ids: Collection[int], complaint_ids: Collection[int]
) -> tuple[set[int], set[int]]:
    """Of the tickets, those no longer waiting (claimed, moved on, resolved); of the complaints,
    those resolved or closed: what a notice about one of them asked for no longer holds."""
    tickets: set[int] = set()
    complaints: set[int] = set()
    if ticket_ids:
        tickets = set(
            session.scalars(
                select(HandoffTicket.id).where(
                    HandoffTicket.id.in_(sorted(ticket_ids)), HandoffTicket.status != WAITING
                )
            )
        )
    if complaint_ids:
        complaints = set(
            session.scalars(
                select(Complaint.id).where(
                    Complaint.id.in_(sorted(complaint_ids)), Complaint.status.in_(SETTLED_CASE_STATUSES)
                )
            )
        )
    return tickets, complaints
