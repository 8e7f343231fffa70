"""The language a staff member reads the consoles in (issue 15): ``PUT /api/me/locale``.

Stored on the account, so the choice follows them to another browser; ``GET /api/me`` and the
sign-in answer carry it as ``ui_locale``.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import StrictStr

from bot.keys import resources
from bot.staff.audit import audited, note
from bot.staff.auth import requires
from bot.staff.bodies import Body, read_body
from bot.storage import staff as staff_store
from bot.web.openapi import documented
from bot.web.responses import api_error

UI_LOCALES = ("zh-CN", "en")


class LocaleBody(Body):
    locale: StrictStr


@audited("ui_locale_change")
@requires()
@documented(body=LocaleBody)
async def set_locale(request: web.Request) -> web.Response:
    """``PUT /api/me/locale`` {locale: "zh-CN" | "en"}: the signed-in member's console language;
    422 for any other language."""
    body = await read_body(request, LocaleBody)
    if body.locale not in UI_LOCALES:
        raise api_error(422, f"'locale' must be one of {list(UI_LOCALES)}")
    user_id = int(request["staff"]["id"])
    await resources(request).database.write(lambda session: staff_store.set_ui_locale(session, user_id, body.locale))
    note(request, locale=body.locale)
    return web.json_response({"ui_locale": body.locale})


def add_routes(app: web.Application) -> None:
    app.router.add_put("/api/me/locale", set_locale)
