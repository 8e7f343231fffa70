"""The staff JSON API (queue and claims so far); every route checks the role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot import json_text
from bot.channels.webchat.adapter import media_links
from bot.channels.wechat.adapter import followed_the_account
from bot.config import DeadlineTable
from bot.core.messages import ChannelName, MessageKind, Sender
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.timeline import TimelineKind
from bot.flows.complaint import Resolved
from bot.flows.deadline import describe_moment
from bot.handoff.membership import queue_takers, queues_of
from bot.handoff.queue import WaitingTicket
from bot.keys import resources
from bot.outbound.effects import Delivery, Effects
from bot.outbound.outbox import add_customer_message
from bot.promises import api as promises
from bot.promises.tracker import Resolution
from bot.staff import (
    api_document,
    audit_api,
    auth,
    complaint_api,
    dashboard,
    locale_api,
    my_work_api,
    photo_api,
    queue_page,
    search_api,
)
from bot.staff.access import NOT_IN_YOUR_QUEUES, Access, conversation_access, readable_case_numbers
from bot.staff.accounts import Role
from bot.staff.audit import audited, note, path_target
from bot.staff.auth import requires
from bot.staff.bodies import NoteBody, ReplyBody, ResolveBody, TransferBody, read_body
from bot.staff.complaint_api import refuse_unless_owner
from bot.staff.deliveries import conversation_window
from bot.staff.privacy import Shown, mask_phones, mask_within, sees_phones, shown_phones
from bot.staff.reply_guard import check_agent_text
from bot.storage import agent_work, conversations, tickets
from bot.storage import staff as staff_store
from bot.storage.conversations import add_timeline_event
from bot.storage.media import media_of_messages  # issue 15 (photos)
from bot.storage.models import Complaint, Conversation, Customer, Message, Satisfaction, TimelineEvent
from bot.storage.notifications import notify, user_audience
from bot.web.openapi import documented
from bot.web.responses import api_error, path_number

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
OPTED_OUT = "opted_out"
OPTED_OUT_REFUSAL = "客户已回复短信退订（如TD），本条未发送。客户再次来信即自动恢复，届时可以回复；如需联系请改用电话。"
"""An agent's reply to a customer who opted out (回复TD退订) and has not written since: refused
(409), since any message of theirs opts them back in, and only then may anyone text them."""
MESSAGES_SHOWN = 200
MOST_MESSAGES_SHOWN = 2000
PREVIEW_CHARS = 200
"""Characters of the customer's last message a queue entry shows."""


def _changed(conversation_id: int, deliveries: list[Delivery] | None = None, queue: bool = False) -> Effects:
    """The effects of a staff action on a conversation: every console (on every instance)
    refetches it; with ``queue``, the live queue re-reads its tickets (and announces the change)."""
    return Effects(
        deliveries=deliveries or [],
        staff_events=[StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(conversation_id,))],
        queue_changed=[conversation_id] if queue else [],
    )


def _raise_unless_allowed(access: Access) -> None:
    """404 for an unknown conversation, 403 for an agent outside its queues (``bot.staff.access``)."""
    if access is Access.MISSING:
        raise api_error(404, "no such conversation")
    if access is Access.REFUSED:
        raise api_error(403, NOT_IN_YOUR_QUEUES)


@requires(*STAFF)
async def queue(request: web.Request) -> web.Response:
    """``GET /api/queue?limit=&after=``: waiting tickets in the order to take them (from the Redis
    live queue, rebuilt from the database when lost), a page at a time with the total; an agent
    sees their queues' tickets only."""
    staff = request["staff"]
    try:
        after, limit = queue_page.paging(request.query)
    except ValueError as error:
        raise api_error(400, "after and limit are whole numbers, limit at least 1") from error
    async with resources(request).sessions() as session:
        allowed = await session.run_sync(lambda sync: queues_of(sync, staff["id"], staff["role"]))
    ordered = [
        ticket for ticket in await resources(request).live_queue.ordered() if allowed is None or ticket.queue in allowed
    ]
    try:
        page = queue_page.page_of(ordered, after, limit)
    except queue_page.NoLongerWaiting as error:
        raise api_error(409, f"ticket {after} no longer waits; fetch the queue again without after") from error
    ids = {ticket.conversation_id for _, ticket in page.tickets}
    async with resources(request).sessions() as session:
        previews = await session.run_sync(lambda sync: tickets.queue_previews(sync, ids))
        numbers = {ticket.case_number for _, ticket in page.tickets if ticket.case_number}
        problems = await session.run_sync(lambda sync: tickets.case_problems(sync, numbers))
        since = await session.run_sync(lambda sync: tickets.waiting_since(sync, [t.id for _, t in page.tickets]))
        open_cases = await session.run_sync(lambda sync: tickets.open_cases_of(sync, ids))
    # Nobody owns a waiting ticket: an agent sees its phone numbers masked, a supervisor in full.
    full = sees_phones(staff, ())
    default_tier = resources(request).config.deadlines.default_tier
    return web.json_response(
        {
            "tickets": [
                _ticket_json(
                    ticket,
                    position,
                    previews.get(ticket.conversation_id),
                    full,
                    default_tier,
                    problems.get(ticket.case_number or ""),
                )
                | {
                    "waiting_since": since.get(ticket.id, ticket.created_at).isoformat(),
                    "other_cases": _other_cases(ticket, open_cases.get(ticket.conversation_id, [])),
                }
                for position, ticket in page.tickets
            ],
            "total": page.total,
            "next_after": page.next_after,
        }
    )


def _other_cases(ticket: WaitingTicket, open_cases: list[tickets.OpenCase]) -> list[dict[str, str | None]]:
    """The conversation's other open cases, which its card names: whoever claims it works them too."""
    return [
        {"case_number": case.case_number, "deadline_at": case.deadline_at.isoformat() if case.deadline_at else None}
        for case in open_cases
        if case.case_number != ticket.case_number
    ]


def _messages_shown(query: Mapping[str, str]) -> int:
    """``?messages=N``: the newest N messages are shown (:data:`MESSAGES_SHOWN` unless asked,
    at most :data:`MOST_MESSAGES_SHOWN`), so a conversation of thousands stays quick to open."""
    return _newest_shown(query, "messages")


def _timeline_shown(query: Mapping[str, str]) -> int:
    """``?timeline=N``: the newest N timeline events, as :func:`_messages_shown` (a customer adds
    one with each message after the hand-off)."""
    return _newest_shown(query, "timeline")


def _newest_shown(query: Mapping[str, str], name: str) -> int:
    try:
        asked = int(query.get(name) or MESSAGES_SHOWN)
    except ValueError:
        raise api_error(400, f"{name} must be a whole number") from None
    if asked < 1:
        raise api_error(400, f"{name} is at least 1")
    return min(asked, MOST_MESSAGES_SHOWN)


def _ticket_json(
    ticket: WaitingTicket,
    position: int,
    preview: tickets.QueuePreview | None,
    full_phones: bool,
    default_tier: str,
    problem: str | None = None,
) -> dict[str, Any]:
    """``problem``: the ticket's own case's description (else the conversation's newest case's)."""

    def shown(text: str | None) -> str | None:
        return _preview(text if full_phones else mask_phones(text))

    tier = preview.customer_tier if preview is not None else None
    problem = problem or (preview.problem if preview is not None else None)
    return {
        "position": position,
        **ticket.to_json_dict(),
        "channel": preview.channel if preview is not None else None,
        "last_customer_message": shown(preview.last_text) if preview is not None else None,
        "problem": shown(problem),
        # The card's badge: only a customer of another tier than the default stands out.
        "customer_tier": tier if tier != default_tier else None,
    }


def _preview(text: str | None) -> str | None:
    """The start of the customer's last message, as the queue shows it (masked before it is cut,
    so no cut number escapes its mask)."""
    if text is None or len(text) <= PREVIEW_CHARS:
        return text
    return text[: PREVIEW_CHARS - 1] + "…"


def _event_json(event: TimelineEvent, shown: Shown, readable: Collection[str] = ()) -> dict[str, Any]:
    """A timeline row; another customer's case found by a typed phone is named only to whoever may
    read it (``readable``: :func:`readable_case_numbers`)."""
    detail = event.detail
    if event.kind == TimelineKind.SAME_PHONE_OPEN_CASE and detail.get("case_number") not in readable:
        detail = {name: value for name, value in detail.items() if name != "case_number"}
    return {
        "kind": event.kind,
        "actor": event.actor,
        "detail": mask_within(detail, shown),
        "ts": event.created_at.isoformat(),
    }


def _other_case_numbers(complaints: Collection[Complaint], timeline: Collection[TimelineEvent]) -> set[str]:
    """The numbers of other cases a conversation's forms and timeline name: its cases' earlier
    ones (``repeat_of``) and an open case found by a typed phone."""
    named = {number for complaint in complaints for number in complaint.repeat_of or []}
    for event in timeline:
        if event.kind == TimelineKind.SAME_PHONE_OPEN_CASE and isinstance(event.detail.get("case_number"), str):
            named.add(event.detail["case_number"])
    return named


@audited("claim", target=path_target("ticket"))
@requires(*STAFF)
async def claim(request: web.Request) -> web.Response:
    """``POST /api/tickets/{id}/claim``: exactly one of several simultaneous claims wins (409 for the others).

    The conversation's owner becomes the agent and its ownership version moves on, so a bot
    reply computed before the claim is dropped when it is saved. 409 too for a ticket no longer
    waiting (claimed, transferred, resolved) and for one whose conversation an agent already owns
    (but for an appeal, which a supervisor claims to take the case from its agent); 403 for an
    agent claiming an appeal of a case they hold or handled (it would close the appeal of their work).

    An appeal's ticket stays on the case's conversation (one case); when the customer appealed
    from another conversation, the claimer owns that one too, and ``reply_in`` names the one the
    customer wrote from last, where the console answers. An agent who held the case is notified.
    """
    ticket_id = _int_id(request)
    staff, now = request["staff"], resources(request).clock()
    me = f"agent:{staff['id']}"
    told: list[StaffEvent] = []

    def take(session: Session) -> tuple[tickets.ClaimOutcome, int | None, int | None]:
        allowed = queues_of(session, staff["id"], staff["role"])
        reviews_appeals = staff["role"] != Role.AGENT
        held_by = tickets.owner_of_ticket(session, ticket_id)
        outcome, claimed = tickets.claim_ticket(
            session, ticket_id, staff, allowed, now, reviews_appeals=reviews_appeals
        )
        if claimed is None:
            return outcome, None, None
        reply_in = tickets.appealing_conversation(session, claimed)
        if reply_in is not None:
            tickets.take_conversation(session, reply_in, me)
            detail = {"ticket_id": ticket_id, "username": staff["username"], "case_conversation_id": claimed}
            add_timeline_event(session, reply_in, TimelineKind.CLAIMED, me, detail, now)
        if held_by is not None and held_by.startswith(tickets.AGENT_OWNER) and held_by != me:
            event = _tell_previous_owner(session, held_by, claimed, now, how="appeal", by=staff["username"], to=me)
            if event is not None:
                told.append(event)
        return outcome, claimed, reply_in

    outcome, conversation_id, reply_in = await resources(request).database.write(take)
    if outcome != "missing":
        # the log names the conversation and case the console showed, refused or not, not the ticket's id
        async with resources(request).sessions() as session:
            named = await session.run_sync(tickets.ticket_case, ticket_id)
        if named is not None:
            note(request, conversation_id=named[0], **({"case_number": named[1]} if named[1] else {}))
    if outcome == "missing":
        raise api_error(404, "no such ticket")
    if outcome == "taken":
        raise api_error(409, "someone else has already claimed this ticket")
    if outcome == "owned":
        raise api_error(409, "an agent already owns this conversation: ask its owner or a supervisor to transfer it")
    if outcome == "closed":
        raise api_error(409, "this ticket no longer waits: its conversation was transferred or resolved")
    if outcome == "not your queue":
        raise api_error(403, "this ticket waits in a queue you are not in; ask a manager to add you to it")
    if outcome == "own appeal":
        raise api_error(403, "this is the customer's appeal of a case you handle: a supervisor takes it")
    assert conversation_id is not None
    note(request, conversation_id=conversation_id)
    if reply_in is not None:
        note(request, reply_in=reply_in)  # an appeal answered in the chat it came from
    effects = _changed(conversation_id, queue=True)
    if reply_in is not None:
        effects.staff_events.append(StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(reply_in,)))
    effects.staff_events.extend(told)
    await resources(request).gateway.commit(effects)
    return web.json_response(
        {
            "ticket_id": ticket_id,
            "conversation_id": conversation_id,
            "owner": staff["username"],
            "reply_in": reply_in or conversation_id,
        }
    )


def _tell_previous_owner(
    session: Session, previous: str, conversation_id: int, now: dt.datetime, *, how: str, by: str, to: str
) -> StaffEvent | None:
    """The agent a case was taken from hears of it (通知): ``how`` "appeal" (a supervisor claimed
    the customer's appeal) or "transfer" (someone else moved it), ``by`` whom, ``to`` its new owner."""
    agent_id = int(previous.removeprefix(tickets.AGENT_OWNER))
    detail = {"how": how, "by": by, "to": to}
    return notify(session, "case_taken", user_audience(agent_id), now, conversation_id=conversation_id, detail=detail)


@requires(*STAFF)
async def conversation(request: web.Request) -> web.Response:
    """``GET /api/conversations/{id}``: history, complaint form and timeline (an agent: only
    conversations of their queues, or ones they own or handled)."""
    conversation_id, staff, shared = _int_id(request), request["staff"], resources(request)
    async with shared.sessions() as session:
        _raise_unless_allowed(await session.run_sync(lambda sync: conversation_access(sync, conversation_id, staff)))
        found = await session.get(Conversation, conversation_id)
        if found is None:
            raise api_error(404, "no such conversation")
        customer = await session.get(Customer, found.customer_id)
        shown_messages = _messages_shown(request.query)
        messages, earlier = await session.run_sync(conversations.newest_messages_of, conversation_id, shown_messages)
        photos = await session.run_sync(media_of_messages, [message.id for message in messages])  # issue 15
        staff_replied = await session.run_sync(conversations.staff_replied, conversation_id)
        complaints = await session.run_sync(conversations.complaints_of, conversation_id)
        satisfaction = await promises.satisfaction_by_complaint(session, conversation_id)
        timeline, earlier_timeline = await session.run_sync(
            conversations.newest_timeline_of, conversation_id, _timeline_shown(request.query)
        )
        resolution = await session.run_sync(agent_work.resolution_of, conversation_id)
        appeal_of = (found.flow_data or {}).get("appeal_of")
        waiting = await session.run_sync(lambda sync: tickets.waiting_for(sync, conversation_id, appeal_of))
        # the queues this person may claim from: a ticket waiting elsewhere is shown, never offered
        allowed = await session.run_sync(lambda sync: queues_of(sync, staff["id"], staff["role"]))
        appealed_complaint = await session.run_sync(lambda sync: conversations.appealed_complaint(sync, found))
        named = _other_case_numbers([*complaints, *([appealed_complaint] if appealed_complaint else [])], timeline)
        readable = await session.run_sync(lambda sync: readable_case_numbers(sync, named, staff))
        # Everything the customer may have written in (messages, the complaint's words, the
        # callback's comment, timeline details) is shown as the phones are: in full or masked.
        handlers = await session.run_sync(conversations.handlers_of_one, conversation_id)
        shown = shown_phones(staff, handlers)
        engine, now = shared.engine, shared.clock()
        words = engine.phrases.time_words(found.locale)

        def said_deadline(deadline: dt.datetime | None) -> str | None:
            return describe_moment(deadline, now, engine.calendar.timezone, words) if deadline else None

        appealed = None
        if appealed_complaint is not None and appealed_complaint.conversation_id != conversation_id:
            appealed = await _appealed_case_json(
                session, appealed_complaint, staff, said_deadline, shared.config.deadlines, readable
            )

        body = {
            "id": found.id,
            "channel": found.channel,
            "locale": found.locale,  # issue 15: the team canned replies the picker offers
            "status": found.status,
            "state": found.flow_state,
            "owner": found.owner,
            # The tickets a console opening it may claim: the conversation's own waiting ones and,
            # when the customer appealed from here, the case's appeal (``appeal_of``); a claim of
            # one not ``in_my_queues`` would be refused (403).
            "waiting": [
                {
                    "ticket_id": t.ticket_id,
                    "conversation_id": t.conversation_id,
                    "queue": t.queue,
                    "reason": t.reason,
                    "in_my_queues": allowed is None or t.queue in allowed,
                }
                for t in waiting
            ],
            "appeal_of": appeal_of,
            "customer": {
                "id": customer.id if customer else None,
                "display_name": shown(customer.display_name) if customer else None,
                "phone": shown(customer.phone) if customer else None,
                "tier": customer.tier if customer else None,
            },
            "messages": [
                {
                    "id": message.id,
                    "direction": message.direction,
                    "from": message.sender,
                    "text": shown(message.text),
                    "ts": message.created_at.isoformat(),
                    "delivery_status": message.delivery_status,
                    "possibly_duplicated": message.possibly_duplicated,
                    # A long text the bot read by its beginning and end only (kind "unread": not at all).
                    "read_in_part": message.read_in_part,
                    # issue 15 (photos)
                    "kind": message.kind,
                    "opening": _opening(message),
                    "media": [media_links(media_id) for media_id in photos.get(message.id, [])],
                }
                for message in messages
            ],
            "earlier_messages": earlier,
            # whether anyone on the staff ever wrote to the customer (the console warns before resolving if not)
            "staff_replied": staff_replied,
            "complaints": [
                _complaint_json(
                    complaint,
                    satisfaction.get(complaint.id, []),
                    shown,
                    said_deadline,
                    shared.config.deadlines,
                    readable,
                )
                for complaint in complaints
            ],
            # The case the customer appealed from here (``appeal_of``), kept on its own conversation,
            # for whoever may read that one and with its phones shown as there; else null.
            "appealed_case": appealed,
            "timeline": [_event_json(event, shown, readable) for event in timeline],
            "earlier_timeline": earlier_timeline,
            # Whether the case is resolved still, and by whom, however much of the timeline is shown.
            "resolution": _event_json(resolution, shown) if resolution is not None else None,
            "window": await conversation_window(session, found, shared.config, shared.clock()),
            # The customer opted out (an SMS "TD"): the console's replies are refused until they write.
            "opted_out": await session.run_sync(conversations.opted_out, conversation_id),
            "phones_masked": not sees_phones(staff, handlers),
            "sends_photos": photo_api.sends_photos(shared, found.channel),  # issue 15: the console's 照片 button
        }
    # Chinese as UTF-8, not \uXXXX escapes: half the bytes each time a console refetches it.
    return web.json_response(body, dumps=json_text.dumps)


SaidDeadline = Callable[[dt.datetime | None], str | None]


def _opening(message: Message) -> str | None:
    """How a ``start`` message (no text) opened the conversation, for the console's line:
    "followed" (a WeChat follow), "menu" (a WeChat menu button that opens it), "started" (a
    Telegram /start, or any other); None for every other message."""
    if message.kind != MessageKind.START:
        return None
    if message.channel == ChannelName.WECHAT:
        return "followed" if followed_the_account(message.provider_message_id) else "menu"
    return "started"


async def _appealed_case_json(
    session: AsyncSession,
    case: Complaint,
    staff: dict[str, Any],
    said_deadline: SaidDeadline,
    deadlines: DeadlineTable,
    readable: Collection[str],
) -> dict[str, Any] | None:
    """The appealed case as its own conversation shows it, with that conversation's id and
    channel; None for an agent who may not read that conversation."""
    access = await session.run_sync(lambda sync: conversation_access(sync, case.conversation_id, staff))
    case_conversation = await session.get(Conversation, case.conversation_id)
    if access is not Access.ALLOWED or case_conversation is None:
        return None
    satisfaction = await promises.satisfaction_by_complaint(session, case.conversation_id)
    handlers = await session.run_sync(conversations.handlers_of_one, case.conversation_id)
    shown = shown_phones(staff, handlers)
    return {
        "conversation_id": case.conversation_id,
        "channel": case_conversation.channel,
        "phones_masked": not sees_phones(staff, handlers),
        **_complaint_json(case, satisfaction.get(case.id, []), shown, said_deadline, deadlines, readable),
    }


def _complaint_json(
    complaint: Complaint,
    satisfaction: list[Satisfaction],
    shown: Shown,
    said_deadline: SaidDeadline,
    deadlines: DeadlineTable,
    readable: Collection[str],
) -> dict[str, Any]:
    """A complaint's form in ``GET /api/conversations/{id}``, its texts passed through ``shown``;
    of its earlier cases, the numbers of those the reader may open (``readable``) and how many others."""
    earlier = complaint.repeat_of or []
    return {
        "case_number": complaint.case_number,
        "description": shown(complaint.description),
        "problem": shown(complaint.problem),
        "contact_phone": shown(complaint.contact_phone),
        "alternative_phone": shown(complaint.alternative_phone),
        "contact_extension": complaint.contact_extension if complaint.contact_phone else None,
        "alternative_extension": complaint.alternative_extension if complaint.alternative_phone else None,
        "contact_by_channel": complaint.contact_by_channel,
        "area": shown(complaint.area),
        "category": complaint.category,
        "other_categories": complaint.other_categories or [],
        "repeat_of": [number for number in earlier if number in readable],
        "repeat_of_hidden": sum(1 for number in earlier if number not in readable),
        "grade": complaint.grade,
        "signals": complaint.signals,
        "model_suggestions": complaint.model_suggestions or [],
        "status": complaint.status,
        "deadline_at": complaint.deadline_at.isoformat() if complaint.deadline_at else None,
        # issue 15: the deadline as the bot says it, in the conversation's language,
        # for the {deadline} of the phrases an agent picks
        "deadline_said": said_deadline(complaint.deadline_at),
        **promises.complaint_fields(complaint, satisfaction, shown, deadlines),
    }


def _int_id(request: web.Request) -> int:
    return path_number(request, "not found")


@audited("reply", target=path_target("conversation"))
@requires(*STAFF)
@documented(body=ReplyBody, status=201)
async def reply(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/messages`` {text, override?, forbidden?}: the owning agent's reply.

    A customer who opted out of the channel's messages (an SMS "TD") and has not written since gets
    no reply: 409 with ``reason`` ``opted_out`` (their next message opts them back in).
    A forbidden phrase gets 422 with the correct expression to use instead; ``"override": true``
    with ``"forbidden"`` naming the flagged phrases sends it anyway where the guard allows that
    (``bot.staff.reply_guard``); a phrase the override does not name is refused again.
    """
    conversation_id = _int_id(request)
    body = await read_body(request, ReplyBody)
    text, override = body.text, body.override
    staff, shared = request["staff"], resources(request)
    verdict = await check_agent_text(
        text, override, shared.config.forbidden.agent_guard, shared.guard, shared.guard_model, body.forbidden
    )
    if (refusal := verdict.refuse(request)) is not None:
        return refusal
    overrode_guard = verdict.overrode_guard
    now, gateway, script = shared.clock(), shared.gateway, shared.engine.traditional

    def store_reply(session: Session) -> Delivery | Access | str | None:
        access = conversation_access(session, conversation_id, staff)
        if access is not Access.ALLOWED:
            return access
        if conversations.opted_out(session, conversation_id):
            return OPTED_OUT
        delivery = add_customer_message(
            session,
            conversation_id,
            text,
            Sender.AGENT,
            now,
            gateway.status_on_commit,
            owner=f"agent:{staff['id']}",
            script=script,
        )
        if delivery is not None:
            detail = {"message_id": delivery.message_id, "overrode_guard": overrode_guard}
            if delivery.text != text:
                detail["in_traditional"] = True
            actor = f"agent:{staff['id']}"
            add_timeline_event(session, conversation_id, TimelineKind.AGENT_REPLIED, actor, detail, now)
        return delivery

    delivery = await shared.database.write(store_reply)
    if isinstance(delivery, Access):
        _raise_unless_allowed(delivery)
    if delivery == OPTED_OUT:
        raise api_error(409, OPTED_OUT_REFUSAL, reason=OPTED_OUT)
    if not isinstance(delivery, Delivery):
        raise api_error(409, "claim the conversation first: only its owner replies")
    note(request, message_id=delivery.message_id, overrode_guard=overrode_guard)
    await gateway.commit(_changed(conversation_id, [delivery]))
    return web.json_response({"message_id": delivery.message_id}, status=201)


@audited("note", target=path_target("conversation"))
@requires(*STAFF)
@documented(body=NoteBody, status=201)
async def add_note(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/notes`` {text}: an internal note, never sent to the customer
    (an agent: only on conversations they may read)."""
    conversation_id = _int_id(request)
    text = (await read_body(request, NoteBody)).text
    staff, now = request["staff"], resources(request).clock()

    def note(session: Session) -> Access:
        access = conversation_access(session, conversation_id, staff)
        if access is not Access.ALLOWED:
            return access
        detail = {"text": text, "username": staff["username"]}
        add_timeline_event(session, conversation_id, TimelineKind.NOTE, f"agent:{staff['id']}", detail, now)
        return access

    _raise_unless_allowed(await resources(request).database.write(note))
    await resources(request).gateway.commit(_changed(conversation_id))
    return web.json_response({"noted": True}, status=201)


def _owned(session: Session, conversation_id: int, staff: dict[str, Any]) -> Conversation | str:
    """The conversation if this staff member may act on it as its owner (supervisors and
    managers always may), else "missing" or "not yours"."""
    found = session.get(Conversation, conversation_id)
    if found is None:
        return "missing"
    if found.owner != f"agent:{staff['id']}" and staff["role"] == Role.AGENT:
        return "not yours"
    return found


def _raise_for(outcome: str, action: str) -> None:
    if outcome == "missing":
        raise api_error(404, "no such conversation")
    if outcome == "not yours":
        raise api_error(403, f"only the conversation's owner or a supervisor can {action} it")


@audited("transfer", target=path_target("conversation"))
@requires(*STAFF)
@documented(body=TransferBody, status=200)
async def transfer(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/transfer`` {username} or {queue}: hand the case on, history kept.

    To an agent: they own it at once. To a queue: a waiting ticket there, and nobody owns it
    until someone claims (the bot stays silent). Only the owner or a supervisor/manager may.
    """
    conversation_id = _int_id(request)
    target = await read_body(request, TransferBody)
    to_user, to_queue = target.username, target.queue
    if (to_user is None) == (to_queue is None):
        note(request, username=to_user, queue=to_queue)
        raise api_error(400, "give exactly one of 'username' or 'queue'")
    handoff = resources(request).config.handoff
    known_queues = handoff.queue_ids()
    if to_queue is not None:
        # The console shows queues by name ("工程维修组"): a name in any language is that queue.
        to_queue = handoff.queue_named(to_queue) or to_queue
    # the queue's id, not the name typed: the audit log names it in each reader's language
    note(request, username=to_user, queue=to_queue)
    if to_queue is not None and to_queue not in known_queues:
        raise api_error(400, f"unknown queue {to_queue!r}; known queues: {', '.join(known_queues)}")
    staff, now = request["staff"], resources(request).clock()

    told: list[StaffEvent] = []

    def move(session: Session) -> str:
        found = _owned(session, conversation_id, staff)
        if isinstance(found, str):
            return found
        if to_user is not None:
            # The console lists people by name ("李娜 (agent2)"): a unique display name is that person.
            target = staff_store.active_user_called(session, to_user.strip())
            if target is None:
                return "no such user"
            owner = f"agent:{target.id}"
        else:
            target, owner = None, f"queue:{to_queue}"
        # who had it: the timeline reads "转交 agent2 → agent1" whoever did the handing over
        detail = {"from": found.owner, "to": owner, "username": target.username if target else None, "queue": to_queue}
        queue = None if to_queue is None else str(to_queue)
        held_by = found.owner or ""
        tickets.transfer(session, found, owner, queue, f"agent:{staff['id']}", detail, now)
        if held_by.startswith(tickets.AGENT_OWNER) and held_by not in (owner, f"agent:{staff['id']}"):
            # The agent it was taken from hears of it, or it just disappears from their list.
            event = _tell_previous_owner(
                session, held_by, conversation_id, now, how="transfer", by=staff["username"], to=owner
            )
            if event is not None:
                told.append(event)
        if target is not None and target.id != staff["id"]:
            # The colleague hears of it (通知, tone, desktop notice), as when the rules route a case to them.
            event = notify(
                session,
                "routed_to_you",
                user_audience(target.id),
                now,
                conversation_id=conversation_id,
                detail={"reason": "transfer", "username": staff["username"]},
            )
            if event is not None:
                told.append(event)
        return owner

    outcome = await resources(request).database.write(move)
    _raise_for(outcome, "transfer")
    if outcome == "no such user":
        raise api_error(400, f"no active user {to_user!r}")
    note(request, to=outcome)
    effects = _changed(conversation_id, queue=True)
    effects.staff_events.extend(told)
    await resources(request).gateway.commit(effects)
    if to_queue is None:
        return web.json_response({"owner": outcome})
    async with resources(request).sessions() as session:
        members = await session.run_sync(lambda sync: queue_takers(sync).get(str(to_queue), 0))
    # No agent is in that queue: the console warns that nobody may see the ticket.
    return web.json_response({"owner": outcome, "queue_members": members})


@audited("resolve", target=path_target("conversation"))
@requires(*STAFF)
@documented(body=ResolveBody, status=200)
async def resolve(request: web.Request) -> web.Response:
    """``POST /api/conversations/{id}/resolve`` {summary, case_numbers?}: the owner closes the case with a summary
    (a waiting appeal stays for the supervisor unless a supervisor or manager resolves it). The
    customer is told the summary with the satisfaction callback, so a summary holding a forbidden
    phrase is refused (422) as an agent's reply is, with the correct expression, and no override.

    A conversation with two open cases (another problem told after the hand-off) may have one of
    them resolved (``case_numbers``): its ticket and timers end, the other case stays open with its
    own, the conversation stays with its owner, and the customer is told at once which case is
    resolved; the callback waits for the last case. 409 for a case number that is not an open case
    of the conversation, 400 for an empty list."""
    conversation_id = _int_id(request)
    await refuse_unless_owner(request, conversation_id, "resolve it")
    body = await read_body(request, ResolveBody)
    summary, case_numbers = body.summary, body.case_numbers
    shared = resources(request)
    # The customer reads the summary with the callback: the guard on agents' replies, with no
    # override (the bot says it, and the bot never says a forbidden phrase).
    verdict = await check_agent_text(summary, False, "block", shared.guard, shared.guard_model)
    if (refusal := verdict.refuse(request)) is not None:
        return refusal
    staff, now, gateway = request["staff"], shared.clock(), shared.gateway
    tracker, actor = shared.tracker, f"agent:{staff['id']}"

    def close(session: Session) -> Resolution | str:
        found = _owned(session, conversation_id, staff)
        if isinstance(found, str):
            return found
        # With a complaint, the conversation goes back to the bot for the satisfaction callback.
        resolution = tracker.resolve_cases(session, found, case_numbers, summary, actor, now, gateway.status_on_commit)
        if resolution.result in ("no case", "not open"):
            return resolution
        if resolution.result == "partly":
            tickets.resolve_case_tickets(session, conversation_id, [case.id for case in resolution.resolved])
            return resolution
        tickets.resolve_tickets(session, conversation_id, keep_appeals=staff["role"] == Role.AGENT)
        detail: dict[str, object] = {"summary": summary}
        if len(resolution.resolved) > 1:
            detail["case_numbers"] = [case.case_number for case in resolution.resolved]
        add_timeline_event(session, conversation_id, TimelineKind.RESOLVED, actor, detail, now)
        return resolution

    outcome = await shared.database.write(close)
    if isinstance(outcome, str):
        _raise_for(outcome, "resolve")
    assert isinstance(outcome, Resolution)
    if outcome.result == "no case":
        raise api_error(400, "case_numbers: name at least one open case, or leave it out to resolve them all")
    if outcome.result == "not open":
        raise api_error(409, "case_numbers: each must be an open case of this conversation; fetch it again")
    resolved = [case.case_number for case in outcome.resolved]
    still_open = [case.case_number for case in outcome.still_open]
    note(request, satisfaction_callback=outcome.result == "callback", case_numbers=resolved)
    if outcome.result == "callback":
        await shared.pipeline.push(conversation_id, [Resolved()])
    effects = _changed(conversation_id, outcome.effects.deliveries, queue=True)
    await gateway.commit(effects)
    return web.json_response({"resolved": True, "case_numbers": resolved, "still_open": still_open})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/login", auth.login)
    app.router.add_post("/api/logout", auth.logout)
    app.router.add_get("/api/me", auth.me)
    app.router.add_get("/api/session", auth.session_state)
    app.router.add_get("/api/queue", queue)
    app.router.add_post("/api/tickets/{id}/claim", claim)
    app.router.add_get("/api/conversations/{id}", conversation)
    app.router.add_post("/api/conversations/{id}/messages", reply)
    app.router.add_post("/api/conversations/{id}/notes", add_note)
    app.router.add_post("/api/conversations/{id}/transfer", transfer)
    app.router.add_post("/api/conversations/{id}/resolve", resolve)
    promises.add_routes(app)
    api_document.add_routes(app)
    audit_api.add_routes(app)
    dashboard.add_routes(app)
    search_api.add_routes(app)  # issue 15 (agent console search)
    photo_api.add_routes(app)  # issue 15 (agents' photos)
    locale_api.add_routes(app)  # issue 15 (one language at a time)
    my_work_api.add_routes(app)
    complaint_api.add_routes(app)
