"""The team's canned replies (常用语, issue 15): ``/api/canned-replies``.

Every staff member reads them and adds their own; an agent edits and removes only the ones they
added, supervisors and managers any. A text with a forbidden phrase is refused (422) with the
correct expression, as a reply would be: a canned reply is inserted into replies unread.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from aiohttp import web
from pydantic import Field, StrictStr
from sqlalchemy.orm import Session

from bot import json_text
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.audit import audited, note, path_target
from bot.staff.auth import requires
from bot.staff.bodies import Body, Text, read_body
from bot.staff.reply_guard import audit_error, direction_refusal
from bot.storage import canned_replies as store
from bot.storage.models import CannedReply, string_length
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
MAX_TEXT = 2000


class CannedReplyBody(Body):
    # The lengths inside the Annotated: a Field(max_length=) beside it would give way to Text's own 5,000.
    title: Annotated[Text, Field(max_length=string_length(CannedReply, "title"))] = Field(
        description="The name shown in the picker."
    )
    text: Annotated[Text, Field(max_length=MAX_TEXT)] = Field(description="What is inserted into the reply.")
    locale: StrictStr | None = Field(
        default=None, description="The replies' language; the service's default if absent."
    )


def _json(reply: CannedReply, author: str | None, staff: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": reply.id,
        "title": reply.title,
        "text": reply.text,
        "locale": reply.locale,
        "created_by": reply.created_by,
        "author": author,
        "updated_by": reply.updated_by,
        "updated_at": reply.updated_at.isoformat(),
        "editable": _may_edit(staff, reply),
    }


def _may_edit(staff: dict[str, Any], reply: CannedReply) -> bool:
    return staff["role"] != Role.AGENT or reply.created_by == int(staff["id"])


def _reply_id(request: web.Request) -> int:
    return path_number(request, "no such canned reply")


async def _checked_body(request: web.Request) -> CannedReplyBody:
    """The body, its locale known and its text clear of forbidden phrases (422 otherwise)."""
    body = await read_body(request, CannedReplyBody)
    config = resources(request).config
    if body.locale is not None and body.locale not in config.phrases:
        raise api_error(400, f"'locale' must be one of {sorted(config.phrases)}")
    if (reordered := direction_refusal(body.text)) is not None:
        note(request, error=reordered[1])
        raise web.HTTPUnprocessableEntity(text=reordered[0].text, content_type="application/json")
    # every phrase the text holds, as a reply's guard names them (check_all), not the first alone
    hits = resources(request).guard.check_all(body.text)
    if hits:
        hit = hits[0]
        quoted = "、".join(f"「{each.forbidden}」" for each in hits)
        error = f"the text contains forbidden phrases: {quoted}" if len(hits) > 1 else audit_error(hit)
        note(request, error=error)
        refusal = {
            "error": error if len(hits) > 1 else f"the text contains a forbidden phrase: 「{hit.forbidden}」",
            "forbidden": hit.forbidden,
            "suggestion": hit.instead,
            "source": hit.source,
            "forbidden_all": [each.forbidden for each in hits],
            "suggestions": [{"forbidden": each.forbidden, "suggestion": each.instead} for each in hits],
        }
        raise web.HTTPUnprocessableEntity(text=json.dumps(refusal, ensure_ascii=False), content_type="application/json")
    return body


@requires(*STAFF)
async def list_replies(request: web.Request) -> web.Response:
    """``GET /api/canned-replies[?locale=]``: the team's canned replies by title."""
    locale = request.query.get("locale") or None
    shared = resources(request)
    most = shared.config.handoff.canned_replies.total
    async with shared.sessions() as session:
        rows = await session.run_sync(lambda sync: store.canned_replies(sync, locale, limit=most))
    staff = request["staff"]
    # Chinese as UTF-8, not \uXXXX escapes: half the bytes for every console that loads them.
    replies = [_json(reply, author, staff) for reply, author in rows]
    return web.json_response({"replies": replies}, dumps=json_text.dumps)


@audited("canned_reply_add")
@requires(*STAFF)
@documented(body=CannedReplyBody)
async def add_reply(request: web.Request) -> web.Response:
    """``POST /api/canned-replies`` {title, text, locale?}: 201 with the new reply; 409 when the
    author has ``canned_replies.per_author`` replies already, or the team ``total``
    (``config/handoff.yaml``)."""
    body = await _checked_body(request)
    shared, staff = resources(request), request["staff"]
    locale = body.locale or shared.config.service.default_locale
    limits, now = shared.config.handoff.canned_replies, shared.clock()
    author = int(staff["id"])

    def add(session: Session) -> int | store.Full:
        full = store.limit_reached(session, author, limits.per_author, limits.total)
        return full or store.add_canned_reply(session, body.title.strip(), body.text, locale, author, now)

    added = await shared.database.write(add)
    if added == "author":
        mine = f"you have {limits.per_author} canned replies, the most one person may keep; remove one first"
        raise api_error(409, mine, limit=added, most=limits.per_author)
    if added == "total":
        team = f"the team has {limits.total} canned replies, the most it may keep; remove one first"
        raise api_error(409, team, limit=added, most=limits.total)
    note(request, target=f"canned_reply:{added}")
    return web.json_response(await _one(request, added), status=201)


async def _one(request: web.Request, reply_id: int) -> dict[str, Any]:
    async with resources(request).sessions() as session:
        rows = await session.run_sync(lambda sync: store.canned_replies(sync, None, reply_id))
    if not rows:
        raise api_error(404, "no such canned reply")
    reply, author = rows[0]
    return _json(reply, author, request["staff"])


async def _editable(request: web.Request, reply_id: int) -> None:
    """404 for an unknown reply, 403 for an agent's edit of someone else's."""
    async with resources(request).sessions() as session:
        reply = await session.run_sync(lambda sync: store.canned_reply(sync, reply_id))
    if reply is None:
        raise api_error(404, "no such canned reply")
    if not _may_edit(request["staff"], reply):
        raise api_error(403, "agents edit only the canned replies they added; ask a supervisor")


@audited("canned_reply_edit", target=path_target("canned_reply"))
@requires(*STAFF)
@documented(body=CannedReplyBody)
async def edit_reply(request: web.Request) -> web.Response:
    """``PUT /api/canned-replies/{id}`` {title, text}: the edited reply."""
    reply_id = _reply_id(request)
    await _editable(request, reply_id)
    body = await _checked_body(request)
    shared, staff = resources(request), request["staff"]
    now = shared.clock()
    await shared.database.write(
        lambda session: store.edit_canned_reply(session, reply_id, body.title.strip(), body.text, int(staff["id"]), now)
    )
    return web.json_response(await _one(request, reply_id))


@audited("canned_reply_remove", target=path_target("canned_reply"))
@requires(*STAFF)
async def remove_reply(request: web.Request) -> web.Response:
    """``DELETE /api/canned-replies/{id}``: 200 once it is gone."""
    reply_id = _reply_id(request)
    await _editable(request, reply_id)
    await resources(request).database.write(lambda session: store.remove_canned_reply(session, reply_id))
    return web.json_response({"id": reply_id, "removed": True})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/canned-replies", list_replies)
    app.router.add_post("/api/canned-replies", add_reply)
    app.router.add_put("/api/canned-replies/{id}", edit_reply)
    app.router.add_delete("/api/canned-replies/{id}", remove_reply)
