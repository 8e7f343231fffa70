"""Which routes of an app are staff actions the audit log must see, and which of them it misses."""

from __future__ import annotations

from aiohttp import web

from bot.staff.audit import audit_of

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EXPORT_SUFFIXES = (".csv", ".xlsx")
"""A GET that hands out data in bulk (the work-order export) is an action too."""

NOT_ACTIONS: dict[tuple[str, str], str] = {
    ("POST", "/api/understand"): "a read-only try of the understanding layer: nothing changes",
    ("POST", "/api/standards/try"): "a read-only try of a draft classification: nothing is saved",
    ("POST", "/api/conversations/{id}/typing"): "the agent is typing: a signal shown for seconds, nothing changes",
    ("POST", "/chat/session"): "customers: a web chat session",
    ("POST", "/chat/messages"): "customers: a web chat message",
    ("POST", "/chat/media"): "customers: a photo sent in the web chat",
    ("POST", "/channels/sms"): "the SMS provider's webhook",
    ("POST", "/channels/sms/status"): "the SMS provider's delivery reports",
    ("POST", "/channels/telegram"): "Telegram's webhook",
    ("POST", "/channels/wechat"): "WeChat's webhook",
}
NOT_ACTION_PREFIXES = ("/sms-stub/",)
"""The development SMS gateway: a phone, not staff."""


def routes(app: web.Application) -> list[tuple[str, str, web.AbstractRoute]]:
    found = []
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        found.append((route.method, path, route))
    return found


def must_be_audited(method: str, path: str) -> bool:
    if path.startswith(NOT_ACTION_PREFIXES) or (method, path) in NOT_ACTIONS:
        return False
    return method in STATE_CHANGING or (method == "GET" and path.endswith(EXPORT_SUFFIXES))


def missed(app: web.Application) -> list[str]:
    """``METHOD path: why`` for each staff action route the audit log would not see whole."""
    problems = []
    for method, path, route in routes(app):
        if not must_be_audited(method, path):
            continue
        marker = audit_of(route.handler)
        if marker is None:
            problems.append(f"{method} {path}: not @audited")
        elif marker.wrapper is not route.handler:
            problems.append(f"{method} {path}: a decorator sits outside @audited (put @audited first)")
    return problems
