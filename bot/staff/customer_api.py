"""``GET /api/conversations/{id}/customer``: the agent console's customer panel (issue 15)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.orm import Session

from bot.handoff.membership import queues_of
from bot.keys import resources
from bot.staff import canned_api
from bot.staff.access import NOT_IN_YOUR_QUEUES, Access, conversation_access
from bot.staff.accounts import Role
from bot.staff.auth import requires
from bot.staff.privacy import sees_phones, shown_phones
from bot.storage.customer_cases import MAX_CASES, CustomerProfile, customer_of, customer_profile
from bot.web.responses import api_error, path_number

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)


@requires(*STAFF)
async def customer(request: web.Request) -> web.Response:
    """The conversation's customer (name, phone masked as in the conversation, the channels they
    used) and their newest 20 conversations on every channel with each one's latest case; an
    entry the staff member may not open says so (``readable``)."""
    conversation_id = path_number(request, "not found")
    staff = request["staff"]

    def read(sync: Session) -> tuple[Access, str | None, CustomerProfile | None]:
        access = conversation_access(sync, conversation_id, staff)
        found = customer_of(sync, conversation_id) if access is Access.ALLOWED else None
        if found is None:
            return access, None, None
        customer_id, owner = found
        queues = queues_of(sync, int(staff["id"]), str(staff["role"]))
        return access, owner, customer_profile(sync, customer_id, queues, int(staff["id"]), MAX_CASES)

    async with resources(request).sessions() as session:
        access, owner, profile = await session.run_sync(read)
    if access is Access.MISSING or (access is Access.ALLOWED and profile is None):
        raise api_error(404, "no such conversation")
    if access is Access.REFUSED:
        raise api_error(403, NOT_IN_YOUR_QUEUES)
    assert profile is not None
    full, shown = sees_phones(staff, owner), shown_phones(staff, owner)
    return web.json_response(
        {
            "conversation_id": conversation_id,
            "id": profile.id,
            # A channel may give a phone number as the customer's name (an SMS sender).
            "display_name": shown(profile.display_name),
            "surname": shown(profile.surname),
            "title": profile.title,
            "phone": shown(profile.phone),
            "phones_masked": not full,
            "tier": profile.tier,
            "channels": profile.channels,
            "cases": [
                {
                    "conversation_id": case.conversation_id,
                    "current": case.conversation_id == conversation_id,
                    "channel": case.channel,
                    "conversation_status": case.conversation_status,
                    "ts": case.at.isoformat(),
                    "case_number": case.case_number,
                    "category": case.category,
                    "status": case.status,
                    "rating": case.rating,
                    "readable": case.readable,
                }
                for case in profile.cases
            ],
            "limit": MAX_CASES,
        }
    )


def add_routes(app: web.Application) -> None:
    canned_api.add_routes(app)
    app.router.add_get("/api/conversations/{id}/customer", customer)
