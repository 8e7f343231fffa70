"""Every role × every staff endpoint: allowed calls work, the others are refused.

``ROUTES`` lists every ``/api/...`` route the app registers with the roles allowed to call it; a
route missing from it fails ``test_the_table_covers_every_api_route``. Each caller (anonymous, a
web chat customer with its token as a Bearer header or as ``?token=``, agent, supervisor,
manager) gets one app with a promised case waiting for a person, and walks the whole table in
order, so state-changing calls find what they need (the claim comes before the reply, the
resolution before the confirmation, the logout last).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import WSMsgType, WSServerHandshakeError
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role, create_user
from bot.storage.canned_replies import add_canned_reply  # issue 15
from bot.storage.models import DeadLetter, HandoffTicket, Notification, Report
from bot.storage.notifications import notify
from tests.conftest import AppFactory
from tests.helpers import new_session
from tests.promises.support import promised_case
from tests.staff import PASSWORD, password_hash, sign_in

AGENT, SUPERVISOR, MANAGER = Role.AGENT.value, Role.SUPERVISOR.value, Role.MANAGER.value
STAFF = frozenset({AGENT, SUPERVISOR, MANAGER})
SUPERVISION = frozenset({SUPERVISOR, MANAGER})
MANAGERS = frozenset({MANAGER})
PUBLIC = None
"""No role check at all (the sign-in itself)."""

Body = Callable[[dict[str, Any]], dict[str, Any]] | None


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    """The path template as registered; ``{id}`` and ``{version}`` are filled from the case data."""
    roles: frozenset[str] | None
    ok: int
    """The status an allowed caller gets with the case data (the call really works)."""
    body: Body = None
    fill: dict[str, str] = field(default_factory=dict)
    """Which case datum each path parameter takes, e.g. {"id": "conversation"}."""
    websocket: bool = False


ROUTES: list[Route] = [
    Route("POST", "/api/login", PUBLIC, 400, lambda case: {}),
    Route("GET", "/api/me", STAFF, 200),
    Route("GET", "/api/session", PUBLIC, 200),  # whether this browser is signed in: 200 for anyone
    Route("PUT", "/api/me/locale", STAFF, 200, lambda case: {"locale": "en"}),  # issue 15 (console language)
    Route("GET", "/api/openapi.json", STAFF, 200),
    Route("GET", "/api/queue", STAFF, 200),
    Route("GET", "/api/colleagues", STAFF, 200),
    Route("GET", "/api/transfer-targets", STAFF, 200),
    Route("GET", "/api/queues", STAFF, 200),
    Route("GET", "/api/phrases", STAFF, 200),
    Route("GET", "/api/search", STAFF, 400),  # issue 15: without ?q= an allowed caller is told what to give
    Route("GET", "/api/my-conversations", STAFF, 200),
    # issue 15 (agent console): the customer panel
    Route("GET", "/api/conversations/{id}/customer", STAFF, 200, fill={"id": "conversation"}),
    Route(
        "PUT",
        "/api/conversations/{id}/customer/tier",
        SUPERVISION,
        200,
        lambda case: {"tier": "vip"},
        {"id": "conversation"},
    ),
    # issue 15 (agent console): team canned replies; every caller edits the one the manager added
    # only when a supervisor or manager (an agent edits their own: tests/handoff/test_canned_replies.py)
    Route("GET", "/api/canned-replies", STAFF, 200),
    Route(
        "POST", "/api/canned-replies", STAFF, 201, lambda case: {"title": "问候", "text": "您好,请问有什么可以帮您?"}
    ),
    Route(
        "PUT",
        "/api/canned-replies/{id}",
        SUPERVISION,
        200,
        lambda case: {"title": "问候", "text": "您好"},
        {"id": "canned_reply"},
    ),
    Route("DELETE", "/api/canned-replies/{id}", SUPERVISION, 200, fill={"id": "canned_reply"}),
    Route("GET", "/api/config/deadlines", STAFF, 200),
    Route("GET", "/api/notifications", STAFF, 200),
    Route("POST", "/api/notifications/{id}/read", STAFF, 200, lambda case: {}, {"id": "notification"}),
    Route("POST", "/api/notifications/read-all", STAFF, 200, lambda case: {}),
    Route("GET", "/api/dashboard", SUPERVISION, 200),
    Route("POST", "/api/understand", SUPERVISION, 200, lambda case: {"text": "叫你们领导出来"}),
    Route("GET", "/api/rules", SUPERVISION, 200),
    Route("GET", "/api/rules/{version}", SUPERVISION, 200, fill={"version": "rules_version"}),
    Route(
        "PUT",
        "/api/rules",
        MANAGERS,
        200,
        lambda case: {"rules": [{"name": "normal", "then": {"priority": 2}}], "note": "role matrix"},
    ),
    Route(
        "POST", "/api/rules/rollback", MANAGERS, 200, lambda case: {"version": case["rules_version"], "note": "roles"}
    ),
    Route("GET", "/api/users", SUPERVISION, 200),
    Route("POST", "/api/users", MANAGERS, 201, lambda case: {"username": "new.agent", "role": "agent"}),
    Route("PUT", "/api/users/{id}/queues", MANAGERS, 200, lambda case: {"queues": case["queues"]}, {"id": "agent"}),
    Route(
        "PUT",
        "/api/users/{id}/active",
        MANAGERS,
        200,
        lambda case: {"active": False, "current_password": PASSWORD},
        {"id": "agent"},
    ),
    Route(
        "POST", "/api/users/{id}/password", MANAGERS, 200, lambda case: {"current_password": PASSWORD}, {"id": "agent"}
    ),
    Route(
        "PUT",
        "/api/users/{id}/role",
        MANAGERS,
        200,
        lambda case: {"role": "agent", "current_password": PASSWORD},
        {"id": "agent"},
    ),
    Route("POST", "/api/tickets/{id}/claim", STAFF, 200, lambda case: {}, {"id": "ticket"}),
    # issue 15 (typing): the caller has just claimed the case, so their typing reaches the customer
    Route("POST", "/api/conversations/{id}/typing", STAFF, 202, lambda case: {}, {"id": "conversation"}),
    Route("GET", "/api/conversations/{id}", STAFF, 200, fill={"id": "conversation"}),
    Route(
        "POST",
        "/api/conversations/{id}/messages",
        STAFF,
        201,
        lambda case: {"text": "您好，维修师傅今天下午三点上门处理电梯。"},
        {"id": "conversation"},
    ),
    # issue 15 (agents' photos): a JSON body is told to send the photo as multipart
    Route("POST", "/api/conversations/{id}/photos", STAFF, 400, lambda case: {}, {"id": "conversation"}),
    Route(
        "POST", "/api/conversations/{id}/notes", STAFF, 201, lambda case: {"text": "已联系物业"}, {"id": "conversation"}
    ),
    # the caller has just claimed the case: an agent corrects the form of a case they own
    Route(
        "PATCH",
        "/api/conversations/{id}/complaint",
        STAFF,
        200,
        lambda case: {"area": "阳光花园3栋2单元"},
        {"id": "conversation"},
    ),
    # the extension's preview: without ?hours= an allowed caller is told what to give
    Route("GET", "/api/conversations/{id}/extend", SUPERVISION, 400, fill={"id": "conversation"}),
    Route(
        "POST",
        "/api/conversations/{id}/extend",
        SUPERVISION,
        200,
        lambda case: {"hours": 4, "reason": "等待配件"},
        {"id": "conversation"},
    ),
    Route(
        "POST",
        "/api/conversations/{id}/transfer",
        STAFF,
        200,
        lambda case: {"username": case["me"]},
        {"id": "conversation"},
    ),
    Route(
        "POST",
        "/api/conversations/{id}/resolve",
        STAFF,
        200,
        lambda case: {"summary": "已更换电梯控制板"},
        {"id": "conversation"},
    ),
    Route("POST", "/api/conversations/{id}/confirm-resolved", STAFF, 200, lambda case: {}, {"id": "conversation"}),
    # the caller resolved the case just above: they may reopen it
    Route(
        "POST",
        "/api/conversations/{id}/reopen",
        STAFF,
        200,
        lambda case: {"reason": "客户来电说问题还在"},
        {"id": "conversation"},
    ),
    Route("GET", "/api/dead-letters", MANAGERS, 200),
    Route("POST", "/api/dead-letters/{id}/retry", MANAGERS, 200, lambda case: {}, {"id": "dead_letter"}),
    Route("GET", "/api/reports/daily", MANAGERS, 200),
    # issue 14 (reports)
    Route("GET", "/api/reports", SUPERVISION, 200),
    Route("GET", "/api/cases.csv", SUPERVISION, 200),
    Route("GET", "/api/cases.xlsx", SUPERVISION, 200),
    Route("GET", "/api/audit", MANAGERS, 200),
    # issue 14 (standards edited in the console): agents read phrases and forbidden phrases only
    # (tests/standards/test_standards_api.py); timers are a manager's.
    Route("GET", "/api/standards", STAFF, 200),
    Route("GET", "/api/standards/{section}", MANAGERS, 200, fill={"section": "standard"}),
    Route(
        "PUT",
        "/api/standards/{section}",
        MANAGERS,
        200,
        lambda case: {"body": case["standard_body"], "note": "roles"},
        {"section": "standard"},
    ),
    Route("GET", "/api/standards/{section}/history", MANAGERS, 200, fill={"section": "standard"}),
    Route(
        "GET",
        "/api/standards/{section}/versions/{version}",
        MANAGERS,
        200,
        fill={"section": "standard", "version": "standard_version"},
    ),
    Route(
        "POST", "/api/standards/{section}/rollback", MANAGERS, 200, lambda case: {"version": 1}, {"section": "standard"}
    ),
    Route("POST", "/api/standards/try", MANAGERS, 200, lambda case: {"text": "宽带又断了"}),
    Route("GET", "/api/events", STAFF, 101, websocket=True),
    # one's own password and other sessions (after every route that types the password again)
    Route("POST", "/api/me/sessions/end-others", STAFF, 200, lambda case: {}),
    Route(
        "POST",
        "/api/me/password",
        STAFF,
        200,
        lambda case: {"current_password": PASSWORD, "password": "lantern oyster quietly"},
    ),
    Route("POST", "/api/logout", STAFF, 200, lambda case: {}),
]


@dataclass(frozen=True)
class Caller:
    name: str
    role: str | None = None
    """The staff role signed in, or None (anonymous or a customer: no staff session)."""
    customer: str | None = None
    """How a customer sends their web chat token: "bearer" or "query"."""

    def refused_status(self) -> int:
        return 403 if self.role is not None else 401


CALLERS = [
    Caller("anonymous"),
    Caller("customer-bearer", customer="bearer"),
    Caller("customer-query", customer="query"),
    Caller("agent", role=AGENT),
    Caller("supervisor", role=SUPERVISOR),
    Caller("manager", role=MANAGER),
]


def _registered(client: TestClient[Any, Any]) -> set[tuple[str, str]]:
    found = set()
    for route in client.app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if path.startswith("/api/") and route.method != "HEAD":
            found.add((route.method, path))
    return found


async def test_the_table_covers_every_api_route(make_client: AppFactory) -> None:
    client = await make_client()
    table = {(route.method, route.path) for route in ROUTES}
    assert len(table) == len(ROUTES), "a route is listed twice"
    registered = _registered(client)
    assert registered - table == set(), "add these routes to ROUTES with the roles allowed to call them"
    assert table - registered == set(), "these routes in ROUTES are not registered any more"


async def _case(client: TestClient[Any, Any], caller: Caller) -> dict[str, Any]:
    """Staff of every role, a promised case waiting for a person, and one of each row a
    manager or a reader of notifications acts on; signs the caller in when they are staff."""
    app = client.app
    now = resources(app).clock()
    queues = resources(app).config.handoff.queue_ids()

    hashed = await password_hash(client)

    def people(session: Any) -> dict[str, int]:
        return {role.value: create_user(session, role.value, hashed, role, now, queues=queues) for role in Role}

    ids = await resources(app).database.write(people)
    conversation_id, socket = await promised_case(client)
    await socket.close()
    async with resources(app).sessions() as session:
        ticket_id = (
            await session.execute(select(HandoffTicket.id).where(HandoffTicket.conversation_id == conversation_id))
        ).scalar_one()
    reader = ids.get(caller.role or "", ids[AGENT])

    def rows(session: Any) -> dict[str, int]:
        notify(session, "pickup_overdue", f"user:{reader}", now, conversation_id=conversation_id, ticket_id=ticket_id)
        letter = DeadLetter(job="deliver_message", args=[], error="gone", tries=5, created_at=now)
        yesterday = now.astimezone(dt.UTC).date() - dt.timedelta(days=1)
        session.add_all([letter, Report(kind="daily", day=yesterday, body={"complaints": 0}, created_at=now)])
        session.flush()
        canned = add_canned_reply(session, "致歉", "非常抱歉给您带来不便", "zh-CN", ids[MANAGER], now)  # issue 15
        return {"dead_letter": letter.id, "canned_reply": canned}

    made = await resources(app).database.write(rows)
    async with resources(app).sessions() as session:
        notification_id = (await session.execute(select(Notification.id))).scalar_one()
    timers = resources(app).standards.sections["timers"].body_of(resources(app).config)
    case: dict[str, Any] = {
        "conversation": conversation_id,
        "ticket": ticket_id,
        "notification": notification_id,
        "agent": ids[AGENT],
        "rules_version": 1,
        "standard": "timers",
        "standard_version": 1,
        # changed: the version in force saved again is refused (nothing changed)
        "standard_body": {**timers, "idle_close_after": timers["idle_close_after"] + 60},
        "queues": queues,
        "me": caller.role or "nobody",
        **made,
    }
    if caller.customer is not None:
        case["token"], _ = await new_session(client)
    if caller.role is not None:
        case["csrf"] = await sign_in(client, caller.role)
    return case


async def _call(client: TestClient[Any, Any], route: Route, caller: Caller, case: dict[str, Any]) -> int:
    path = route.path
    for name, datum in route.fill.items():
        path = path.replace("{" + name + "}", str(case[datum]))
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    if caller.customer == "bearer":
        headers["Authorization"] = f"Bearer {case['token']}"
    if caller.customer == "query":
        params["token"] = case["token"]
    if "csrf" in case:
        headers["X-CSRF-Token"] = case["csrf"]
    if route.websocket:
        try:
            socket = await client.ws_connect(path, headers=headers, params=params)
        except WSServerHandshakeError as error:
            return error.status
        hello = await socket.receive(timeout=20)  # a loaded CI machine answers late, never not
        await socket.close()
        assert hello.type is WSMsgType.TEXT and hello.json()["type"] == "hello"
        return 101
    body = route.body(case) if route.body is not None else None
    response = await client.request(route.method, path, json=body, headers=headers, params=params)
    await response.read()
    return response.status


@pytest.mark.parametrize("caller", CALLERS, ids=[caller.name for caller in CALLERS])
async def test_every_route_lets_in_exactly_its_roles(make_client: AppFactory, caller: Caller) -> None:
    """One app per caller walks the whole table; every cell that differs is reported at once."""
    client = await make_client()
    case = await _case(client, caller)
    wrong: list[str] = []
    for route in ROUTES:
        status = await _call(client, route, caller, case)
        allowed = route.roles is PUBLIC or caller.role in route.roles
        expected = route.ok if allowed else caller.refused_status()
        if status != expected:
            wrong.append(f"{route.method} {route.path} as {caller.name}: {status}, expected {expected}")
    assert wrong == []
