"""Wrong answers to the check of a case number (the last digits of its phone), counted per case
and per writer across every conversation and channel; and the lock they set, told to the case's
staff (``bot/core/case_check_budget.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot.core.case_check_budget import CaseLocked, Misses, writer_key
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.timeline import TimelineKind
from bot.storage.models import CaseCheckMiss, ChannelIdentity, Complaint, Conversation
from bot.storage.notifications import SUPERVISORS, notify

CASE_CHECK_LOCKED = "case_check_locked"
"""The notification kind: a case's check refused after too many wrong answers."""


def writers(session: Session, identities: dict[int, int]) -> dict[int, str]:
    """Each conversation's writer key, from ``identities`` (conversation id → identity id)."""
    if not identities:
        return {}
    found = session.execute(
        select(ChannelIdentity.id, ChannelIdentity.origin).where(ChannelIdentity.id.in_(set(identities.values())))
    )
    origins = {identity: origin for identity, origin in found}
    return {conversation: writer_key(identity, origins.get(identity)) for conversation, identity in identities.items()}


def misses_since(
    session: Session, case_numbers: Collection[str], writer_keys: Collection[str], since: dt.datetime
) -> tuple[dict[str, Misses], dict[str, Misses]]:
    """The wrong answers given after ``since`` for these case numbers, and by these writers."""
    by_case: dict[str, Misses] = {}
    by_writer: dict[str, Misses] = {}
    for found, column, keys in (
        (by_case, CaseCheckMiss.case_number, case_numbers),
        (by_writer, CaseCheckMiss.writer, writer_keys),
    ):
        if not keys:
            continue
        rows = session.execute(
            select(column, func.count(CaseCheckMiss.id), func.min(CaseCheckMiss.created_at))
            .where(column.in_(sorted(set(keys))), CaseCheckMiss.created_at > since)
            .group_by(column)
        )
        for key, count, oldest in rows:
            found[key] = Misses(int(count), oldest)
    return by_case, by_writer


def note_miss(session: Session, case_number: str, writer: str, conversation_id: int, now: dt.datetime) -> None:
    session.execute(
        insert(CaseCheckMiss).values(
            case_number=case_number, writer=writer, conversation_id=conversation_id, created_at=now
        )
    )


def note_locked(
    session: Session, locked: CaseLocked, now: dt.datetime
) -> tuple[dict[str, Any] | None, list[StaffEvent]]:
    """The case's timeline row saying its check is refused until ``locked.until``, and the
    notifications of its handler (the agent owning it, if any) and the supervisors. Nothing when
    no case has that number (a number guessed at: the writer's own budget holds it)."""
    found = session.execute(
        select(Complaint.id, Complaint.conversation_id, Conversation.owner)
        .join(Conversation, Conversation.id == Complaint.conversation_id)
        .where(Complaint.case_number == locked.case_number)
    ).one_or_none()
    if found is None:
        return None, []
    detail = {
        "case_number": locked.case_number,
        "failures": locked.failures,
        "window_hours": locked.window_hours,
        "until_at": locked.until.isoformat(),
    }
    row = {
        "conversation_id": found.conversation_id,
        "complaint_id": found.id,
        "kind": TimelineKind.CASE_CHECK_LOCKED,
        "actor": "bot",
        "detail": detail,
        "created_at": now,
    }
    audiences = [SUPERVISORS]
    if found.owner.startswith("agent:"):
        audiences.insert(0, f"user:{found.owner.removeprefix('agent:')}")
    events = [StaffEvent(StaffEventKind.CONVERSATION, (found.conversation_id,))]
    for audience in audiences:
        event = notify(
            session,
            CASE_CHECK_LOCKED,
            audience,
            now,
            conversation_id=found.conversation_id,
            complaint_id=found.id,
            detail=detail,
            # One lock is told once, though two instances may both see it set.
            dedupe_key=f"{CASE_CHECK_LOCKED}:{locked.case_number}:{locked.until.isoformat()}:{audience}",
        )
        if event is not None:
            events.append(event)
    return row, events


__all__ = ["CASE_CHECK_LOCKED", "misses_since", "note_locked", "note_miss", "writers"]
