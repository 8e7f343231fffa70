"""The team's canned replies (常用语, issue 15): listed, added, edited and removed by staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.storage.models import CannedReply, User

MAX_REPLIES = 500


def canned_replies(
    session: Session, locale: str | None = None, reply_id: int | None = None
) -> Sequence[tuple[CannedReply, str]]:
    """Every canned reply (of ``locale``; or the one ``reply_id``) with its author's username, by title."""
    query = select(CannedReply, User.username).join(User, User.id == CannedReply.created_by)
    if locale is not None:
        query = query.where(CannedReply.locale == locale)
    if reply_id is not None:
        query = query.where(CannedReply.id == reply_id)
    return [
        (row[0], row[1])
        for row in session.execute(query.order_by(CannedReply.title, CannedReply.id).limit(MAX_REPLIES))
    ]


def canned_reply(session: Session, reply_id: int) -> CannedReply | None:
    return session.get(CannedReply, reply_id)


def add_canned_reply(session: Session, title: str, text: str, locale: str, user_id: int, now: dt.datetime) -> int:
    reply = CannedReply(title=title, text=text, locale=locale, created_by=user_id, updated_by=user_id, updated_at=now)
    session.add(reply)
    session.flush()
    return reply.id


def edit_canned_reply(session: Session, reply_id: int, title: str, text: str, user_id: int, now: dt.datetime) -> None:
    session.execute(
        update(CannedReply)
        .where(CannedReply.id == reply_id)
        .values(title=title, text=text, updated_by=user_id, updated_at=now)
    )


def remove_canned_reply(session: Session, reply_id: int) -> None:
    session.execute(delete(CannedReply).where(CannedReply.id == reply_id))
