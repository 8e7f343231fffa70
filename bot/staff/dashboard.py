"""The manager's live dashboard and the staff notifications API."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from aiohttp import web

from bot.config import DashboardSettings
from bot.handoff.queue import WaitingTicket
from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.audit import audited, note, path_target
from bot.staff.auth import requires
from bot.staff.clusters import CLUSTER_ALERT, AreaGroups
from bot.staff.privacy import Shown, mask_within, shown_phones
from bot.storage import conversations as conversation_store
from bot.storage import dashboard as dashboard_store
from bot.storage import notifications as notification_store
from bot.storage import tickets as ticket_store
from bot.storage.dashboard import OpenDeadline
from bot.storage.models import Notification
from bot.storage.notifications import MANAGERS, user_audience
from bot.web.responses import api_error, path_number

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
NOTIFICATIONS_LIMIT = 100
ALERTS_LIMIT = 20
DEADLINES_LIMIT = 50


def queue_lengths(waiting: list[WaitingTicket], now: dt.datetime) -> list[dict[str, Any]]:
    """Per queue: how many wait and how long the oldest has waited."""
    by_queue: dict[str, list[WaitingTicket]] = {}
    for ticket in waiting:
        by_queue.setdefault(ticket.queue, []).append(ticket)
    return [
        {
            "queue": queue,
            "waiting": len(tickets),
            "oldest_wait_seconds": max(0, int((now - min(t.created_at for t in tickets)).total_seconds())),
        }
        for queue, tickets in sorted(by_queue.items())
    ]


def deadline_state(
    deadline_at: dt.datetime, promised_at: dt.datetime, now: dt.datetime, settings: DashboardSettings
) -> str | None:
    """ "breached", "at_risk" or None for an open complaint."""
    if deadline_at <= now:
        return "breached"
    left = deadline_at - now
    promised = max(deadline_at - promised_at, dt.timedelta(0))
    if left <= dt.timedelta(hours=settings.at_risk_hours) or left <= promised * settings.at_risk_share:
        return "at_risk"
    return None


def _brief(complaint: OpenDeadline, waiting_in: dict[int, str]) -> dict[str, Any]:
    return {
        "case_number": complaint.case_number,
        "conversation_id": complaint.conversation_id,
        "category": complaint.category,
        "deadline_at": complaint.deadline_at.isoformat(),
        "owner": complaint.owner,
        "appeal": complaint.appeal,
        # the queue where its ticket waits for someone to claim it, else null (nobody handles it yet)
        "waiting_in": waiting_in.get(complaint.conversation_id),
    }


def _flag_appeals(
    appeals: list[OpenDeadline], at_risk: list[OpenDeadline], breached: list[OpenDeadline], now: dt.datetime
) -> None:
    """An appeal waiting for the duty supervisor is at risk whatever its case's time (it is the
    urgent P0 answer owed, its case possibly resolved meanwhile by the agent appealed against),
    breached once that time has passed: listed once, marked ``appeal``."""
    for appeal in appeals:
        found = False
        for listed in (at_risk, breached):
            for index, complaint in enumerate(listed):
                if appeal.case_number and complaint.case_number == appeal.case_number:
                    listed[index], found = dataclasses.replace(complaint, appeal=True), True
        if not found:
            (breached if appeal.deadline_at <= now else at_risk).append(appeal)
    at_risk.sort(key=lambda complaint: complaint.deadline_at)
    breached.sort(key=lambda complaint: complaint.deadline_at)


@requires(Role.SUPERVISOR, Role.MANAGER)
async def dashboard(request: web.Request) -> web.Response:
    """``GET /api/dashboard``: queue lengths, deadlines at risk and breached, complaint counts, alerts."""
    app = request.app
    now, queue_config = resources(app).clock(), resources(app).config.queue
    settings = queue_config.dashboard
    waiting = await resources(app).live_queue.waiting()
    waiting_in = {ticket.conversation_id: ticket.queue for ticket in waiting}
    at_risk: list[OpenDeadline] = []
    breached: list[OpenDeadline] = []
    async with resources(app).sessions() as session:
        for complaint in await session.run_sync(dashboard_store.open_complaints_with_deadline):
            state = deadline_state(complaint.deadline_at, complaint.promised_at, now, settings)
            if state == "breached":
                breached.append(complaint)
            elif state == "at_risk":
                at_risk.append(complaint)
        _flag_appeals(await session.run_sync(dashboard_store.waiting_appeals), at_risk, breached, now)
        recent = await session.run_sync(
            dashboard_store.complaint_categories_since, now - dt.timedelta(hours=settings.counts_hours)
        )
        alerts = await session.run_sync(
            notification_store.recent_alerts,
            CLUSTER_ALERT,
            MANAGERS,
            now - dt.timedelta(hours=queue_config.cluster_alert.window_hours),
            ALERTS_LIMIT,
        )
        alert_bodies = [
            {
                "id": alert.id,
                "category": alert.detail.get("category"),
                "problem": alert.detail.get("problem"),
                "area": alert.detail.get("area"),
                "customers": alert.detail.get("customers"),
                "window_hours": alert.detail.get("window_hours"),
                "case_numbers": alert.detail.get("case_numbers", []),
                "created_at": alert.created_at.isoformat(),
                "read": alert.read_at is not None,
            }
            for alert in alerts
        ]
    categories: dict[str, int] = {}
    by_area: dict[str, list[str]] = {}
    groups = AreaGroups(resources(app).config.gazetteer, resources(app).engine.understander.converter)
    for category, area in recent:
        categories[category] = categories.get(category, 0) + 1
        if area and area.strip():
            by_area.setdefault(groups.key(area), []).append(area)
    areas = [(groups.shown_for(written), len(written)) for written in by_area.values()]
    return web.json_response(
        {
            "queues": queue_lengths(waiting, now),
            # The soonest deadlines listed, all counted (issue 16: the body stays small however many).
            "deadlines": {
                "at_risk": [_brief(complaint, waiting_in) for complaint in at_risk[:DEADLINES_LIMIT]],
                "breached": [_brief(complaint, waiting_in) for complaint in breached[:DEADLINES_LIMIT]],
                "at_risk_total": len(at_risk),
                "breached_total": len(breached),
            },
            "complaints_by_category": [
                {"category": category, "count": count}
                for category, count in sorted(categories.items(), key=lambda item: (-item[1], item[0]))
            ],
            "complaints_by_area": [
                {"area": shown, "count": count} for shown, count in sorted(areas, key=lambda item: (-item[1], item[0]))
            ],
            "counts_hours": settings.counts_hours,
            "alerts": alert_bodies,
        }
    )


def _audiences(staff: dict[str, Any]) -> list[str]:
    return [f"role:{staff['role']}", user_audience(int(staff["id"]))]


@requires(*STAFF)
async def notifications(request: web.Request) -> web.Response:
    """``GET /api/notifications``: those for the signed-in user and their role, newest first; the
    words in a detail (a customer's praise) with phones masked as in the conversation; one about a
    conversation names its case as it is now (``case``: number, category, first words); ``handled``
    once the state it tells of no longer holds (its ticket claimed, its case resolved)."""
    staff = request["staff"]
    async with resources(request).sessions() as session:
        rows = await session.run_sync(notification_store.notifications_for, _audiences(staff), NOTIFICATIONS_LIMIT)
        about = {item.conversation_id for item in rows if item.conversation_id is not None}
        handlers = await session.run_sync(lambda sync: conversation_store.handlers_of(sync, about))
        cases = await session.run_sync(lambda sync: ticket_store.case_previews(sync, about))
        ticket_ids = {item.ticket_id for item in rows if item.ticket_id is not None}
        complaint_ids = {item.complaint_id for item in rows if item.complaint_id is not None}
        settled_tickets, settled_complaints = await session.run_sync(
            lambda sync: ticket_store.settled_of(sync, ticket_ids, complaint_ids)
        )

        def handled(item: Notification) -> bool:
            """What the notice asked for no longer holds: its ticket is no longer waiting, or its
            case (the one it names, else the conversation's newest) is resolved."""
            if item.ticket_id is not None:
                return item.ticket_id in settled_tickets
            if item.complaint_id is not None:
                return item.complaint_id in settled_complaints
            case = cases.get(item.conversation_id or 0)
            return case is not None and case.status in ticket_store.SETTLED_CASE_STATUSES

        body = []
        for item in rows:
            shown = shown_phones(staff, handlers.get(item.conversation_id or 0, ()))
            body.append(
                {
                    "id": item.id,
                    "kind": item.kind,
                    "conversation_id": item.conversation_id,
                    "ticket_id": item.ticket_id,
                    "complaint_id": item.complaint_id,
                    "detail": mask_within(item.detail, shown),
                    "case": _case_json(cases.get(item.conversation_id or 0), shown),
                    "created_at": item.created_at.isoformat(),
                    "read": item.read_at is not None,
                    # no longer urgent: the ticket was claimed, the case resolved
                    "handled": handled(item),
                }
            )
    return web.json_response({"notifications": body})


CASE_WORDS = 60
"""How much of the problem a notification shows: enough to know the case, not to read it."""


def _case_json(case: ticket_store.CasePreview | None, shown: Shown) -> dict[str, Any] | None:
    """The case a notification is about, as it is now: its number, category and first words (phones
    as its conversation shows them to this staff member, masked before it is cut)."""
    if case is None:
        return None
    words = shown(case.words)
    if words is not None and len(words) > CASE_WORDS:
        words = words[: CASE_WORDS - 1] + "…"
    return {"case_number": case.case_number, "category": case.category, "words": words, "signals": list(case.signals)}


@audited("notification_read", target=path_target("notification"))
@requires(*STAFF)
async def mark_read(request: web.Request) -> web.Response:
    """``POST /api/notifications/{id}/read``: marks it read (for everyone it was addressed to)."""
    notification_id = path_number(request, "no such notification")
    audiences, now = _audiences(request["staff"]), resources(request).clock()

    if not await resources(request).database.write(
        lambda session: notification_store.mark_read(session, notification_id, audiences, now)
    ):
        raise api_error(404, "no such notification")
    return web.json_response({"read": True})


@audited("notifications_read_all")
@requires(*STAFF)
async def mark_all_read(request: web.Request) -> web.Response:
    """``POST /api/notifications/read-all``: marks every unread notification addressed to the
    signed-in staff member (or their role) read; ``read``: how many were unread."""
    audiences, now = _audiences(request["staff"]), resources(request).clock()
    count = await resources(request).database.write(
        lambda session: notification_store.mark_all_read(session, audiences, now)
    )
    note(request, count=count)
    return web.json_response({"read": count})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/dashboard", dashboard)
    app.router.add_get("/api/notifications", notifications)
    app.router.add_post("/api/notifications/read-all", mark_all_read)
    app.router.add_post("/api/notifications/{id}/read", mark_read)
