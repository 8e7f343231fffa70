"""The team's canned replies (常用语, issue 15): listed, added, edited and removed by staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.storage.models import CannedReply, User


def canned_replies(
    session: Session, locale: str | None = None, reply_id: int | None = None, limit: int = 500
) -> Sequence[tuple[CannedReply, str]]:
    """The canned replies (of ``locale``; or the one ``reply_id``) with their authors' usernames,
    by title, at most ``limit``."""
    query = select(CannedReply, User.username).join(User, User.id == CannedReply.created_by)
    if locale is not None:
        query = query.where(CannedReply.locale == locale)
    if reply_id is not None:
        query = query.where(CannedReply.id == reply_id)
    return [(row[0], row[1]) for row in session.execute(query.order_by(CannedReply.title, CannedReply.id).limit(limit))]


def canned_reply(session: Session, reply_id: int) -> CannedReply | None:
    return session.get(CannedReply, reply_id)


Full = Literal["author", "total"]
"""Which limit an add would pass: the author's own replies, or the team's."""


def limit_reached(session: Session, user_id: int, per_author: int, total: int) -> Full | None:
    """Which limit one more reply of the author would pass: the author's own ``per_author``
    replies, or the team's ``total``; None when neither. The author's row is locked first
    (PostgreSQL), so one author's adds at the same moment are counted one after another."""
    session.execute(select(User.id).where(User.id == user_id).with_for_update())
    if session.execute(select(func.count()).where(CannedReply.created_by == user_id)).scalar_one() >= per_author:
        return "author"
    if session.execute(select(func.count()).select_from(CannedReply)).scalar_one() >= total:
        return "total"
    return None


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
