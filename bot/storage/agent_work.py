"""An agent's own work, read from the database on any browser: the conversations in their hands
and the ones they resolved most recently.

A conversation an agent resolved stays theirs (a customer without a case keeps their agent), but
it is no longer in their hands until it is taken up again: claimed, handed off, transferred or
reopened after the resolution (the rule the console's conversation view shows it resolved by).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.timeline import TimelineKind
from bot.storage.models import Complaint, Conversation, Customer, TimelineEvent

_TAKEN_UP = (
    TimelineKind.CLAIMED,
    TimelineKind.HANDED_OFF,
    TimelineKind.TRANSFERRED,
    TimelineKind.REOPENED,
    TimelineKind.REOPENED_BY_CUSTOMER,
)
_OWNERSHIP_EVENTS = (*_TAKEN_UP, TimelineKind.RESOLVED)
OWNED_CANDIDATES = 200
"""The owned conversations looked at for the list, the customer's latest message first."""


@dataclass(frozen=True, slots=True)
class OwnedConversation:
    conversation_id: int
    channel: str
    customer_name: str | None
    case_number: str | None
    """The conversation's newest case, if it has one."""
    deadline_at: dt.datetime | None
    last_customer_at: dt.datetime | None
    resolved_by_me_at: dt.datetime | None = None
    """When the agent last resolved it (before a reopening gave it back): what the customer wrote
    before then the agent has read, on whichever browser."""
    transferred_at: dt.datetime | None = None
    """When it was last transferred (to the agent): what the customer wrote before then is the
    history handed over, not a new message."""


@dataclass(frozen=True, slots=True)
class ResolvedConversation:
    conversation_id: int
    case_number: str | None
    resolved_at: dt.datetime
    last_customer_at: dt.datetime | None = None
    """When the customer last wrote: after ``resolved_at``, they wrote again since the resolution."""
    taken_up: bool = False
    """Taken up since the agent resolved it (reopened, claimed, transferred): no longer resolved."""
    owner: str | None = None
    """Who holds the conversation now (``agent:7``, ``queue:…``, ``bot``)."""


def owned_conversations(session: Session, agent_id: int, limit: int) -> list[OwnedConversation]:
    """The open conversations in the agent's hands, the one the customer wrote to last first."""
    rows = session.execute(
        select(Conversation.id, Conversation.channel, Conversation.last_customer_at, Customer.display_name)
        .join(Customer, Customer.id == Conversation.customer_id)
        .where(Conversation.owner == _owner(agent_id), Conversation.status == "open")
        .order_by(Conversation.last_customer_at.desc().nulls_last(), Conversation.id.desc())
        .limit(OWNED_CANDIDATES)
    ).all()
    settled = _resolved_since_taken_up(session, [row.id for row in rows])
    rows = [row for row in rows if row.id not in settled][:limit]
    cases = _newest_cases(session, [row.id for row in rows])
    resolved_by_me = _resolved_by(session, [row.id for row in rows], agent_id)
    transferred = _last_transferred(session, [row.id for row in rows])
    return [
        OwnedConversation(
            conversation_id=row.id,
            channel=row.channel,
            customer_name=row.display_name,
            case_number=cases[row.id][0] if row.id in cases else None,
            deadline_at=cases[row.id][1] if row.id in cases else None,
            last_customer_at=row.last_customer_at,
            resolved_by_me_at=resolved_by_me.get(row.id),
            transferred_at=transferred.get(row.id),
        )
        for row in rows
    ]


def resolved_conversations(
    session: Session, agent_id: int, limit: int, in_hands: Collection[int] = ()
) -> list[ResolvedConversation]:
    """The conversations the agent resolved, the latest resolution first, without those
    ``in_hands`` again; each once, with its newest case."""
    events = session.execute(
        select(TimelineEvent.conversation_id, TimelineEvent.created_at)
        .where(TimelineEvent.kind == TimelineKind.RESOLVED, TimelineEvent.actor == _owner(agent_id))
        .order_by(TimelineEvent.id.desc())
        .limit(limit * 3)
    ).all()
    latest: dict[int, dt.datetime] = {}
    for conversation_id, created_at in events:
        if conversation_id not in in_hands:
            latest.setdefault(conversation_id, created_at)
    chosen = list(latest.items())[:limit]
    ids = [conversation_id for conversation_id, _ in chosen]
    cases = _newest_cases(session, ids)
    wrote: dict[int, dt.datetime | None] = {}
    owners: dict[int, str | None] = {}
    if ids:
        rows = session.execute(
            select(Conversation.id, Conversation.last_customer_at, Conversation.owner).where(Conversation.id.in_(ids))
        )
        for row in rows:
            wrote[row.id], owners[row.id] = row.last_customer_at, row.owner
    still_resolved = _resolved_since_taken_up(session, ids)
    return [
        ResolvedConversation(
            conversation_id,
            cases[conversation_id][0] if conversation_id in cases else None,
            at,
            wrote.get(conversation_id),
            taken_up=conversation_id not in still_resolved,
            owner=owners.get(conversation_id),
        )
        for conversation_id, at in chosen
    ]


def resolution_of(session: Session, conversation_id: int) -> TimelineEvent | None:
    """The conversation's latest resolution when it has not been taken up since (the case shows
    resolved, by its ``actor``), however long its timeline; read through the index on
    ``(conversation_id, kind, id)``, so only ownership events are visited."""
    # max(id), not ORDER BY id DESC LIMIT 1: SQLite without statistics would walk the whole
    # conversation by ``(conversation_id, id)`` to avoid a sort.
    newest = (
        select(func.max(TimelineEvent.id))
        .where(TimelineEvent.conversation_id == conversation_id, TimelineEvent.kind.in_(_OWNERSHIP_EVENTS))
        .scalar_subquery()
    )
    latest = session.execute(select(TimelineEvent).where(TimelineEvent.id == newest)).scalar_one_or_none()
    return latest if latest is not None and latest.kind == TimelineKind.RESOLVED else None


def _resolved_since_taken_up(session: Session, conversation_ids: list[int]) -> set[int]:
    """Those of the conversations whose latest ownership event is a resolution."""
    if not conversation_ids:
        return set()
    last: dict[int, str] = {}
    for conversation_id, kind in session.execute(
        select(TimelineEvent.conversation_id, TimelineEvent.kind)
        .where(TimelineEvent.conversation_id.in_(conversation_ids), TimelineEvent.kind.in_(_OWNERSHIP_EVENTS))
        .order_by(TimelineEvent.id)
    ):
        last[conversation_id] = kind
    return {conversation_id for conversation_id, kind in last.items() if kind == TimelineKind.RESOLVED}


def _resolved_by(session: Session, conversation_ids: list[int], agent_id: int) -> dict[int, dt.datetime]:
    """The agent's latest resolution of each of the conversations they resolved."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(TimelineEvent.conversation_id, func.max(TimelineEvent.created_at))
        .where(
            TimelineEvent.conversation_id.in_(conversation_ids),
            TimelineEvent.kind == TimelineKind.RESOLVED,
            TimelineEvent.actor == _owner(agent_id),
        )
        .group_by(TimelineEvent.conversation_id)
    )
    return {conversation_id: at for conversation_id, at in rows}


def _last_transferred(session: Session, conversation_ids: list[int]) -> dict[int, dt.datetime]:
    """Each of the conversations' latest transfer."""
    if not conversation_ids:
        return {}
    rows = session.execute(
        select(TimelineEvent.conversation_id, func.max(TimelineEvent.created_at))
        .where(TimelineEvent.conversation_id.in_(conversation_ids), TimelineEvent.kind == TimelineKind.TRANSFERRED)
        .group_by(TimelineEvent.conversation_id)
    )
    return {conversation_id: at for conversation_id, at in rows}


def _newest_cases(session: Session, conversation_ids: list[int]) -> dict[int, tuple[str, dt.datetime | None]]:
    cases: dict[int, tuple[str, dt.datetime | None]] = {}
    if conversation_ids:
        for conversation_id, case_number, deadline_at in session.execute(
            select(Complaint.conversation_id, Complaint.case_number, Complaint.deadline_at)
            .where(Complaint.conversation_id.in_(conversation_ids))
            .order_by(Complaint.id)
        ):
            cases[conversation_id] = (case_number, deadline_at)
    return cases


def _owner(agent_id: int) -> str:
    return f"agent:{agent_id}"
