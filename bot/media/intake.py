"""Taking in a photo: check and re-encode it, store its bytes, record its row."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import partial
from typing import TYPE_CHECKING

from arq import ArqRedis

from bot.core.messages import InboundMessage
from bot.media.decoding import Decoding
from bot.media.files import MediaFiles, new_media_id, thumb_key
from bot.media.images import PreparedImage
from bot.storage.db import Database
from bot.storage.media import add_media

if TYPE_CHECKING:
    from bot.core.pipeline import StoredInbound


async def take_in(
    data: bytes,
    channel: str,
    files: MediaFiles,
    database: Database,
    now: dt.datetime,
    decoding: Decoding,
    message_id: int | None = None,
) -> tuple[str, PreparedImage]:
    """Store an accepted image; returns its media id. Raises ``NotAnImage`` (nothing stored then),
    from the header check before any decode slot is waited for when it can tell; ``DecodeBusy``
    when no decode slot is free in time (nothing decoded or stored).

    The files are written before the row, so a row always has its bytes; when the row cannot be
    written the files are removed (a crash between them leaves an unreferenced file, never a
    broken link).
    """
    # Not an image, or too large once decoded: refused here, without taking a place in the queue.
    await decoding.check(data)
    prepared = await decoding.prepare(data)
    media_id = new_media_id()
    try:
        await files.put(media_id, prepared.data)
        await files.put(thumb_key(media_id), prepared.thumb)
        await _add_row(database, media_id, prepared, channel, now, message_id)
    except BaseException:
        await files.delete(media_id)
        await files.delete(thumb_key(media_id))
        raise
    return media_id, prepared


async def _add_row(
    database: Database, media_id: str, prepared: PreparedImage, channel: str, now: dt.datetime, message_id: int | None
) -> None:
    await database.write(
        partial(
            add_media,
            media_id=media_id,
            channel=channel,
            content_type=prepared.content_type,
            thumb_type=prepared.thumb_type,
            size=len(prepared.data),
            width=prepared.width,
            height=prepared.height,
            sha256=hashlib.sha256(prepared.data).hexdigest(),
            now=now,
            message_id=message_id,
        )
    )


FETCH_MEDIA_JOB = "fetch_media"
"""The worker job that downloads a provider's photo after its message is stored (``workers/media.py``)."""


def fetch_job_id(message_id: int) -> str:
    """One fetch per message: a retried webhook is stored once and enqueues nothing more."""
    return f"media:{message_id}"


async def enqueue_media_fetch(redis: ArqRedis, message: InboundMessage, stored: StoredInbound) -> None:
    """Queue the download of the message's photo, once (nothing for a retried delivery or no photo).

    The webhook only enqueues: the provider is called from the worker, never the request path.
    """
    if message.media_ref is None or stored.duplicate:
        return
    await redis.enqueue_job(
        FETCH_MEDIA_JOB,
        stored.message_id,
        message.channel.value,
        message.media_ref,
        _job_id=fetch_job_id(stored.message_id),
    )
