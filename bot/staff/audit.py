"""The staff audit log: ``@audited`` on every staff action's handler (read by ``GET /api/audit``,
``bot.staff.audit_api``).

``@audited("transfer", target=path_target("conversation"))`` goes above ``@requires`` (outermost,
so a refused call is seen too) and records, after the handler has answered, one entry: who (the
signed-in staff member; for a sign-in, the account tried; a name no account has is kept only as
its length, ``detail.username_chars``: it may be a password typed in the wrong field), when,
what (the action, its target and a small detail the handler adds with :func:`note`), from where
(the client address as trusted proxies tell it, the user agent, the request id) and the HTTP status.

An entry is written in its own transaction once the handler is done, not inside the handler's:
the status is only known then, refused calls have no transaction, and several actions write more
than once or not at all (a sign-in, a retried job, Redis). A failed write is logged and never
turns the action into an error. Calls with no staff member behind them (not signed in, or a
wrong CSRF token, which is someone else's page acting in the browser) are not staff actions and
leave nothing; a sign-in leaves an entry whatever its outcome, except that a sign-in held back
by a rate limit the log already has an entry for (in this window) leaves none: the handler says so
with :func:`unrecorded`, so a flood of refused requests cannot fill the table, whose rows are never
deleted.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any

import structlog
from aiohttp import web
from sqlalchemy.orm import Session

from bot.keys import resources
from bot.logs import REQUEST_ID
from bot.storage import audit as audit_store
from bot.storage import staff as staff_store
from bot.web.client_address import client_addresses_key
from bot.web.unstorable import has_unstorable

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Target = Callable[[web.Request], str | None]

AUDITED = "audit"
"""The key under which ``audited`` leaves its :class:`Audit` on a handler (the route test reads it)."""
_NOTES = "audit_notes"
_UNRECORDED = "audit_unrecorded"
ATTEMPTED = "audit_attempted_username"
"""Where the sign-in leaves the name it was given, for an entry when it fails."""
MAX_ERROR_CHARS = 200
MAX_USER_AGENT_CHARS = 300
MAX_NAME_CHARS = 64
MAX_TARGET_CHARS = 120

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Audit:
    """What a handler is audited as. ``wrapper`` is the audited function itself: a route whose
    handler is not that function has a decorator outside ``audited`` (which a refusal skips)."""

    action: str
    failed: str | None
    target: Target | None
    wrapper: Handler


@dataclass(slots=True)
class _Notes:
    target: str | None = None
    detail: dict[str, Any] | None = None


def path_target(kind: str, parameter: str = "id") -> Target:
    """The target ``kind:{parameter}``, e.g. ``conversation:42`` from ``/api/conversations/{id}/…``."""
    return lambda request: f"{kind}:{request.match_info.get(parameter, '?')}"


def fixed_target(name: str) -> Target:
    return lambda request: name


def note(request: web.Request, target: str | None = None, **detail: Any) -> None:
    """From inside an audited handler: name the target precisely (``rules:v7``) and add detail
    (``message_id=…``). The detail is stored as JSON: ids and names, never message text or secrets.
    ``error=…`` says why a refusal was refused in place of the answer's own ``error``."""
    notes: _Notes = request.setdefault(_NOTES, _Notes())
    if target is not None:
        notes.target = target
    if detail:
        notes.detail = {**(notes.detail or {}), **detail}


def unrecorded(request: web.Request) -> None:
    """From inside an audited handler: this call leaves no entry (the log already holds one
    standing for it, e.g. for the same rate limit's earlier refusal)."""
    request[_UNRECORDED] = True


def audited(action: str, *, target: Target | None = None, failed: str | None = None) -> Callable[[Handler], Handler]:
    """Record every call of the handler in the audit log as ``action`` (``failed`` instead when
    the answer is 400 or more, e.g. "sign_in_failed"). Put it above ``@requires``."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            try:
                response = await handler(request)
            except web.HTTPException as error:
                await _record(request, marker, error.status, _error_text(error))
                raise
            except Exception:
                await _record(request, marker, 500, "internal error")
                raise
            await _record(request, marker, response.status, None)
            return response

        marker = Audit(action, failed, target, wrapper)
        wrapper.__dict__[AUDITED] = marker
        return wrapper

    return decorate


def audit_of(handler: Any) -> Audit | None:
    """The handler's audit marking, if any."""
    found = getattr(handler, "__dict__", {}).get(AUDITED)
    return found if isinstance(found, Audit) else None


ERROR_KEYS = ("code", "field", "limit", "names", "allowed", "forbidden", "suggestion")
"""What an error answer says beside its English ``error`` for the consoles to say it in the staff's
language (``{"error": …, "code": "greater_than", "field": …, "limit": 0}``): kept with it."""


def _error_text(error: web.HTTPException) -> dict[str, Any] | None:
    """The answer's ``error`` (cut) and its machine-readable companions, or None."""
    try:
        body = json.loads(error.text or "")
        message = body["error"]
    except (ValueError, TypeError, KeyError):
        return None
    found: dict[str, Any] = {"error": str(message)[:MAX_ERROR_CHARS]}
    for key in ERROR_KEYS:
        value = body.get(key)
        if isinstance(value, str):
            found[key] = value[: MAX_NAME_CHARS * 2]
        elif isinstance(value, int | float) or (isinstance(value, list) and len(value) <= 20):
            found[key] = value
    return found


def _target(request: web.Request, marker: Audit, notes: _Notes) -> str | None:
    if notes.target is not None:
        return notes.target
    if marker.target is None:
        return None
    try:
        return marker.target(request)
    except Exception as error:  # a target that cannot be named still leaves the entry
        log.warning("audit.target_failed", action=marker.action, error=type(error).__name__)
        return None


async def _record(request: web.Request, marker: Audit, status: int, error: dict[str, Any] | str | None) -> None:
    try:
        entry = _entry(request, marker, status, error)
        if entry is not None:
            await resources(request).database.write(lambda session: audit_store.append(session, _named(session, entry)))
    except Exception as failure:  # the action has happened; losing its entry must not undo or hide it
        log.error("audit.write_failed", action=marker.action, actor=_who(request), error=type(failure).__name__)
        resources(request).metrics.audit_write_failures.inc()


def _named(session: Session, entry: audit_store.NewEntry) -> audit_store.NewEntry:
    """A sign-in's entry names the account tried (as the account is named), or, when no account
    has that name, none: every manager reads the log, and a name no account has may be a
    password typed in the wrong field. Its length alone is kept, to tell attempts apart."""
    if entry.actor_id is not None or entry.actor is None:
        return entry
    # A name holding a NUL is no account's, and PostgreSQL refuses it in a statement.
    account = None if has_unstorable(entry.actor) else staff_store.user_named(session, entry.actor.strip())
    if account is not None:
        return replace(entry, actor=account.username)
    return replace(entry, actor=None, detail={**entry.detail, "username_chars": len(entry.actor)})


def _who(request: web.Request) -> str | None:
    """Who, for the log of a failed write: the signed-in staff member, never a name tried."""
    staff: dict[str, Any] | None = request.get("staff")
    return str(staff["username"]) if staff else None


def _entry(
    request: web.Request, marker: Audit, status: int, error: dict[str, Any] | str | None
) -> audit_store.NewEntry | None:
    """The entry for this call; None when no staff member is behind it."""
    staff: dict[str, Any] | None = request.get("staff")
    attempted: str | None = request.get(ATTEMPTED)
    if (staff is None and attempted is None) or request.get(_UNRECORDED):
        return None
    notes: _Notes = request.get(_NOTES) or _Notes()
    detail = dict(notes.detail or {})
    if request.method == "GET" and request.query:  # an export: which rows it asked for
        detail.setdefault("query", {key: value[:MAX_NAME_CHARS] for key, value in request.query.items()})
    if error is not None and status >= 400:
        said = error if isinstance(error, dict) else {"error": error}
        if "error" not in detail:  # what the handler noted: the answer's may quote the staff's text
            detail.update(said)
    return audit_store.NewEntry(
        at=resources(request).clock(),
        action=marker.failed if marker.failed is not None and status >= 400 else marker.action,
        status=status,
        actor_id=int(staff["id"]) if staff else None,
        actor=str(staff["username"]) if staff else attempted,  # a name tried: see _named
        role=str(staff["role"]) if staff else None,
        target=(_target(request, marker, notes) or "")[:MAX_TARGET_CHARS] or None,
        detail=detail,
        client_address=request.app[client_addresses_key].of(request),
        user_agent=request.headers.get("User-Agent", "")[:MAX_USER_AGENT_CHARS] or None,
        request_id=request.get(REQUEST_ID),
    )
