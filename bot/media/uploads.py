"""Reading a photo upload (multipart) within the size limit, and forgetting one no message took;
shared by the customer's ``POST /chat/media`` and the agent's ``POST /api/conversations/{id}/photos``."""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog
from aiohttp import BodyPartReader, web

from bot.media.files import MediaFiles, thumb_key
from bot.storage.db import Database
from bot.storage.media import drop_unlinked
from bot.web.responses import json_error
from bot.web.unstorable import CODE as UNSTORABLE_CODE
from bot.web.unstorable import has_unstorable

log = structlog.get_logger(__name__)

ENVELOPE_BYTES = 64 * 1024
"""What the multipart envelope and the small fields may add to the file."""


def too_big(limit: int) -> web.Response:
    megabytes = limit / (1024 * 1024)
    return json_error(413, f"the photo is too large: please send one of at most {megabytes:g} MB")


def decoding_busy(retry_after: int) -> web.Response:
    """503 with ``Retry-After``: the process's photo decoding has no place for this photo now."""
    busy = json_error(503, "too many photos at once: please send it again in a moment")
    busy.headers["Retry-After"] = str(retry_after)
    return busy


async def read_part(part: BodyPartReader, limit: int) -> bytes | None:
    """The part's bytes, or None when it holds more than ``limit``."""
    chunks, size = [], 0
    while chunk := await part.read_chunk(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(slots=True)
class Upload:
    file: bytes | None = None
    fields: dict[str, str] = field(default_factory=dict)


async def read_upload(request: web.Request, limit: int, fields: dict[str, int]) -> Upload | web.Response:
    """The ``file`` part (at most ``limit`` bytes) and the text ``fields`` (name: most bytes) of a
    multipart request; or the error to answer (400, or 413 for a file over the limit).

    Nothing larger than ``limit`` is held: a ``Content-Length`` beyond it (and the envelope) is
    refused before a byte of the body is read, and a body without one (chunked) as soon as the
    file part passes the limit."""
    if request.content_type != "multipart/form-data":
        return json_error(400, "send the photo as multipart/form-data in a 'file' field")
    # Anything far larger than the limit is refused unread.
    if request.content_length is not None and request.content_length > limit + ENVELOPE_BYTES:
        return too_big(limit)
    upload = Upload()
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "file":
                upload.file = await read_part(part, limit)
                if upload.file is None:
                    return too_big(limit)
            elif part.name in fields:
                given = await read_part(part, fields[part.name])
                if given is None:
                    return json_error(400, f"'{part.name}' is too long")
                value = given.decode("utf-8", "replace")
                if has_unstorable(value):  # as in every JSON body and query (bot.web.unstorable)
                    refused = {"error": f"'{part.name}' must not contain a NUL character", "field": part.name}
                    return web.json_response(refused | {"code": UNSTORABLE_CODE}, status=400)
                upload.fields[part.name] = value
    except ValueError:
        return json_error(400, "the multipart body cannot be read")
    if not upload.file:
        return json_error(400, "a 'file' field with the photo is required")
    return upload


async def forget_photo(database: Database, files: MediaFiles, media_id: str) -> None:
    """Remove a photo no message took; a failure here leaves an unreferenced file, nothing worse."""
    try:
        await database.write(lambda session: drop_unlinked(session, media_id))
        await files.delete(media_id)
        await files.delete(thumb_key(media_id))
    except Exception:
        log.warning("media.forget_failed", media_id=media_id, exc_info=True)
