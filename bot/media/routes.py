"""``GET /media/{id}`` and ``/media/{id}/thumb``: a photo, for staff who may read its conversation
or the web chat customer whose conversation holds it; 404 for anyone else, as for no photo."""

from __future__ import annotations

from aiohttp import web

from bot.channels.webchat.routes import bearer_token
from bot.keys import resources
from bot.media.files import MEDIA_ID, thumb_key
from bot.media.images import EXTENSIONS
from bot.staff.access import Access, conversation_access
from bot.staff.auth import signed_in_staff
from bot.storage import store
from bot.storage.media import MediaRow, media_row
from bot.web.responses import json_error


async def _may_see(request: web.Request, row: MediaRow) -> bool:
    shared = resources(request)
    staff = await signed_in_staff(request)
    async with shared.sessions() as session:
        if staff is not None and row.conversation_id is not None:
            conversation_id = row.conversation_id
            access = await session.run_sync(lambda sync: conversation_access(sync, conversation_id, staff))
            if access is Access.ALLOWED:
                return True
        token = bearer_token(request)
        if token is None or row.identity_id is None:
            return False
        identity_id = await session.run_sync(store.identity_for_token, token)
    return identity_id is not None and identity_id == row.identity_id


async def _serve(request: web.Request, thumb: bool) -> web.Response:
    media_id = request.match_info["id"]
    missing = json_error(404, "no such photo")
    if not MEDIA_ID.match(media_id):
        return missing
    shared = resources(request)
    async with shared.sessions() as session:
        row = await session.run_sync(media_row, media_id)
    if row is None or not await _may_see(request, row):
        return missing
    data = await shared.media.get(thumb_key(media_id) if thumb else media_id)
    if data is None:
        return missing
    content_type = row.thumb_type if thumb else row.content_type
    name = f"photo-{media_id}{'-thumb' if thumb else ''}.{EXTENSIONS.get(content_type, 'bin')}"
    return web.Response(
        body=data,
        content_type=content_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "private, max-age=3600",
            # Opened on its own, the photo is a document that may run nothing.
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


async def photo(request: web.Request) -> web.Response:
    return await _serve(request, thumb=False)


async def thumbnail(request: web.Request) -> web.Response:
    return await _serve(request, thumb=True)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/media/{id}", photo)
    app.router.add_get("/media/{id}/thumb", thumbnail)
