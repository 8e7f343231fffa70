"""``PATCH /api/conversations/{id}/complaint``: staff correct what the bot put on a case's form
(the contact phone, the place, the category) when it heard or shortened it wrongly."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.timeline import TimelineKind
from bot.keys import resources
from bot.outbound.effects import Effects
from bot.staff.accounts import Role
from bot.staff.audit import audited, note, path_target
from bot.staff.auth import requires
from bot.staff.bodies import ComplaintFixBody, read_body, visible
from bot.staff.privacy import shown_phones
from bot.storage.conversations import add_timeline_event, owner_of
from bot.storage.corrections import complaint_to_correct, follow_phone_correction
from bot.storage.models import Complaint
from bot.understanding.phones import national_digits
from bot.understanding.understander import Understander
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
_PHONE_CHARACTERS = re.compile(r"\+?[\d\s\-().]+")
"""What a phone typed into the form may hold: digits and the separators people type."""


@dataclass
class _Correction:
    """The outcome of a correction: "missing", "not yours", "no complaint", or the changes made."""

    outcome: str
    case_number: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    complaint: dict[str, Any] = field(default_factory=dict)
    owner: str | None = None


def _phone(written: str, understander: Understander) -> str:
    """The stored form of a typed contact phone ("138 1234 5678" → "13812345678"), read as the bot
    reads one from a customer (a local landline without its area code, a Hong Kong mobile without
    +852 too); 400 unless the whole text is one phone number."""
    text = unicodedata.normalize("NFKC", written).strip()
    number = understander.contact_phone(text) if _PHONE_CHARACTERS.fullmatch(text) else None
    if number is None:
        raise api_error(
            400,
            "contact_phone: not a phone number (a mobile or a landline)",
            field="contact_phone",
            code="phone",
        )
    return national_digits(number)


async def refuse_unless_owner(request: web.Request, conversation_id: int, action: str) -> None:
    """403 for an agent who does not own the conversation (404 when there is none), before the
    body is read: the answer never tells them whether their body would have passed (nor runs the
    forbidden-phrase guard for them). Supervisors and managers may act on any conversation."""
    staff = request["staff"]
    if staff["role"] != Role.AGENT:
        return
    async with resources(request).sessions() as session:
        owner = await session.run_sync(lambda sync: owner_of(sync, conversation_id))
    if owner is None:
        raise api_error(404, "no such conversation")
    if owner != f"agent:{staff['id']}":
        raise api_error(403, f"only the conversation's owner or a supervisor can {action}")


def _wanted(body: ComplaintFixBody, categories: list[str], understander: Understander) -> dict[str, str]:
    """The fields the body sets, validated and in their stored form."""
    wanted: dict[str, str] = {}
    if body.contact_phone is not None:
        wanted["contact_phone"] = _phone(body.contact_phone, understander)
    if body.area is not None:
        area = " ".join(body.area.split())
        if not visible(area):  # a NUL never gets here: the body's reader refuses it
            raise api_error(400, "area: must be a non-empty place")
        wanted["area"] = area
    if body.category is not None:
        if body.category not in categories:
            raise api_error(400, f"category: unknown category {body.category!r}; known: {', '.join(categories)}")
        wanted["category"] = body.category
    if not wanted:
        raise api_error(400, "give at least one of contact_phone, area, category")
    return wanted


@audited("complaint_correct", target=path_target("conversation"))
@requires(*STAFF)
@documented(body=ComplaintFixBody)
async def correct(request: web.Request) -> web.Response:
    """``PATCH /api/conversations/{id}/complaint`` {case_number?, contact_phone?, area?, category?}:
    the conversation's owner, a supervisor or a manager corrects the case's form.

    The place's district is read again from the new place (as the bot reads it); the grade and
    the deadline stay as promised to the customer (a supervisor extends a deadline). Nothing is
    said to the customer: the timeline records ``complaint_corrected`` with each field's old and
    new value, for staff only; the customer's phone follows a corrected number it was (typed in a
    chat, not a channel's own). 400 for a value that is not one (an unknown category, a text that
    is not a phone number), 403 for an agent who does not own the conversation, 404 for no such
    conversation or case. The answer is the case's corrected fields and ``changes``.
    """
    conversation_id = path_number(request, "no such conversation")
    await refuse_unless_owner(request, conversation_id, "correct its complaint form")
    body = await read_body(request, ComplaintFixBody)
    shared, staff = resources(request), request["staff"]
    categories = [category.id for category in shared.config.classification.categories]
    understander, now = shared.engine.understander, shared.clock()
    wanted = _wanted(body, categories, understander)
    actor = f"agent:{staff['id']}"

    def store(session: Session) -> _Correction:
        owner = owner_of(session, conversation_id)
        if owner is None:
            return _Correction("missing")
        if staff["role"] == Role.AGENT and owner != actor:
            return _Correction("not yours")
        complaint = complaint_to_correct(session, conversation_id, body.case_number)
        if complaint is None:
            return _Correction("no complaint")
        changes = [
            {"field": name, "from": getattr(complaint, name), "to": value}
            for name, value in wanted.items()
            if getattr(complaint, name) != value
        ]
        for change in changes:
            setattr(complaint, change["field"], change["to"])
        if "contact_phone" in wanted:
            complaint.contact_by_channel = False  # a number now: the case is no longer reached by the channel only
            if any(change["field"] == "contact_phone" for change in changes):
                complaint.contact_extension = None  # the extension was the old number's
            for change in changes:
                if change["field"] == "contact_phone":
                    follow_phone_correction(session, conversation_id, change["from"], change["to"])
        if "area" in wanted:
            complaint.district = understander.district(wanted["area"])
        if changes:
            detail = {"case_number": complaint.case_number, "changes": changes, "username": staff["username"]}
            add_timeline_event(
                session, conversation_id, TimelineKind.COMPLAINT_CORRECTED, actor, detail, now, complaint.id
            )
        return _Correction("corrected", complaint.case_number, changes, _fields(complaint), owner)

    done = await shared.database.write(store)
    if done.outcome == "missing":
        raise api_error(404, "no such conversation")
    if done.outcome == "not yours":
        raise api_error(403, "only the conversation's owner or a supervisor can correct its complaint form")
    if done.outcome == "no complaint":
        raise api_error(404, "this conversation has no such case")
    # The audit names what changed, not the customer's phone or place (the timeline keeps those).
    note(request, case_number=done.case_number, fields=[change["field"] for change in done.changes])
    if done.changes:
        # Every console (and the dashboard) refetches the case.
        changed = StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(conversation_id,))
        await shared.gateway.commit(Effects(staff_events=[changed]))
    # Only the owner or a supervisor corrects a form: the owner is who handles it here.
    shown = shown_phones(staff, (done.owner,))
    return web.json_response(
        {
            **done.complaint,
            "contact_phone": shown(done.complaint["contact_phone"]),
            "area": shown(done.complaint["area"]),
            "changes": [change["field"] for change in done.changes],
        }
    )


def _fields(complaint: Complaint) -> dict[str, Any]:
    return {
        "case_number": complaint.case_number,
        "contact_phone": complaint.contact_phone,
        "area": complaint.area,
        "district": complaint.district,
        "category": complaint.category,
        "grade": complaint.grade,
        "deadline_at": complaint.deadline_at.isoformat() if complaint.deadline_at else None,
    }


def add_routes(app: web.Application) -> None:
    app.router.add_patch("/api/conversations/{id}/complaint", correct)
