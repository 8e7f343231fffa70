"""``GET /api/conversations/{id}/customer``: the agent console's customer panel (issue 15); and
``PUT …/customer/tier``: a supervisor or manager sets the customer's tier."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.timeline import TimelineKind
from bot.handoff.membership import queues_of
from bot.keys import resources
from bot.outbound.effects import Effects
from bot.staff import canned_api
from bot.staff.access import NOT_IN_YOUR_QUEUES, Access, conversation_access
from bot.staff.accounts import Role
from bot.staff.audit import audited, note, path_target
from bot.staff.auth import requires
from bot.staff.bodies import TierBody, read_body
from bot.staff.privacy import sees_phones, shown_phones
from bot.storage.conversations import add_timeline_event
from bot.storage.customer_cases import (
    MAX_CASES,
    CustomerCase,
    CustomerProfile,
    TierChange,
    customer_of,
    customer_profile,
    set_customer_tier,
    waiting_conversations,
)
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
SUPERVISION = (Role.SUPERVISOR, Role.MANAGER)


@requires(*STAFF)
async def customer(request: web.Request) -> web.Response:
    """The conversation's customer (name, phone masked as in the conversation, the channels they
    used) and their newest 20 conversations on every channel with each one's latest case; an
    entry the staff member may not open says so (``readable``)."""
    conversation_id = path_number(request, "not found")
    staff = request["staff"]

    def read(sync: Session) -> tuple[Access, frozenset[str], CustomerProfile | None]:
        access = conversation_access(sync, conversation_id, staff)
        found = customer_of(sync, conversation_id) if access is Access.ALLOWED else None
        if found is None:
            return access, frozenset(), None
        customer_id, handlers = found
        queues = queues_of(sync, int(staff["id"]), str(staff["role"]))
        return access, handlers, customer_profile(sync, customer_id, queues, int(staff["id"]), MAX_CASES)

    async with resources(request).sessions() as session:
        access, handlers, profile = await session.run_sync(read)
    if access is Access.MISSING or (access is Access.ALLOWED and profile is None):
        raise api_error(404, "no such conversation")
    if access is Access.REFUSED:
        raise api_error(403, NOT_IN_YOUR_QUEUES)
    assert profile is not None
    full, shown = sees_phones(staff, handlers), shown_phones(staff, handlers)
    config = resources(request).config
    tiers = config.tiers_named(request.query.get("locale") or config.service.default_locale)
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
            "tier_name": next((tier["name"] for tier in tiers if tier["id"] == profile.tier), profile.tier),
            # What a supervisor or manager may set it to (PUT …/customer/tier), named.
            "tiers": tiers,
            "channels": profile.channels,
            "cases": [_case(case, conversation_id) for case in profile.cases],
            "limit": MAX_CASES,
        }
    )


def _case(case: CustomerCase, conversation_id: int) -> dict[str, Any]:
    """One entry of the panel's cases. Of a conversation the caller may not open, only that it
    exists, its channel, status and time: its case number would let anyone add to or ask about
    the case on a customer channel (category, status and rating are left out with it)."""
    entry: dict[str, Any] = {
        "conversation_id": case.conversation_id,
        "current": case.conversation_id == conversation_id,
        "channel": case.channel,
        "conversation_status": case.conversation_status,
        "ts": case.at.isoformat(),
        "readable": case.readable,
    }
    if case.readable:
        entry.update(case_number=case.case_number, category=case.category, status=case.status, rating=case.rating)
    return entry


@audited("customer_tier_change", target=path_target("conversation"))
@requires(*SUPERVISION)
@documented(body=TierBody)
async def set_tier(request: web.Request) -> web.Response:
    """``PUT /api/conversations/{id}/customer/tier`` {tier}: the conversation's customer is of this
    tier (``config/deadlines.yaml`` ``tiers``) from now on: their next hand-off is routed and
    promised by it. A case already open keeps its deadline, priority and queue.

    400 for a tier not configured, 404 for no such conversation. The conversation's timeline
    records ``customer_tier_changed`` when the tier changed.
    """
    conversation_id = path_number(request, "no such conversation")
    tier = (await read_body(request, TierBody)).tier
    shared, staff = resources(request), request["staff"]
    tiers = shared.config.deadlines.tiers
    if tier not in tiers:
        raise api_error(400, f"tier: unknown tier {tier!r}; known tiers: {', '.join(tiers)}")
    now = shared.clock()

    def store(session: Session) -> TierChange | None:
        change = set_customer_tier(session, conversation_id, tier)
        if change is not None and change.before != tier:
            detail = {"previous_tier": change.before, "tier": tier, "username": staff["username"]}
            actor = f"agent:{staff['id']}"
            add_timeline_event(session, conversation_id, TimelineKind.CUSTOMER_TIER_CHANGED, actor, detail, now)
        return change

    change = await shared.database.write(store)
    if change is None:
        raise api_error(404, "no such conversation")
    changed = change.before != tier
    note(
        request,
        target=f"customer:{change.customer_id}",
        conversation_id=conversation_id,
        previous_tier=change.before,
        tier=tier,
    )
    if changed:
        # The queue cards show the customer's tier: the consoles that see the queues the
        # customer waits in refetch the queue too (and no other).
        async with shared.sessions() as session:
            waiting = await session.run_sync(waiting_conversations, change.customer_id)
        events = [StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(conversation_id,))]
        await shared.gateway.commit(Effects(staff_events=events, queue_changed=waiting))
    return web.json_response(
        {
            "conversation_id": conversation_id,
            "customer_id": change.customer_id,
            "tier": tier,
            "previous_tier": change.before,
            "changed": changed,
        }
    )


def add_routes(app: web.Application) -> None:
    canned_api.add_routes(app)
    app.router.add_get("/api/conversations/{id}/customer", customer)
    app.router.add_put("/api/conversations/{id}/customer/tier", set_tier)
