"""Repository functions: every SQL statement of the product, each taking a session."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.complaint import ComplaintRecord, CustomerView, HandoffRequest, State, TimerChange
from bot.messages import ChannelName, InboundMessage, Sender
from bot.models import (
    ChannelIdentity,
    Complaint,
    Conversation,
    Customer,
    HandoffTicket,
    Message,
    TimelineEvent,
    Timer,
    WebchatToken,
)


def _dialect_insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT on both SQLite and PostgreSQL."""
    name = session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(table)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------------------- customers


async def create_customer_identity(
    session: AsyncSession,
    channel: ChannelName,
    external_id: str,
    now: dt.datetime,
    phone: str | None = None,
    display_name: str | None = None,
) -> tuple[int, int]:
    """A new customer known on ``channel`` as ``external_id``; returns (customer id, identity id)."""
    customer_id = (
        await session.execute(
            insert(Customer)
            .values(created_at=now, tier="standard", phone=phone, display_name=display_name)
            .returning(Customer.id)
        )
    ).scalar_one()
    identity_id = (
        await session.execute(
            insert(ChannelIdentity)
            .values(customer_id=customer_id, channel=channel.value, external_id=external_id, created_at=now)
            .returning(ChannelIdentity.id)
        )
    ).scalar_one()
    return customer_id, identity_id


async def find_identity(session: AsyncSession, channel: str, external_id: str) -> ChannelIdentity | None:
    return (
        await session.execute(
            select(ChannelIdentity).where(
                ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
            )
        )
    ).scalar_one_or_none()


async def open_conversation(
    session: AsyncSession, customer_id: int, identity_id: int, channel: str, locale: str, now: dt.datetime
) -> int:
    return (
        await session.execute(
            insert(Conversation)
            .values(
                customer_id=customer_id,
                identity_id=identity_id,
                channel=channel,
                locale=locale,
                status="open",
                flow_state=State.NEW.value,
                flow_data={},
                owner="bot",
                ownership_version=0,
                activity_seq=0,
                created_at=now,
            )
            .returning(Conversation.id)
        )
    ).scalar_one()


async def current_conversation_id(session: AsyncSession, identity_id: int) -> int | None:
    """The identity's open conversation, if it has one."""
    return (
        await session.execute(
            select(Conversation.id)
            .where(Conversation.identity_id == identity_id, Conversation.status == "open")
            .order_by(Conversation.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def latest_conversation_id(session: AsyncSession, identity_id: int) -> int | None:
    return (
        await session.execute(select(func.max(Conversation.id)).where(Conversation.identity_id == identity_id))
    ).scalar_one_or_none()


async def ensure_open_conversation(
    session: AsyncSession, identity: ChannelIdentity, locale: str, now: dt.datetime
) -> int:
    existing = await current_conversation_id(session, identity.id)
    if existing is not None:
        return existing
    return await open_conversation(session, identity.customer_id, identity.id, identity.channel, locale, now)


# ---------------------------------------------------------------------------- web chat sessions


@dataclass(frozen=True, slots=True)
class WebchatSession:
    token: str
    identity_id: int
    conversation_id: int
    created: bool


async def create_webchat_session(session: AsyncSession, locale: str, now: dt.datetime) -> WebchatSession:
    """A new anonymous web chat customer, its token and its first conversation."""
    token = secrets.token_urlsafe(32)
    customer_id, identity_id = await create_customer_identity(session, ChannelName.WEBCHAT, secrets.token_hex(16), now)
    await session.execute(
        insert(WebchatToken).values(token_digest=token_digest(token), identity_id=identity_id, created_at=now)
    )
    conversation_id = await open_conversation(session, customer_id, identity_id, ChannelName.WEBCHAT.value, locale, now)
    return WebchatSession(token, identity_id, conversation_id, created=True)


async def identity_for_token(session: AsyncSession, token: str) -> int | None:
    return (
        await session.execute(select(WebchatToken.identity_id).where(WebchatToken.token_digest == token_digest(token)))
    ).scalar_one_or_none()


async def webchat_history(
    session: AsyncSession, identity_id: int, after_id: int = 0, limit: int = 500
) -> Sequence[Message]:
    """Messages of every conversation of a web chat identity, oldest first."""
    statement: Select[tuple[Message]] = (
        select(Message)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.identity_id == identity_id,
            Message.id > after_id,
            Message.delivery_status.is_distinct_from("dropped"),
        )
        .order_by(Message.id)
        .limit(limit)
    )
    return (await session.execute(statement)).scalars().all()


# ---------------------------------------------------------------------------- inbound


async def insert_inbound(
    session: AsyncSession, conversation_id: int, inbound: InboundMessage, now: dt.datetime
) -> tuple[int, bool]:
    """Store an inbound message once per (channel, provider id); returns (id, was it new)."""
    statement = (
        _dialect_insert(session, Message)
        .values(
            conversation_id=conversation_id,
            channel=inbound.channel.value,
            direction="in",
            sender=Sender.CUSTOMER.value,
            kind=inbound.kind.value,
            text=inbound.text,
            provider_message_id=inbound.provider_message_id,
            raw=inbound.raw or None,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["channel", "direction", "provider_message_id"])
        .returning(Message.id)
    )
    new_id = (await session.execute(statement)).scalar_one_or_none()
    if new_id is not None:
        return new_id, True
    existing = (
        await session.execute(
            select(Message.id).where(
                Message.channel == inbound.channel.value,
                Message.direction == "in",
                Message.provider_message_id == inbound.provider_message_id,
            )
        )
    ).scalar_one()
    return existing, False


async def unprocessed_inbound(
    session: AsyncSession, older_than: dt.datetime, limit: int = 500
) -> Sequence[tuple[int, int]]:
    """(conversation id, message id) of inbound messages stored but never processed."""
    rows = await session.execute(
        select(Message.conversation_id, Message.id)
        .where(Message.direction == "in", Message.processed_at.is_(None), Message.created_at <= older_than)
        .order_by(Message.id)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


# ---------------------------------------------------------------------------- processing


@dataclass(slots=True)
class LoadedConversation:
    id: int
    customer_id: int
    identity_id: int
    channel: str
    locale: str
    status: str
    state: State
    data: dict[str, Any]
    owner: str
    ownership_version: int
    activity_seq: int
    customer: CustomerView


async def load_conversations(session: AsyncSession, ids: Iterable[int]) -> dict[int, LoadedConversation]:
    rows = await session.execute(
        select(Conversation, Customer)
        .join(Customer, Customer.id == Conversation.customer_id)
        .where(Conversation.id.in_(list(ids)))
    )
    loaded: dict[int, LoadedConversation] = {}
    customer_ids: set[int] = set()
    for conversation, customer in rows:
        customer_ids.add(customer.id)
        loaded[conversation.id] = LoadedConversation(
            id=conversation.id,
            customer_id=customer.id,
            identity_id=conversation.identity_id,
            channel=conversation.channel,
            locale=conversation.locale,
            status=conversation.status,
            state=State(conversation.flow_state),
            data=dict(conversation.flow_data or {}),
            owner=conversation.owner,
            ownership_version=conversation.ownership_version,
            activity_seq=conversation.activity_seq,
            customer=CustomerView(
                surname=customer.surname, title=customer.title, tier=customer.tier, phone=customer.phone
            ),
        )
    if customer_ids:
        prior = await session.execute(
            select(Complaint.customer_id, Complaint.category).where(Complaint.customer_id.in_(customer_ids))
        )
        categories: dict[int, set[str]] = {}
        for customer_id, category in prior:
            categories.setdefault(customer_id, set()).add(category)
        for item in loaded.values():
            view = item.customer
            item.customer = CustomerView(
                surname=view.surname,
                title=view.title,
                tier=view.tier,
                phone=view.phone,
                prior_categories=frozenset(categories.get(item.customer_id, ())),
            )
    return loaded


async def load_inbound(session: AsyncSession, ids: Iterable[int]) -> dict[int, Message]:
    rows = await session.execute(select(Message).where(Message.id.in_(list(ids)), Message.direction == "in"))
    return {message.id: message for message in rows.scalars()}


async def move_message(session: AsyncSession, message_id: int, conversation_id: int) -> None:
    await session.execute(update(Message).where(Message.id == message_id).values(conversation_id=conversation_id))


async def mark_processed(session: AsyncSession, message_ids: Sequence[int], now: dt.datetime) -> None:
    if message_ids:
        await session.execute(update(Message).where(Message.id.in_(message_ids)).values(processed_at=now))


async def save_conversation(
    session: AsyncSession,
    conversation: LoadedConversation,
    now: dt.datetime,
    closed_reason: str | None,
    customer_spoke: bool,
) -> bool:
    """Write state back if nobody changed the owner meanwhile; False means an agent took over."""
    values: dict[str, Any] = {
        "flow_state": conversation.state.value,
        "flow_data": conversation.data,
        "activity_seq": conversation.activity_seq,
    }
    if customer_spoke:
        values["last_customer_at"] = now
    if closed_reason is not None:
        values.update(status="closed", closed_at=now, closed_reason=closed_reason)
    result = await session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation.id,
            Conversation.ownership_version == conversation.ownership_version,
        )
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def insert_outbound(session: AsyncSession, rows: list[dict[str, Any]]) -> list[int]:
    """Insert outbound messages in one statement; ids in the order given."""
    if not rows:
        return []
    result = await session.execute(insert(Message).returning(Message.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


async def append_timeline(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(TimelineEvent), rows)


async def save_complaint(
    session: AsyncSession,
    conversation: LoadedConversation,
    record: ComplaintRecord,
    now: dt.datetime,
) -> int:
    """Create the complaint, or update it when the case number exists (escalation after handoff)."""
    existing = (
        await session.execute(select(Complaint.id).where(Complaint.case_number == record.case_number))
    ).scalar_one_or_none()
    values: dict[str, Any] = {
        "description": record.description,
        "contact_phone": record.contact_phone,
        "area": record.area,
        "category": record.category,
        "grade": record.grade.value,
        "customer_tier": record.customer_tier,
        "signals": list(record.signals),
        "status": "open" if record.confirmed else "incomplete",
        "promised_at": now,
        "deadline_at": record.deadline_at,
    }
    if existing is not None:
        await session.execute(update(Complaint).where(Complaint.id == existing).values(**values))
        return existing
    return (
        await session.execute(
            insert(Complaint)
            .values(
                case_number=record.case_number,
                conversation_id=conversation.id,
                customer_id=conversation.customer_id,
                created_at=now,
                **values,
            )
            .returning(Complaint.id)
        )
    ).scalar_one()


async def open_or_raise_ticket(
    session: AsyncSession,
    conversation_id: int,
    complaint_id: int | None,
    request: HandoffRequest,
    now: dt.datetime,
) -> int:
    """Open a waiting ticket, or move the conversation's waiting ticket to a more urgent queue."""
    waiting = (
        await session.execute(
            select(HandoffTicket).where(
                HandoffTicket.conversation_id == conversation_id, HandoffTicket.status == "waiting"
            )
        )
    ).scalar_one_or_none()
    if waiting is not None:
        waiting.priority = min(waiting.priority, request.priority)
        waiting.queue = request.queue
        waiting.complaint_id = waiting.complaint_id or complaint_id
        return waiting.id
    return (
        await session.execute(
            insert(HandoffTicket)
            .values(
                conversation_id=conversation_id,
                complaint_id=complaint_id,
                queue=request.queue,
                priority=request.priority,
                reason=request.reason,
                status="waiting",
                created_at=now,
            )
            .returning(HandoffTicket.id)
        )
    ).scalar_one()


async def save_timers(session: AsyncSession, conversation_id: int, changes: Sequence[TimerChange]) -> None:
    for change in changes:
        if change.due_at is None:
            await session.execute(
                update(Timer)
                .where(
                    Timer.conversation_id == conversation_id,
                    Timer.kind == change.kind.value,
                    Timer.token == change.token,
                )
                .values(status="cancelled")
            )
            continue
        statement = _dialect_insert(session, Timer).values(
            conversation_id=conversation_id,
            kind=change.kind.value,
            token=change.token,
            due_at=change.due_at,
            status="pending",
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["conversation_id", "kind"],
                set_={"token": change.token, "due_at": change.due_at, "status": "pending"},
            )
        )


async def mark_timer_fired(session: AsyncSession, conversation_id: int, kind: str, token: int) -> None:
    await session.execute(
        update(Timer)
        .where(Timer.conversation_id == conversation_id, Timer.kind == kind, Timer.token == token)
        .values(status="fired")
    )
