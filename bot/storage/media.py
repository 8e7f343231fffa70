"""The ``media`` rows (issue 15): a stored photo, the message it came with, and who may see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.storage.models import Conversation, Media, Message


@dataclass(frozen=True, slots=True)
class MediaRow:
    id: str
    content_type: str
    thumb_type: str
    size: int
    width: int
    height: int
    conversation_id: int | None
    identity_id: int | None
    """The web chat identity whose conversation holds the message (None on other channels)."""


def add_media(
    session: Session,
    *,
    media_id: str,
    channel: str,
    content_type: str,
    thumb_type: str,
    size: int,
    width: int,
    height: int,
    sha256: str,
    now: dt.datetime,
    message_id: int | None = None,
) -> None:
    session.add(
        Media(
            id=media_id,
            message_id=message_id,
            channel=channel,
            content_type=content_type,
            thumb_type=thumb_type,
            size=size,
            width=width,
            height=height,
            sha256=sha256,
            created_at=now,
        )
    )


def link_media(session: Session, media_id: str, message_id: int) -> None:
    """Attach a stored photo to the message it was sent with."""
    session.execute(update(Media).where(Media.id == media_id, Media.message_id.is_(None)).values(message_id=message_id))


def media_row(session: Session, media_id: str) -> MediaRow | None:
    """The photo with its conversation, or None when there is none (or it is not linked yet)."""
    found = session.execute(
        select(Media, Message.conversation_id, Conversation.identity_id)
        .join(Message, Message.id == Media.message_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Media.id == media_id)
    ).one_or_none()
    if found is None:
        return None
    media, conversation_id, identity_id = found
    return MediaRow(
        id=media.id,
        content_type=media.content_type,
        thumb_type=media.thumb_type,
        size=media.size,
        width=media.width,
        height=media.height,
        conversation_id=conversation_id,
        identity_id=identity_id,
    )


def media_of_messages(session: Session, message_ids: Collection[int]) -> dict[int, list[str]]:
    """The photo ids of each of these messages that has some, oldest first."""
    if not message_ids:
        return {}
    found: dict[int, list[str]] = {}
    rows = session.execute(
        select(Media.message_id, Media.id)
        .where(Media.message_id.in_(list(message_ids)))
        .order_by(Media.message_id, Media.created_at)
    )
    for message_id, media_id in rows:
        if message_id is not None:
            found.setdefault(message_id, []).append(media_id)
    return found


def drop_unlinked(session: Session, media_id: str) -> None:
    """Forget a photo no message took (a retried upload whose message was already stored)."""
    session.execute(delete(Media).where(Media.id == media_id, Media.message_id.is_(None)))


def photos_to_send(session: Session, message_id: int) -> list[tuple[str, str]]:
    """(media id, content type) of each photo an outbound message carries, oldest first (issue 15)."""
    rows = session.execute(
        select(Media.id, Media.content_type).where(Media.message_id == message_id).order_by(Media.created_at)
    )
    return [(media_id, content_type) for media_id, content_type in rows]


@dataclass(frozen=True, slots=True)
class PhotosSent:
    photos: int
    size: int
    """Their bytes, as stored."""


def photos_sent_since(session: Session, identity_id: int, since: dt.datetime) -> PhotosSent:
    """The photos the customer (a channel identity) sent from ``since`` on, over all their
    conversations (issue: photo quota); photos staff sent them are not counted."""
    photos, size = session.execute(
        select(func.count(Media.id), func.coalesce(func.sum(Media.size), 0))
        .join(Message, Message.id == Media.message_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.identity_id == identity_id, Message.direction == "in", Media.created_at >= since)
    ).one()
    return PhotosSent(int(photos), int(size))


def sender_of_message(session: Session, message_id: int) -> tuple[int, int] | None:
    """(conversation id, channel identity id) of a stored message, or None."""
    found = session.execute(
        select(Conversation.id, Conversation.identity_id)
        .join(Message, Message.conversation_id == Conversation.id)
        .where(Message.id == message_id)
    ).one_or_none()
    return None if found is None else (found[0], found[1])
