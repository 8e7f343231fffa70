"""Taking in a photo: check and re-encode it, store its bytes, record its row."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from functools import partial

from bot.media.files import MediaFiles, new_media_id, thumb_key
from bot.media.images import PreparedImage, prepare
from bot.storage.db import Database
from bot.storage.media import add_media


async def take_in(
    data: bytes, channel: str, files: MediaFiles, database: Database, now: dt.datetime, message_id: int | None = None
) -> tuple[str, PreparedImage]:
    """Store an accepted image; returns its media id. Raises ``NotAnImage`` (nothing stored then).

    The files are written before the row, so a row always has its bytes; a crash between them
    leaves an unreferenced file, never a broken link.
    """
    prepared = await asyncio.to_thread(prepare, data)
    media_id = new_media_id()
    await files.put(media_id, prepared.data)
    await files.put(thumb_key(media_id), prepared.thumb)
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
    return media_id, prepared
