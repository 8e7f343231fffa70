"""Delivery state of outbound messages, and the dead letters a manager retries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import String, cast, literal, select, update
from sqlalchemy.orm import Session

from bot.db import rows_matched
from bot.models import DeadLetter, Message


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
