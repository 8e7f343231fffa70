"""Handoff tickets as staff act on them: claiming and resolving."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import Conversation, HandoffTicket, TimelineEvent

ClaimOutcome = Literal["claimed", "missing", "taken", "not your queue"]


def claim_ticket(
    session: Session, ticket_id: int, staff: dict[str, Any], allowed: Collection[str] | None, now: dt.datetime
) -> tuple[ClaimOutcome, int | None]:
    """Claim a waiting ticket from one of the ``allowed`` queues (None: any) for the agent
    ``staff``; the conversation becomes theirs with its ownership version moved on.
    Returns the outcome and, when claimed, the conversation id."""
    in_queue = [] if allowed is None else [HandoffTicket.queue.in_(sorted(allowed))]
    claimed = session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.id == ticket_id, HandoffTicket.status == "waiting", *in_queue)
        .values(status="claimed", claimed_by=str(staff["id"]), claimed_at=now)
        .returning(HandoffTicket.conversation_id)
    ).scalar_one_or_none()
    if claimed is None:
        exists = session.execute(
            select(HandoffTicket.status, HandoffTicket.queue).where(HandoffTicket.id == ticket_id)
        ).one_or_none()
        if exists is None:
            return ("missing", None)
        if exists.status == "waiting" and allowed is not None and exists.queue not in allowed:
            return ("not your queue", None)
        return ("taken", None)
    session.execute(
        update(Conversation)
        .where(Conversation.id == claimed)
        .values(owner=f"agent:{staff['id']}", ownership_version=Conversation.ownership_version + 1)
    )
    session.add(
        TimelineEvent(
            conversation_id=claimed,
            kind="claimed",
            actor=f"agent:{staff['id']}",
            detail={"ticket_id": ticket_id, "username": staff["username"]},
            created_at=now,
        )
    )
    return ("claimed", claimed)


def resolve_tickets(session: Session, conversation_id: int) -> None:
    """Every ticket of the conversation not yet resolved becomes ``resolved``."""
    session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.conversation_id == conversation_id, HandoffTicket.status != "resolved")
        .values(status="resolved")
    )
