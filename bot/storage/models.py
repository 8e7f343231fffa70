"""SQLAlchemy models: the durable record of customers, conversations and complaints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.storage.searchable import searchable

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = JSON().with_variant(JSONB(), "postgresql")
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware one")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The model's ``Table`` (declarative typing promises only a ``FromClause``)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a Table")
    return table


def string_length(model: type[Base], column: str) -> int:
    """The declared length of a model's ``String`` column."""
    kind = table_of(model).c[column].type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"{model.__name__}.{column} is not a String of a fixed length")
    return kind.length


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    surname: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(10))
    """"male" or "female" when known: the bot says 先生 / 女士."""
    tier: Mapped[str] = mapped_column(String(20), default="standard")
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    phone_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The phone is the channel's (an SMS sender's number), not one typed in a chat: only such a
    phone joins another channel's identity to this customer or finds their open cases."""
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class ChannelIdentity(Base):
    """How one customer is known on one channel (WeChat openid, phone number, web chat id…)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    opted_out_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    """When the customer opted this identity out of the messages the service starts (an SMS "TD");
    None: opted in. Cleared by their next message (``store.set_opted_out``)."""
    origin: Mapped[str | None] = mapped_column(String(64), index=True)
    """Where an anonymous identity came from, for limits by origin: the client address (its limit
    key) a web chat session was opened from; None on channels that vouch for their senders."""


class WebchatToken(Base):
    """A web chat session token, stored as its SHA-256 digest."""

    __tablename__ = "webchat_tokens"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("channel_identities.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


CONVERSATION_OPEN = text("status = 'open'")
"""The condition of the unique index that keeps an identity to one open conversation."""


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_identity_status", "identity_id", "status"),
        # An agent's own conversations (the console's "My conversations"), however many the bot holds.
        Index("ix_conversations_owner_status", "owner", "status"),
        # At most one open conversation per identity, however many instances open one at once.
        Index(
            "uq_conversations_identity_open",
            "identity_id",
            unique=True,
            sqlite_where=CONVERSATION_OPEN,
            postgresql_where=CONVERSATION_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("channel_identities.id"))
    channel: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open")
    flow_state: Mapped[str] = mapped_column(String(32))
    flow_data: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    owner: Mapped[str] = mapped_column(String(40), default="bot")
    """"bot", or "agent:<user id>" once an agent owns the conversation."""
    ownership_version: Mapped[int] = mapped_column(Integer, default=0)
    activity_seq: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by every customer message; a timer armed at an older value is stale."""
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    last_customer_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    closed_reason: Mapped[str | None] = mapped_column(String(40))


INBOUND_PENDING = text("direction = 'in' AND processed_at IS NULL")
"""Inbound messages not processed yet: the condition of the partial index that finds them."""


class Message(Base):
    """Every message in and out. Inbound ones are stored before they are acknowledged."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "direction", "provider_message_id", name="uq_messages_provider_id"),
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        Index("ix_messages_unprocessed", "direction", "processed_at"),
        # Only unprocessed inbound rows: the processing lookup stays as cheap however long the history.
        Index(
            "ix_messages_inbound_pending",
            "conversation_id",
            "id",
            sqlite_where=INBOUND_PENDING,
            postgresql_where=INBOUND_PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    channel: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(3))
    """"in" or "out"."""
    sender: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10), default="text")
    text: Mapped[str] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    """The provider's id: inbound, the message's; outbound, the first part's of an SMS cut into
    several (every part's id is in ``sms_parts``), "sms:<id>" for a WeChat message sent by SMS,
    "passive:<message id>" for one in a WeChat passive reply."""
    phrase_id: Mapped[str | None] = mapped_column(String(40))
    raw: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    processed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    delivery_status: Mapped[str | None] = mapped_column(String(20), index=True)
    """Outbound only: "pending", "sending" (an attempt started; its outcome not yet recorded),
    "sent", "delivered", "failed", or "dropped" (ownership changed, or the recipient opted out:
    ``last_error`` says why)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Provider delivery attempts started (each committed before the provider is called)."""
    attempt_started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    possibly_duplicated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Resent after an attempt whose outcome is unknown, through a provider that cannot dedupe."""
    read_in_part: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Inbound only: a text longer than the bot reads (``understood_head_chars`` +
    ``understood_tail_chars``), read by its beginning and end only; the staff read it whole. A text
    the bot did not read at all is of kind ``unread``."""
    # issue 12 item 9 (callback)
    options: Mapped[dict[str, Any] | None] = mapped_column(Json)
    """Outbound only: the options offered with the text (``bot.core.messages.options_to_json``)."""
    menu_choice: Mapped[str | None] = mapped_column(String(40))
    """Inbound ``menu`` messages only: what the button asks (``MenuChoice.written``: "status",
    "faq:<entry id>"), which the engine reads; ``text`` only shows the staff which button."""
    search_text: Mapped[str | None] = mapped_column(Text)
    """``text`` as staff search reads it, in simplified characters; NULL when that is ``text``
    itself (:mod:`bot.storage.searchable`)."""


UNMATCHED_SMS_PART = text("message_id IS NULL")
"""Delivery reports for a provider id no recorded send has: the condition of their index."""


class SmsPart(Base):
    """One SMS the gateway sent for an outbound message, by its provider id (a long text goes as
    several, each with its own id and delivery reports), or a report for an id no send is recorded
    for yet: the gateway's report raced the send's result, and is applied when the send is recorded
    (``bot.storage.deliveries``). Unmatched ones are pruned after ``config/channels.yaml``
    ``sms.unmatched_reports_kept_hours``."""

    __tablename__ = "sms_parts"
    __table_args__ = (
        Index("ix_sms_parts_message_id", "message_id"),
        Index(
            "ix_sms_parts_unmatched",
            "reported_at",
            sqlite_where=UNMATCHED_SMS_PART,
            postgresql_where=UNMATCHED_SMS_PART,
        ),
    )

    provider_message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    """The outbound message this part is of; NULL while only a report names the id."""
    part: Mapped[int | None] = mapped_column(Integer)
    """1 for the message's first SMS, 2 for the next…; NULL while only a report names the id."""
    status: Mapped[str | None] = mapped_column(String(20))
    """The gateway's furthest word on this part: "sent", "delivered" or "failed"; NULL before any."""
    reported_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    """When the latest report for this part came."""


class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), unique=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    """Everything the customer told of the problem, as written (their phone and place among it)."""
    problem: Mapped[str | None] = mapped_column(Text)
    """The problem as restated to the customer and confirmed (0057: "楼上漏水 天花板都泡了" of
    "翠湖天地3栋楼上漏水 天花板都泡了 13800138002"), what more they told of it after the hand-off
    after it; the complaint form's 问题描述. None for a case filed before it was kept."""
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    alternative_phone: Mapped[str | None] = mapped_column(String(32))
    """A second number the customer gave to try when ``contact_phone`` does not answer; never the
    customer record's, and no case is looked up by it."""
    contact_extension: Mapped[str | None] = mapped_column(String(10))
    alternative_extension: Mapped[str | None] = mapped_column(String(10))
    """The extension to ask for at ``alternative_phone``, a landline ("或者打010-62345678转8021")."""
    """The extension to ask for at ``contact_phone``, a landline ("0755-26881234转8021"): shown to the
    staff who call; never part of the number texted, searched or checked."""
    contact_by_channel: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The customer refused a phone: contact them through the conversation's channel identity."""
    area: Mapped[str | None] = mapped_column(String(200))
    """The place, as the customer (or the staff correcting it) wrote it, in either script."""
    category: Mapped[str] = mapped_column(String(40))
    other_categories: Mapped[list[str] | None] = mapped_column(Json)
    """The categories of other problems the description tells, for the staff to see; ``category``
    alone routes the case and counts it in the reports."""
    model_suggestions: Mapped[list[str] | None] = mapped_column(Json)
    """Signals and intents only the optional model found, without a hint of them in the customer's
    words (``model_trust``): shown to the staff as the model's suggestion, acted on by nothing."""
    repeat_of: Mapped[list[str] | None] = mapped_column(Json)
    """The case numbers of the earlier cases this one repeats (0041): the same category, from the same
    customer or contact phone, still open or resolved within ``handoff.repeat_link_days`` when it was
    filed; shown on its ticket (此前投诉)."""
    grade: Mapped[str] = mapped_column(String(10))
    customer_tier: Mapped[str] = mapped_column(String(20))
    signals: Mapped[list[str]] = mapped_column(Json, default=list)
    status: Mapped[str] = mapped_column(String(20), default="open")
    """"open" (promised, waiting for a person), "incomplete" (handed off before confirmation),
    "resolved", "closed"."""
    promised_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    deadline_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    """The deadline in force (moved by an extension)."""
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    original_deadline_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    """The deadline first promised, kept when a supervisor extends it."""
    breached_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    """The owner when it was resolved ("agent:<id>"): "not resolved" in the callback gives it back."""
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    # issue 14 (reports): the district for the figures by area, and the index their date range uses.
    district: Mapped[str | None] = mapped_column(String(40))
    """The area's district as the understanding layer normalises it (海淀 → 海淀区); None when unknown."""
    area_search: Mapped[str | None] = mapped_column(Text)
    """``area`` as staff search reads it, in simplified characters; NULL when that is ``area``
    itself (:mod:`bot.storage.searchable`)."""
    __table_args__ = (
        Index("ix_complaints_created_at", "created_at"),
        # issue 16: the open cases by deadline (dashboard, reminders) without reading the resolved ones.
        Index("ix_complaints_status_deadline_at", "status", "deadline_at"),
        # An SMS sender's open cases by the contact phone left on them, whoever filed them (0037).
        Index("ix_complaints_contact_phone", "contact_phone"),
        # The conversations an agent handles (resolved a case of), for their search (0043).
        Index("ix_complaints_resolved_by", "resolved_by"),
    )


class HandoffTicket(Base):
    __tablename__ = "handoff_tickets"
    __table_args__ = (Index("ix_handoff_tickets_status_queue", "status", "queue"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    queue: Mapped[str] = mapped_column(String(40))
    priority: Mapped[int] = mapped_column(Integer)
    """Lower is more urgent: 0 urgent, 1 elevated, 2 normal, 3 held back (too many cases from one
    client address: behind every other ticket, ``bot/handoff/queue.py``)."""
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    queued_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    """When the waiting ticket last entered its queue or became more urgent (None: when it was
    opened); the pickup alert counts from here, the customer's wait from ``created_at``."""
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    told_position: Mapped[int | None] = mapped_column(Integer)
    best_told_position: Mapped[int | None] = mapped_column(Integer)
    """The nearest place the customer was told: a later place is said only when nearer still."""
    """The queue position the waiting customer was last told (they hear it again when it changes)."""


class TimelineEvent(Base):
    """Append-only audit timeline of a conversation and its complaint."""

    __tablename__ = "timeline_events"
    __table_args__ = (
        Index("ix_timeline_events_conversation_id_id", "conversation_id", "id"),
        # A conversation's ownership events (claimed, resolved, …) among thousands of customer
        # messages after the hand-off: whether it is resolved, in the console and My conversations.
        Index("ix_timeline_events_conversation_id_kind_id", "conversation_id", "kind", "id"),
        # What a staff member did last of a kind (the console's "resolved" list).
        Index("ix_timeline_events_actor_kind_id", "actor", "kind", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64), default="bot")
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Timer(Base):
    """A conversation timer (idle prompt, idle close, harassment close), one per kind; or a case
    timer (reminder, apology, breach, follow-up), one per kind and case of the conversation."""

    __tablename__ = "timers"
    __table_args__ = (
        UniqueConstraint("conversation_id", "kind", "complaint_id"),
        Index("ix_timers_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    kind: Mapped[str] = mapped_column(String(30))
    complaint_id: Mapped[int] = mapped_column(Id, default=0, server_default="0")
    """The case a case timer is for; 0 for a conversation timer. A conversation's tokens of one
    kind are unique across its cases, so (conversation, kind, token) names one row."""
    token: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(12), default="pending")
    """"pending", "fired" or "cancelled"."""


class User(Base):
    """A person who works the queue: agent, supervisor or manager."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    queues: Mapped[list[str]] = mapped_column(Json, default=lambda: ["general"])
    """Queue ids (config/handoff.yaml) whose tickets an agent sees and claims; supervisors and
    managers see every queue whatever this says."""
    ui_locale: Mapped[str] = mapped_column(String(10), default="zh-CN", server_default="zh-CN")
    """The language the staff consoles speak to them in (issue 15): zh-CN or en."""


class StaffSession(Base):
    """A signed-in staff session, by the SHA-256 digest of its cookie value (Redis only caches it)."""

    __tablename__ = "staff_sessions"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)


class Notification(Base):
    """Something a person must know: pickup overdue, agent silent, deadline reminder or breach,
    a cluster alert. Shown in the consoles and pushed over ``/api/events``."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_audience_id", "audience", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(64))
    """"role:<role>" (every supervisor, every manager) or "user:<id>"."""
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("handoff_tickets.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    """The same condition notifies once: e.g. "pickup_overdue:<ticket id>"."""
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class CaseCheckMiss(Base):
    """A wrong answer to the check of a case number (the last digits of its phone), from someone
    not known as the case's customer: counted per case number and per writer, across every
    conversation and channel (``config/service.yaml`` ``case_check``)."""

    __tablename__ = "case_check_misses"
    __table_args__ = (
        Index("ix_case_check_misses_case_number_created_at", "case_number", "created_at"),
        Index("ix_case_check_misses_writer_created_at", "writer", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32))
    """The number checked; one no case has is counted too (for the writer)."""
    writer: Mapped[str] = mapped_column(String(80))
    """"address:<client address limit key>" for web chat (all its sessions), else "identity:<id>"."""
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Satisfaction(Base):
    """A satisfaction callback (回访) answer: evaluation, method, person and time (seed 002)."""

    __tablename__ = "satisfaction"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    rating: Mapped[int | None] = mapped_column(Integer)
    """1 (worst) to 5 (best); None when the customer said it is not resolved before rating."""
    comment: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(20))
    """The channel the callback went over: "webchat", "sms", "wechat", "telegram"."""
    person: Mapped[str] = mapped_column(String(64))
    """Who called back: "bot" or "agent:<id>"."""
    resolved: Mapped[bool] = mapped_column()
    """False when the customer said the problem is not resolved (the case was reopened)."""
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class DeadLetter(Base):
    """A job that exhausted its tries or failed permanently; a manager sees it and may retry it."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    args: Mapped[list[Any]] = mapped_column(Json, default=list)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    error: Mapped[str] = mapped_column(Text)
    tries: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    retried_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Report(Base):
    """A stored report (the daily report for managers), one per kind and day."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("kind", "day", name="uq_reports_kind_day"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    day: Mapped[dt.date] = mapped_column(Date)
    body: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class RuleSetVersion(Base):
    """One version of the manager rules; the highest version is in force everywhere."""

    __tablename__ = "rule_sets"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    changed_by: Mapped[str] = mapped_column(String(64))
    """The manager's username, or "config" for the version seeded from config/rules.yaml."""
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(Text, default="")


# ---- audit log (issue 14, Audit): append-only; migration 0014 adds triggers refusing UPDATE/DELETE.
class AuditEntry(Base):
    """One staff action (or refused attempt): who, when, what, from where, and the HTTP status.

    No foreign key to ``users``: the entry outlives the account and keeps the name it had.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_actor_id", "actor", "id"),
        Index("ix_audit_log_action_id", "action", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(Id)
    actor: Mapped[str | None] = mapped_column(String(64))
    """The username; for a failed sign-in, the name that was tried."""
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)


# issue 14 (standards edited in the console) -------------------------------------------------


class StandardVersion(Base):
    """One version of one section of the service standards (phrases, forbidden, deadlines, …);
    the highest version of each section is in force everywhere."""

    __tablename__ = "standard_versions"

    section: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body: Mapped[Any] = mapped_column(JSON)
    """The section as JSON, in the shape of its YAML file in config/ (``json``, not ``jsonb``, on
    PostgreSQL: the keys keep the file's order, so an export reads like the file)."""
    changed_by: Mapped[str] = mapped_column(String(64))
    """The manager's username, or "config" for version 1, seeded from config/."""
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    rollback_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The version whose body this one restored, for a rollback."""


# issue 15 (photos) ---------------------------------------------------------------------------


class Media(Base):
    """A photo a customer sent; its bytes live in the media store (``bot/media/files.py``) under
    ``id`` (and ``<id>.thumb``), never in the database."""

    __tablename__ = "media"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(40))
    thumb_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


# issue 15 (agent console): the team's canned replies -------------------------------------------


class CannedReply(Base):
    """A reply the team keeps at hand (常用语), offered in the console's phrase picker."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    title: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


# Whatever sets a message's text or a case's place through the ORM sets its search form too;
# Core inserts and updates give it themselves (``bot.storage.store``).
@event.listens_for(Message.text, "set")
def _message_text_set(target: Message, value: str | None, _old: Any, _initiator: Any) -> None:
    target.search_text = searchable(value)


@event.listens_for(Complaint.area, "set")
def _complaint_area_set(target: Complaint, value: str | None, _old: Any, _initiator: Any) -> None:
    target.area_search = searchable(value)
