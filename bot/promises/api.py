"""Staff API of the promise tracker: extend a deadline, record the customer's confirmation,
and the complaint fields the conversation JSON gets (breach, resolution, satisfaction)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot import json_text
from bot.config import DeadlineTable
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.keys import resources
from bot.outbound.effects import Effects
from bot.promises.tracker import Outcome, case_to_extend, extension_terms_of
from bot.staff.accounts import Role
from bot.staff.audit import audited, note, path_target
from bot.staff.auth import requires
from bot.staff.bodies import MAX_EXTENSION_HOURS, EmptyBody, ExtendBody, ReopenBody, read_body
from bot.staff.privacy import Shown
from bot.storage import promises as promise_store
from bot.storage.conversations import owner_of
from bot.storage.models import Complaint, Conversation, Satisfaction
from bot.storage.notifications import notify, user_audience
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number

EXTEND_REFUSALS = frozenset({"missing", "no complaint", "not open", "too short", "too many"})
"""``Tracker.extend``'s results that are not a new deadline."""
MAX_REASON_NOTED = 200
"""An extension's reason in the audit log is cut to this many characters."""


def _conversation_id(request: web.Request) -> int:
    return path_number(request, "not found")


@audited("extend_deadline", target=path_target("conversation"))
@requires(Role.SUPERVISOR, Role.MANAGER)
@documented(body=ExtendBody)
async def extend(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/extend`` {hours, reason, case_number?}: a later deadline for the open
    complaint (in a conversation that appealed a case and has none of its own, the appealed case's;
    in one with two open cases, ``case_number``'s, by default the one with the nearest deadline).

    The first promised deadline is kept; the customer hears the waiting apology with the new
    time; the reminder, apology and breach timers are armed again for the new deadline.
    """
    conversation_id = _conversation_id(request)
    body = await read_body(request, ExtendBody)
    hours, reason, case_number = body.hours, body.reason, body.case_number
    # the supervisor's reason is their own words about the case, not a customer's message
    note(request, hours=hours, why=reason.strip()[:MAX_REASON_NOTED])
    shared, staff = resources(request), request["staff"]
    tracker, gateway, now = shared.tracker, shared.gateway, shared.clock()
    actor = f"agent:{staff['id']}"

    def extend_and_tell(session: Session) -> Outcome:
        conversation = session.get(Conversation, conversation_id)
        case = case_to_extend(session, conversation, case_number) if conversation is not None else None
        # An appealing conversation extends the appealed case: its agent is the one to hear of it.
        case_conversation_id = case.conversation_id if case is not None else conversation_id
        outcome = tracker.extend(
            session, conversation_id, float(hours), reason.strip(), actor, now, gateway.status_on_commit, case_number
        )
        owner = owner_of(session, case_conversation_id) or ""
        if outcome.result not in EXTEND_REFUSALS and owner.startswith("agent:") and owner != actor:
            # The agent holding the case hears of its new deadline (they promised the old one).
            event = notify(
                session,
                "deadline_extended",
                user_audience(int(owner.removeprefix("agent:"))),
                now,
                conversation_id=case_conversation_id,
                detail={
                    "by": staff["username"],
                    "deadline_at": outcome.result,
                    "why": reason.strip(),
                    "case_number": case.case_number if case is not None else None,
                },
            )
            if event is not None:
                outcome.effects.staff_events.append(event)
        return outcome

    outcome = await shared.database.write(extend_and_tell)
    deadlines = shared.config.deadlines
    _raise_refusal(outcome.result, deadlines.extension_min_hours, deadlines.extensions_per_case)
    note(request, previous_deadline_at=outcome.previous, deadline_at=outcome.result)
    await gateway.commit(outcome.effects)
    return web.json_response({"deadline_at": outcome.result, "case_number": outcome.case_number})


@requires(Role.SUPERVISOR, Role.MANAGER)
async def preview_extension(request: web.Request) -> web.Response:
    """``GET /api/conversations/{id}/extend?hours=24&case=TS…``: what ``POST …/extend`` with these
    hours (and case) would do now, changing nothing: the case (``case_number``; by default the
    open one with the nearest deadline), the new deadline (``deadline_at``, and ``deadline_said`` as
    the customer is told it), the deadline it replaces, how the hours are counted (``clock``: as
    the case's own deadline counts, ``deadlines.yaml``; ``business_hours`` counts service hours
    only, ``around_the_clock`` every hour), the hours a console offers for this case
    (``default_hours``), ``message``, the exact text this conversation's customer would be sent, and
    ``told``: every conversation sent the new time (``conversation_id``, ``channel``, ``message``;
    the case's own first, then the chat it was appealed from, ``appealed_from``). The refusals
    are those of ``POST …/extend``."""
    conversation_id = _conversation_id(request)
    try:
        hours = float(request.query["hours"])
    except (KeyError, ValueError):
        raise api_error(
            400, "hours: give a number of hours, e.g. ?hours=24", field="hours", code="float_parsing"
        ) from None
    # coded as ``POST …/extend``'s body is, for a console to say it in its own language
    if not hours > 0:
        raise api_error(400, "hours: a number above 0", field="hours", code="greater_than", limit=0)
    if hours > MAX_EXTENSION_HOURS:
        raise api_error(
            400,
            f"hours: a number at most {MAX_EXTENSION_HOURS}",
            field="hours",
            code="less_than_equal",
            limit=MAX_EXTENSION_HOURS,
        )
    shared = resources(request)
    tracker, deadlines, now = shared.tracker, shared.config.deadlines, shared.clock()
    async with shared.sessions() as session:
        preview = await session.run_sync(
            lambda sync: tracker.preview_extension(sync, conversation_id, hours, now, request.query.get("case"))
        )
    if isinstance(preview, str):
        _raise_refusal(preview, deadlines.extension_min_hours, deadlines.extensions_per_case)
    assert not isinstance(preview, str)
    return web.json_response(
        {
            "hours": hours,
            "case_number": preview.case_number,
            "clock": preview.clock.value,
            "default_hours": preview.default_hours,
            "previous_deadline_at": preview.previous.isoformat(),
            "deadline_at": preview.deadline.isoformat(),
            "deadline_said": preview.said,
            "message": preview.message,
            "told": [
                {
                    "conversation_id": told.conversation_id,
                    "channel": told.channel,
                    "message": told.message,
                    "appealed_from": told.appealed_from,
                }
                for told in preview.told
            ],
        },
        dumps=json_text.dumps,
    )


def _raise_refusal(result: str, min_hours: float, most: int) -> None:
    """The error of an extension that may not happen (``Tracker.extend``'s result), raised."""
    if result == "missing":
        raise api_error(404, "no such conversation")
    if result == "no complaint":
        raise api_error(409, "this conversation has no complaint with a deadline (or no case of that number)")
    if result == "not open":
        raise api_error(409, "the complaint is resolved; only an open complaint's deadline can be extended")
    if result == "too short":
        raise api_error(
            400,
            f"an extension is at least {min_hours:g} hours",
            field="hours",
            code="greater_than_equal",
            limit=min_hours,
        )
    if result == "too many":
        raise api_error(409, f"this case's deadline was already extended {most} times")


@audited("confirm_resolved", target=path_target("conversation"))
@requires(Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
@documented(body=EmptyBody)
async def confirm_resolved(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/confirm-resolved`` {}: the customer confirmed the resolution.

    The owner (or the agent who resolved it), a supervisor or a manager records it on the timeline.
    """
    conversation_id = _conversation_id(request)
    await read_body(request, EmptyBody)
    shared, staff = resources(request), request["staff"]
    tracker, now = shared.tracker, shared.clock()
    outcome = await shared.database.write(lambda session: tracker.confirm(session, conversation_id, staff, now))
    if outcome == "missing":
        raise api_error(404, "no such conversation")
    if outcome == "not yours":
        raise api_error(403, "only the conversation's owner or a supervisor can confirm its resolution")
    if outcome == "not resolved":
        raise api_error(409, "resolve the complaint first, then record the customer's confirmation")
    confirmed = StaffEvent(kind=StaffEventKind.CONVERSATION, conversation_ids=(conversation_id,))
    await shared.gateway.commit(Effects(staff_events=[confirmed]))
    return web.json_response({"confirmed": True})


@audited("reopen", target=path_target("conversation"))
@requires(Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
@documented(body=ReopenBody)
async def reopen(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/reopen`` {reason}: the resolved case is open again (重新打开).

    An agent who handled it (owned it, claimed one of its tickets, resolved it), a supervisor or a
    manager may; the agent keeps it, a supervisor gives it back to whoever resolved it
    (``Tracker.reopen``). The satisfaction callback is called off, a new deadline from the
    deadline table is promised and told to the customer, the timeline and the audit log keep
    who and why. 409 when the case is not resolved, or the conversation closed and the customer
    has another one open."""
    conversation_id = _conversation_id(request)
    reason = (await read_body(request, ReopenBody)).reason.strip()
    note(request, why=reason[:MAX_REASON_NOTED])
    shared, staff = resources(request), request["staff"]
    tracker, gateway, now = shared.tracker, shared.gateway, shared.clock()
    outcome = await shared.database.write(
        lambda session: tracker.reopen(session, conversation_id, staff, reason, now, gateway.status_on_commit)
    )
    if outcome.result == "missing":
        raise api_error(404, "no such conversation")
    if outcome.result == "not yours":
        raise api_error(403, "only an agent who handled this case, a supervisor or a manager can reopen it")
    if outcome.result == "not resolved":
        raise api_error(409, "this conversation has no resolved case to reopen")
    if outcome.result == "elsewhere":
        raise api_error(409, "the customer has another conversation open on this channel: take the case up there")
    note(request, owner=outcome.result, deadline_at=outcome.deadline)
    await gateway.commit(outcome.effects)
    return web.json_response({"reopened": True, "owner": outcome.result, "deadline_at": outcome.deadline})


async def satisfaction_by_complaint(session: AsyncSession, conversation_id: int) -> dict[int, list[Satisfaction]]:
    rows = await session.run_sync(promise_store.satisfaction_of, conversation_id)
    found: dict[int, list[Satisfaction]] = {}
    for row in rows:
        found.setdefault(row.complaint_id, []).append(row)
    return found


def complaint_fields(
    complaint: Complaint, satisfaction: list[Satisfaction], shown: Shown, deadlines: DeadlineTable
) -> dict[str, Any]:
    """The promise tracker's fields of a complaint in ``GET /api/conversations/{id}``; the texts
    that may hold the customer's words (the summary, the callback's comment) pass through
    ``shown`` (phones masked for an agent who does not own the conversation). ``extension``: how
    a 延长时限 of it counts (its deadline's clock), the hours the console offers and the fewest and
    most hours an extension may be."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    terms = extension_terms_of(complaint, deadlines)
    return {
        "extension": {
            "clock": terms.clock.value,
            "default_hours": terms.default_hours,
            "min_hours": deadlines.extension_min_hours,
            "max_hours": MAX_EXTENSION_HOURS,
        },
        "original_deadline_at": iso(complaint.original_deadline_at),
        "breached_at": iso(complaint.breached_at),
        "resolved_at": iso(complaint.resolved_at),
        "resolution_summary": shown(complaint.resolution_summary),
        "satisfaction": [
            {
                "rating": row.rating,
                "comment": shown(row.comment),
                "method": row.method,
                "person": row.person,
                "ts": row.created_at.isoformat(),
                "resolved": row.resolved,
            }
            for row in satisfaction
        ],
    }


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/conversations/{id}/extend", preview_extension)
    app.router.add_post("/api/conversations/{id}/extend", extend)
    app.router.add_post("/api/conversations/{id}/confirm-resolved", confirm_resolved)
    app.router.add_post("/api/conversations/{id}/reopen", reopen)
