"""Delivery state of outbound messages, and the dead letters a manager retries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, String, bindparam, cast, literal, select, update
from sqlalchemy.orm import Session, aliased

from bot.core.messages import ChannelName
from bot.storage.db import rows_matched
from bot.storage.models import ChannelIdentity, Conversation, Customer, DeadLetter, Message

MAX_ERROR_CHARS = 2000
"""A dead letter keeps this much of the error."""


def mark_sent_passively(session: Session, message_ids: Sequence[int]) -> None:
    """The messages went out in a webhook's answer: ``sent``, with ``passive:<id>`` as provider id."""
    session.execute(
        update(Message)
        .where(Message.id.in_(message_ids))
        .values(delivery_status="sent", provider_message_id=literal("passive:").concat(cast(Message.id, String)))
    )


def set_sms_status(session: Session, message_sid: str, status: str) -> None:
    """Record the delivery status an SMS gateway reported for the outbound message it sent as ``message_sid``."""
    session.execute(
        update(Message)
        .where(
            Message.channel == "sms",
            Message.direction == "out",
            Message.provider_message_id.contains(message_sid, autoescape=True),
        )
        .values(delivery_status=status)
    )


def add_dead_letter(
    session: Session,
    job: str,
    args: list[Any],
    error: str,
    tries: int,
    now: dt.datetime,
    message_id: int | None = None,
    conversation_id: int | None = None,
) -> None:
    """Keep a job that will not run again by itself for a manager to retry."""
    session.add(
        DeadLetter(
            job=job,
            args=args,
            message_id=message_id,
            conversation_id=conversation_id,
            error=error[:MAX_ERROR_CHARS],
            tries=tries,
            created_at=now,
        )
    )


def recent_dead_letters(session: Session, limit: int = 500) -> list[DeadLetter]:
    """The newest dead letters first."""
    return list(session.execute(select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit)).scalars())


def claim_dead_letter(
    session: Session, letter_id: int, now: dt.datetime, deliver_job: str
) -> DeadLetter | Literal["missing", "retried"]:
    """Mark the dead letter retried (once: a second claim gets ``"retried"``); a delivery's
    message goes back to ``pending`` with its attempts reset. The letter is detached."""
    letter = session.get(DeadLetter, letter_id)
    if letter is None:
        return "missing"
    taken = rows_matched(
        session.execute(
            update(DeadLetter).where(DeadLetter.id == letter_id, DeadLetter.retried_at.is_(None)).values(retried_at=now)
        )
    )
    if not taken:
        return "retried"
    if letter.job == deliver_job and letter.message_id is not None:
        session.execute(
            update(Message)
            .where(Message.id == letter.message_id, Message.delivery_status.in_(("failed", "sending", "pending")))
            .values(delivery_status="pending", attempts=0, last_error=None)
        )
    session.expunge(letter)
    return letter


# ---------------------------------------------------------------------------- the delivery job

UNFINISHED = ("pending", "sending")


@dataclass(frozen=True, slots=True)
class Attempt:
    """A message about to be sent, locked for the attempt, with where it goes."""

    message: Message
    recipient: str
    identity_id: int
    phone: str | None
    answered_at: dt.datetime | None
    """When the customer's latest message before this one was stored (a reply's latency)."""


def channel_of_message(session: Session, message_id: int) -> str | None:
    return session.execute(select(Message.channel).where(Message.id == message_id)).scalar_one_or_none()


def _unfinished_in(conversation: ColumnElement[int]) -> Select[int]:
    return (
        select(Message.id)
        .where(
            Message.conversation_id == conversation,
            Message.direction == "out",
            Message.delivery_status.in_(UNFINISHED),
        )
        .order_by(Message.id)
        .limit(bindparam("limit"))
    )


# The delivery job's statements, built once (building them is most of their cost on a quick database).
_UNFINISHED = _unfinished_in(bindparam("conversation_id"))
_UNFINISHED_BESIDE = _unfinished_in(
    select(Message.conversation_id).where(Message.id == bindparam("message_id")).scalar_subquery()
).add_columns(Message.conversation_id)
_written = aliased(Message)
_LOCK_FOR_ATTEMPTS = (
    select(
        Message,
        ChannelIdentity.external_id,
        Conversation.identity_id,
        Customer.phone,
        select(_written.created_at)
        .where(
            _written.conversation_id == Message.conversation_id, _written.id < Message.id, _written.direction == "in"
        )
        .order_by(_written.id.desc())
        .limit(1)
        .scalar_subquery(),
    )
    .join(Conversation, Conversation.id == Message.conversation_id)
    .join(ChannelIdentity, ChannelIdentity.id == Conversation.identity_id)
    .join(Customer, Customer.id == Conversation.customer_id)
    .where(Message.id.in_(bindparam("ids", expanding=True)), Message.delivery_status.in_(UNFINISHED))
    .order_by(Message.id)
    .with_for_update(of=Message)
)


def unfinished_ids(session: Session, conversation_id: int, limit: int) -> list[int]:
    """The conversation's outbound messages still ``pending`` or ``sending``, oldest first."""
    return list(session.execute(_UNFINISHED, {"conversation_id": conversation_id, "limit": limit}).scalars())


def unfinished_beside(session: Session, message_id: int, limit: int) -> tuple[int, list[int]] | None:
    """The conversation of a message and its unfinished outbound messages, oldest first (the
    message itself among them or not), in one statement; None when none is left to send."""
    rows = session.execute(_UNFINISHED_BESIDE, {"message_id": message_id, "limit": limit}).all()
    if not rows:
        return None
    return rows[0][1], [message_id for message_id, _ in rows]


def lock_for_attempts(session: Session, message_ids: Sequence[int]) -> list[Attempt]:
    """Those of the messages still unfinished, oldest first, their rows locked until the
    transaction ends, each with its recipient, identity, the customer's phone and when the
    customer's message before it was stored."""
    return [Attempt(*row) for row in session.execute(_LOCK_FOR_ATTEMPTS, {"ids": list(message_ids)})]


def start_attempt(session: Session, message: Message, now: dt.datetime, possibly_duplicated: bool) -> None:
    """Mark the locked message ``sending`` with one more attempt started ``now`` (and
    ``possibly_duplicated`` when an earlier attempt's outcome is unknown and the provider cannot dedupe)."""
    if possibly_duplicated:
        message.possibly_duplicated = True
    message.delivery_status = "sending"
    message.attempts += 1
    message.attempt_started_at = now


def fail_attempt(session: Session, message: Message, error: str, now: dt.datetime, tries: int, job: str) -> None:
    """The locked message fails for good before an attempt: ``failed``, and a dead letter of ``job``."""
    message.delivery_status, message.last_error = "failed", error
    add_dead_letter(session, job, [message.id], error, tries, now, message.id, message.conversation_id)


def back_to_pending(session: Session, message_id: int, error: str) -> None:
    """A ``sending`` message whose attempt failed for now goes back to ``pending``."""
    session.execute(
        update(Message)
        .where(Message.id == message_id, Message.delivery_status == "sending")
        .values(delivery_status="pending", last_error=error)
    )


def record_outcomes(session: Session, outcomes: Sequence[dict[str, Any]]) -> None:
    """Write attempts' outcomes: each an ``id`` with its ``delivery_status`` and what goes with it."""
    if outcomes:
        session.execute(update(Message), list(outcomes))


def release_unsent(session: Session, message_ids: Sequence[int]) -> None:
    """Messages marked ``sending`` but not attempted after all go back to ``pending``, the
    attempt they were counted for taken back."""
    if message_ids:
        session.execute(
            update(Message)
            .where(Message.id.in_(message_ids), Message.delivery_status == "sending")
            .values(delivery_status="pending", attempts=Message.attempts - 1)
        )


def lost_deliveries(
    session: Session, pending_before: dt.datetime, stuck_before: dt.datetime
) -> list[tuple[int, int, str | None, int]]:
    """Provider messages ``pending`` since before ``pending_before`` or ``sending`` since before
    ``stuck_before``: (id, conversation id, status, attempts)."""
    rows = session.execute(
        # Only outbound messages have a delivery status: the unfinished ones are found through its
        # index (a direction filter would let SQLite pick the direction index, all outbound rows).
        select(Message.id, Message.conversation_id, Message.delivery_status, Message.attempts).where(
            Message.delivery_status.in_(("pending", "sending")),
            Message.channel != ChannelName.WEBCHAT,
            ((Message.delivery_status == "pending") & (Message.created_at <= pending_before))
            | ((Message.delivery_status == "sending") & (Message.attempt_started_at <= stuck_before)),
        )
    )
    return [(message_id, conversation_id, status, attempts) for message_id, conversation_id, status, attempts in rows]


def fail_if_sending(session: Session, message_id: int, error: str) -> bool:
    """A message still ``sending`` becomes ``failed``; False when it is no longer ``sending``."""
    return bool(
        rows_matched(
            session.execute(
                update(Message)
                .where(Message.id == message_id, Message.delivery_status == "sending")
                .values(delivery_status="failed", last_error=error)
            )
        )
    )
