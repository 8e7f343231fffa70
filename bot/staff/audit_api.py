"""``GET /api/audit``: the staff audit log for managers, newest first, paged by id."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import BaseModel

from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.audit import audit_of
from bot.staff.auth import requires
from bot.storage import audit as audit_store
from bot.storage.models import AuditEntry
from bot.web.openapi import documented
from bot.web.responses import LARGEST_ID, api_error

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class AuditEntryAnswer(BaseModel):
    id: int
    at: str
    actor_id: int | None
    actor: str | None
    role: str | None
    action: str
    target: str | None
    detail: dict[str, Any]
    client_address: str | None
    user_agent: str | None
    request_id: str | None
    status: int


class AuditPage(BaseModel):
    entries: list[AuditEntryAnswer]
    next_before: int | None
    """Pass as ``before`` for the next (older) page; null on the last page."""
    actions: list[str]
    """Every action name this app records (what ``action`` may be)."""


def known_actions(app: web.Application) -> set[str]:
    """Every action name an audited route of this app records."""
    names: set[str] = set()
    for route in app.router.routes():
        marker = audit_of(route.handler)
        if marker is not None:
            names.add(marker.action)
            if marker.failed is not None:
                names.add(marker.failed)
    return names


EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2999, 12, 31, tzinfo=dt.UTC)
"""The times a query may name: beyond them a date is a typo, and near year 9999 it cannot even be
converted between time zones."""


def _moment(name: str, given: str, zone: ZoneInfo, end_of_day: bool) -> dt.datetime:
    """A date (a whole day in the service time zone) or a time (without an offset: service time)."""
    try:
        if len(given) == 10:
            day = dt.date.fromisoformat(given)
            moment = dt.datetime.combine(day + dt.timedelta(days=1 if end_of_day else 0), dt.time(), zone)
        else:
            moment = dt.datetime.fromisoformat(given)
            moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
        if not EARLIEST <= moment.astimezone(dt.UTC) <= LATEST:
            raise ValueError(given)
    except (ValueError, OverflowError):
        raise api_error(400, f"'{name}' must be a date like 2026-11-23 or a time like 2026-11-23T14:00+08:00") from None
    return moment


def _positive(name: str, given: str) -> int:
    try:
        value = int(given)
    except ValueError:
        value = 0
    if not 1 <= value <= LARGEST_ID:
        raise api_error(400, f"'{name}' must be a whole number of 1 or more")
    return value


def _query(request: web.Request) -> audit_store.AuditQuery:
    query, zone = request.query, ZoneInfo(resources(request).config.service.timezone)
    limit = _positive("limit", query["limit"]) if "limit" in query else DEFAULT_LIMIT
    if limit > MAX_LIMIT:
        raise api_error(400, f"'limit' must be at most {MAX_LIMIT}")
    action = query.get("action") or None
    if action is not None and action not in known_actions(request.app):
        raise api_error(400, f"'action' must be one of {', '.join(sorted(known_actions(request.app)))}")
    since = _moment("from", query["from"], zone, end_of_day=False) if query.get("from") else None
    until = _moment("to", query["to"], zone, end_of_day=True) if query.get("to") else None
    if since is not None and until is not None and until <= since:
        raise api_error(400, "'to' must be later than 'from'")
    return audit_store.AuditQuery(
        limit=limit,
        since=since,
        until=until,
        actor=query.get("actor") or None,
        action=action,
        before=_positive("before", query["before"]) if query.get("before") else None,
    )


def _entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor": entry.actor,
        "role": entry.role,
        "action": entry.action,
        "target": entry.target,
        "detail": entry.detail,
        "client_address": entry.client_address,
        "user_agent": entry.user_agent,
        "request_id": entry.request_id,
        "status": entry.status,
    }


@requires(Role.MANAGER)
@documented(answer=AuditPage)
async def audit_log(request: web.Request) -> web.Response:
    """``GET /api/audit?from=&to=&actor=&action=&before=&limit=``: staff actions, newest first.

    ``from``/``to`` are dates (whole days, service time zone; ``to`` included) or ISO times;
    ``actor`` a username; ``action`` an action name; ``before`` the ``next_before`` of the page
    before (keyset paging by id); ``limit`` 1–200 (50). 400 names the parameter that is wrong.
    """
    query = _query(request)
    one_more = dataclasses.replace(query, limit=query.limit + 1)  # tells whether an older page exists
    async with resources(request).sessions() as session:
        found = await session.run_sync(audit_store.entries, one_more)
    shown = found[: query.limit]
    return web.json_response(
        {
            "entries": [_entry_json(entry) for entry in shown],
            "next_before": shown[-1].id if len(found) > query.limit else None,
            "actions": sorted(known_actions(request.app)),
        }
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/audit", audit_log)
