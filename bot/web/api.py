"""The staff JSON API (queue and claims so far); every route checks the role."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.handoff.accounts import Role
from bot.handoff.queue import WaitingTicket, queue_order
from bot.keys import clock_key, database_key, sessions_key
from bot.models import Complaint, Conversation, HandoffTicket, TimelineEvent
from bot.web import auth
from bot.web.auth import api_error, requires

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)


@requires(*STAFF)
async def queue(request: web.Request) -> web.Response:
    """``GET /api/queue``: waiting tickets in the order to take them."""
    async with request.app[sessions_key]() as session:
        rows = await session.execute(
            select(HandoffTicket, Complaint.deadline_at, Complaint.case_number, Complaint.category)
            .outerjoin(Complaint, Complaint.id == HandoffTicket.complaint_id)
            .where(HandoffTicket.status == "waiting")
        )
        tickets = [
            WaitingTicket(
                id=ticket.id,
                conversation_id=ticket.conversation_id,
                queue=ticket.queue,
                priority=ticket.priority,
                reason=ticket.reason,
                created_at=ticket.created_at,
                deadline_at=deadline_at,
                case_number=case_number,
                category=category,
            )
            for ticket, deadline_at, case_number, category in rows
        ]
    ordered = queue_order(tickets, request.app[clock_key]())
    return web.json_response(
        {"tickets": [_ticket_json(ticket, position) for position, ticket in enumerate(ordered, 1)]}
    )


def _ticket_json(ticket: WaitingTicket, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "id": ticket.id,
        "conversation_id": ticket.conversation_id,
        "queue": ticket.queue,
        "priority": ticket.priority,
        "reason": ticket.reason,
        "created_at": ticket.created_at.isoformat(),
        "deadline_at": ticket.deadline_at.isoformat() if ticket.deadline_at else None,
        "case_number": ticket.case_number,
        "category": ticket.category,
    }


@requires(*STAFF)
async def claim(request: web.Request) -> web.Response:
    """``POST /api/tickets/{id}/claim``: exactly one of several simultaneous claims wins (409 for the others).

    The conversation's owner becomes the agent and its ownership version moves on, so a bot
    reply computed before the claim is dropped when it is saved.
    """
    try:
        ticket_id = int(request.match_info["id"])
    except ValueError as error:
        raise api_error(404, "no such ticket") from error
    staff, now = request["staff"], request.app[clock_key]()

    def take(session: Session) -> tuple[str, int | None]:
        claimed = session.execute(
            update(HandoffTicket)
            .where(HandoffTicket.id == ticket_id, HandoffTicket.status == "waiting")
            .values(status="claimed", claimed_by=str(staff["id"]), claimed_at=now)
            .returning(HandoffTicket.conversation_id)
        ).scalar_one_or_none()
        if claimed is None:
            exists = session.execute(
                select(HandoffTicket.claimed_by).where(HandoffTicket.id == ticket_id)
            ).one_or_none()
            return ("missing" if exists is None else "taken", None)
        session.execute(
            update(Conversation)
            .where(Conversation.id == claimed)
            .values(owner=f"agent:{staff['id']}", ownership_version=Conversation.ownership_version + 1)
        )
        session.add(
            TimelineEvent(
                conversation_id=claimed,
                kind="claimed",
                actor=f"agent:{staff['id']}",
                detail={"ticket_id": ticket_id, "username": staff["username"]},
                created_at=now,
            )
        )
        return ("claimed", claimed)

    outcome, conversation_id = await request.app[database_key].write(take)
    if outcome == "missing":
        raise api_error(404, "no such ticket")
    if outcome == "taken":
        raise api_error(409, "someone else has already claimed this ticket")
    return web.json_response({"ticket_id": ticket_id, "conversation_id": conversation_id, "owner": staff["username"]})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/login", auth.login)
    app.router.add_post("/api/logout", auth.logout)
    app.router.add_get("/api/me", auth.me)
    app.router.add_get("/api/queue", queue)
    app.router.add_post("/api/tickets/{id}/claim", claim)
