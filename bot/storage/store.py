"""Repository functions: the pipeline's SQL statements (the others: ``bot.storage``), each taking a (sync) session.

The pipeline runs them in :meth:`bot.storage.db.Database.write`; async callers use
``AsyncSession.run_sync``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from bot.config import Grade, Signal
from bot.core.messages import ChannelName, InboundMessage, MenuChoice, Sender
from bot.core.phones import normalise_phone
from bot.core.ticket_reason import WITH_THE_DUTY_SUPERVISOR, TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.data import FlowData
from bot.flows.records import (
    COLLECTING,
    AppealLink,
    CaseContact,
    CaseStage,
    CaseStatus,
    CaseWriter,
    ComplaintRecord,
    CustomerView,
    HandoffRequest,
    OpenCase,
    State,
    TimerChange,
    UnverifiedMention,
)
from bot.storage.db import rows_matched
from bot.storage.models import (
    CONVERSATION_OPEN,
    INBOUND_PENDING,
    ChannelIdentity,
    Complaint,
    Conversation,
    Customer,
    HandoffTicket,
    Message,
    TimelineEvent,
    Timer,
    User,
    WebchatToken,
    string_length,
    table_of,
)
from bot.storage.prepared import Prepared, PreparedQuery
from bot.storage.searchable import searchable


def dialect_insert(session: Session, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT on both SQLite and PostgreSQL."""
    name = session.get_bind().dialect.name
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(table)


_DISPLAY_NAME_CHARS = string_length(Customer, "display_name")


def token_digest(token: str) -> str:
    # surrogatepass: a token from a header may hold undecodable bytes; it just matches nothing.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# ---------------------------------------------------------------------------- customers


# A new customer's first message runs these: built once, they are not built and keyed for the
# statement cache on every call (≈ 0.3 ms a statement on a slow machine).
_INSERT_CUSTOMER = insert(Customer).returning(Customer.id)
_INSERT_IDENTITY = insert(ChannelIdentity).returning(ChannelIdentity.id)
_IDENTITY_COLUMNS = (ChannelIdentity.id, ChannelIdentity.customer_id, ChannelIdentity.channel)
_FIND_IDENTITY = select(*_IDENTITY_COLUMNS).where(
    ChannelIdentity.channel == bindparam("channel"), ChannelIdentity.external_id == bindparam("external_id")
)
_IDENTITY_BY_ID = select(*_IDENTITY_COLUMNS).where(ChannelIdentity.id == bindparam("identity_id"))
_CURRENT_CONVERSATION = (
    select(Conversation.id)
    .where(Conversation.identity_id == bindparam("identity_id"), Conversation.status == "open")
    .order_by(Conversation.id.desc())
    .limit(1)
)


def _claim_identity_insert(dialect_insert: Any) -> Any:
    return (
        dialect_insert(ChannelIdentity)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(ChannelIdentity.id)
    )


def _open_conversation_insert(dialect_insert: Any) -> Any:
    return (
        dialect_insert(Conversation)
        .on_conflict_do_nothing(index_elements=["identity_id"], index_where=CONVERSATION_OPEN)
        .returning(Conversation.id)
    )


def _insert_customer(session: Session, now: dt.datetime, tier: str, phone: str | None, display_name: str | None) -> int:
    values = {
        "created_at": now,
        "tier": tier,
        "phone": normalise_phone(phone) if phone else None,
        "phone_verified": phone is not None,
        "display_name": display_name[:_DISPLAY_NAME_CHARS] if display_name else None,
    }
    return int(session.connection().execute(_INSERT_CUSTOMER, values).scalar_one())


def create_customer_identity(
    session: Session,
    channel: ChannelName,
    external_id: str,
    now: dt.datetime,
    phone: str | None = None,
    display_name: str | None = None,
    tier: str = "standard",
) -> tuple[int, int]:
    """A new customer known on ``channel`` as ``external_id``; returns (customer id, identity id)."""
    customer_id = _insert_customer(session, now, tier, phone, display_name)
    identity_id = (
        session.connection()
        .execute(
            _INSERT_IDENTITY,
            {"customer_id": customer_id, "channel": channel.value, "external_id": external_id, "created_at": now},
        )
        .scalar_one()
    )
    return customer_id, int(identity_id)


def customer_with_phone(session: Session, phone: str) -> int | None:
    """The customer known by this phone number from a channel (not typed in a chat), if exactly
    one is."""
    known = select(Customer.id).where(Customer.phone == normalise_phone(phone), Customer.phone_verified.is_(True))
    ids = session.execute(known.limit(2)).scalars().all()
    return ids[0] if len(ids) == 1 else None


@dataclass(frozen=True, slots=True)
class IdentityRef:
    """What finding a customer's conversation needs of a channel identity."""

    id: int
    customer_id: int
    channel: str
    new: bool = False
    """Created by this transaction: it has no conversation yet."""


def claim_identity(
    session: Session,
    channel: ChannelName,
    external_id: str,
    now: dt.datetime,
    phone: str | None = None,
    display_name: str | None = None,
    tier: str = "standard",
    customer_id: int | None = None,
) -> IdentityRef:
    """The identity known on ``channel`` as ``external_id``, created if there is none yet: for
    ``customer_id`` when given (the same customer seen on another channel), else for a new
    customer with ``phone`` and ``display_name``.

    Safe against another transaction creating the same identity at the same time (two copies of
    a new customer's first message on two instances): the insert waits for it and yields.
    """
    new_customer = customer_id is None
    if customer_id is None:
        customer_id = _insert_customer(session, now, tier, phone, display_name)
    created = (
        session.connection()
        .execute(
            _for_dialect(session, "claim_identity", _claim_identity_insert),
            {"customer_id": customer_id, "channel": channel.value, "external_id": external_id, "created_at": now},
        )
        .scalar_one_or_none()
    )
    if created is not None:
        return IdentityRef(int(created), customer_id, channel.value, new=True)
    if new_customer:
        session.execute(delete(Customer).where(Customer.id == customer_id))
    identity = find_identity(session, channel.value, external_id)
    assert identity is not None
    return identity


def find_identity(session: Session, channel: str, external_id: str) -> IdentityRef | None:
    row = session.connection().execute(_FIND_IDENTITY, {"channel": channel, "external_id": external_id}).first()
    return None if row is None else IdentityRef(row[0], row[1], row[2])


def set_opted_out(session: Session, identity_id: int, at: dt.datetime | None) -> bool:
    """Opt the identity out of the messages the service starts (``at``: when), or back in (None).
    False when it already was (a second "TD" changes nothing, nor does opting in twice)."""
    identities = table_of(ChannelIdentity)
    already = identities.c.opted_out_at.is_(None) if at is None else identities.c.opted_out_at.is_not(None)
    statement = update(identities).where(identities.c.id == identity_id, ~already).values(opted_out_at=at)
    return bool(rows_matched(session.execute(statement)))


def identity_by_id(session: Session, identity_id: int) -> IdentityRef | None:
    row = session.connection().execute(_IDENTITY_BY_ID, {"identity_id": identity_id}).first()
    return None if row is None else IdentityRef(row[0], row[1], row[2])


def open_conversation(
    session: Session,
    customer_id: int,
    identity_id: int,
    channel: str,
    locale: str,
    now: dt.datetime,
    data: FlowData | None = None,
) -> int:
    """The identity's open conversation: a new one, unless it has one already.

    Safe against another transaction opening one for the same identity at the same time (a
    customer's messages arriving on two instances at once): the unique index of open
    conversations makes the insert wait for it and yield, and the one it opened is returned.
    """
    values = {
        "customer_id": customer_id,
        "identity_id": identity_id,
        "channel": channel,
        "locale": locale,
        "status": "open",
        "flow_state": State.NEW.value,
        "flow_data": data.to_json() if data is not None else {},
        "owner": "bot",
        "ownership_version": 0,
        "activity_seq": 0,
        "created_at": now,
    }
    statement = _for_dialect(session, "open_conversation", _open_conversation_insert)
    created = session.connection().execute(statement, values).scalar_one_or_none()
    if created is not None:
        return int(created)
    existing = current_conversation_id(session, identity_id)
    assert existing is not None
    return existing


def current_conversation_id(session: Session, identity_id: int) -> int | None:
    """The identity's open conversation, if it has one."""
    found = session.connection().execute(_CURRENT_CONVERSATION, {"identity_id": identity_id}).scalar_one_or_none()
    return None if found is None else int(found)


_OPEN_CONVERSATIONS = PreparedQuery(
    select(Conversation.__table__.c.identity_id, func.max(Conversation.__table__.c.id))
    .where(
        Conversation.__table__.c.identity_id.in_(bindparam("ids", expanding=True)),
        Conversation.__table__.c.status == "open",
    )
    .group_by(Conversation.__table__.c.identity_id)
)


def current_conversation_ids(session: Session, identity_ids: Iterable[int]) -> dict[int, int]:
    """Each identity's open conversation (the newest), for those that have one, in one statement."""
    rows = _OPEN_CONVERSATIONS.rows(session.connection(), {"ids": list(identity_ids)})
    return {row[0]: row[1] for row in rows}


def latest_conversation_id(session: Session, identity_id: int) -> int | None:
    return (
        session.execute(select(func.max(Conversation.id)).where(Conversation.identity_id == identity_id))
    ).scalar_one_or_none()


_STORED_INBOUND_CONVERSATION = PreparedQuery(
    select(table_of(Message).c.conversation_id).where(
        table_of(Message).c.channel == bindparam("channel"),
        table_of(Message).c.direction == "in",
        table_of(Message).c.provider_message_id == bindparam("provider_message_id"),
    )
)


def ensure_open_conversation(
    session: Session,
    identity: IdentityRef,
    locale: str,
    now: dt.datetime,
    resume_within: dt.timedelta = dt.timedelta(0),
    provider_message_id: str | None = None,
) -> int:
    """The identity's open conversation; a new one when it has none, going on with the form of
    its latest one when that was closed for the customer's silence within ``resume_within``
    (:func:`unfinished_form`). A message stored already (``provider_message_id`` on the
    identity's channel: a provider's retry, which the insert then drops) gets the conversation
    it is stored in, never a new, empty one (looked for only when one would be opened)."""
    if not identity.new:
        existing = current_conversation_id(session, identity.id)
        if existing is not None:
            return existing
    if provider_message_id is not None:
        stored_in = _STORED_INBOUND_CONVERSATION.rows(
            session.connection(), {"channel": identity.channel, "provider_message_id": provider_message_id}
        )
        if stored_in:
            return int(stored_in[0][0])
    if identity.new:
        return open_conversation(session, identity.customer_id, identity.id, identity.channel, locale, now)
    carried = unfinished_form(session, identity.id, now, resume_within)
    return open_conversation(session, identity.customer_id, identity.id, identity.channel, locale, now, carried)


_IDLE_CLOSE_REASON = "idle"
"""``conversations.closed_reason`` of a conversation closed for the customer's silence."""


def unfinished_form(session: Session, identity_id: int, now: dt.datetime, within: dt.timedelta) -> FlowData | None:
    """What a new conversation of the identity keeps of its latest one (``FlowData.carried_over``):
    only when that one was closed for the customer's silence less than ``within`` ago, with a
    problem told and nothing handed off yet (no case, no ticket: a case is the open-case
    greeting's and the appeal's to find). None otherwise, and always for a ``within`` of 0."""
    if within <= dt.timedelta(0):
        return None
    latest = session.execute(
        select(Conversation.id, Conversation.status, Conversation.closed_reason, Conversation.closed_at)
        .where(Conversation.identity_id == identity_id)
        .order_by(Conversation.id.desc())
        .limit(1)
    ).first()
    if latest is None or latest.status != "closed" or latest.closed_reason != _IDLE_CLOSE_REASON:
        return None
    if latest.closed_at is None or latest.closed_at < now - within:
        return None
    handed_off = or_(
        exists().where(HandoffTicket.conversation_id == latest.id),
        exists().where(Complaint.conversation_id == latest.id),
    )
    if session.execute(select(handed_off)).scalar_one():
        return None
    stored = session.execute(select(Conversation.flow_data).where(Conversation.id == latest.id)).scalar_one()
    data = FlowData.from_json(stored)
    return data.carried_over(latest.id) if data.description else None


# ---------------------------------------------------------------------------- web chat sessions


@dataclass(frozen=True, slots=True)
class WebchatSession:
    token: str
    identity_id: int
    conversation_id: int
    created: bool


def create_webchat_session(
    session: Session,
    locale: str,
    now: dt.datetime,
    tier: str = "standard",
    traditional: bool = False,
    origin: str | None = None,
) -> WebchatSession:
    """A new anonymous web chat customer, its token and its first conversation (``traditional``:
    the customer's browser reads traditional characters, so the greeting is shown in them;
    ``origin``: the client address it was opened from, kept on the identity)."""
    token = secrets.token_urlsafe(32)
    customer_id, identity_id = create_customer_identity(
        session, ChannelName.WEBCHAT, secrets.token_hex(16), now, tier=tier
    )
    if origin is not None:
        session.execute(update(ChannelIdentity).where(ChannelIdentity.id == identity_id).values(origin=origin))
    session.connection().execute(
        _INSERT_WEBCHAT_TOKEN, {"token_digest": token_digest(token), "identity_id": identity_id, "created_at": now}
    )
    data = FlowData(traditional=True) if traditional else None
    conversation_id = open_conversation(session, customer_id, identity_id, ChannelName.WEBCHAT.value, locale, now, data)
    return WebchatSession(token, identity_id, conversation_id, created=True)


_INSERT_WEBCHAT_TOKEN = insert(WebchatToken)
_IDENTITY_FOR_TOKEN = select(WebchatToken.identity_id).where(WebchatToken.token_digest == bindparam("digest"))


def identity_for_token(session: Session, token: str) -> int | None:
    """The web chat identity a token belongs to (every connection and HTTP fallback asks)."""
    found = session.connection().execute(_IDENTITY_FOR_TOKEN, {"digest": token_digest(token)}).scalar_one_or_none()
    return None if found is None else int(found)


def webchat_history(session: Session, identity_id: int, after_id: int = 0, limit: int = 500) -> Sequence[Message]:
    """Messages of every conversation of a web chat identity after ``after_id``, oldest first.

    From the start (``after_id`` 0) it is the newest ``limit`` messages; after an id, the next
    ``limit`` ones, so a client polling with the last id it has never skips a message.
    """
    statement = (
        select(Message)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.identity_id == identity_id,
            Message.id > after_id,
            Message.delivery_status.is_distinct_from("dropped"),
        )
        .limit(limit)
    )
    if after_id:
        return session.execute(statement.order_by(Message.id)).scalars().all()
    newest = session.execute(statement.order_by(Message.id.desc())).scalars().all()
    return list(reversed(newest))


def closing_messages(session: Session, message_ids: Collection[int]) -> set[int]:
    """Of these messages, those that ended their conversation: a closed conversation's last
    message to the customer (not dropped) up to the moment it closed."""
    if not message_ids:
        return set()
    # Each closed conversation's messages walked backwards by the (conversation, id) index, as
    # ``newest_inbound`` does: a filter on the direction alone would read every outbound row.
    written = aliased(Message)
    last = (
        select(written.id)
        .where(
            written.conversation_id == Conversation.id,
            written.direction == "out",
            written.created_at <= Conversation.closed_at,
            written.delivery_status.is_distinct_from("dropped"),
        )
        .order_by(written.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    shown = select(Message.conversation_id).where(Message.id.in_(message_ids))
    closing = select(last).where(Conversation.id.in_(shown), Conversation.status == "closed")
    return {found for found in session.execute(closing).scalars() if found is not None} & set(message_ids)


# ---------------------------------------------------------------------------- inbound


_messages = table_of(Message)
_conversations = table_of(Conversation)
_timeline = table_of(TimelineEvent)
_timers = table_of(Timer)
_dialect_statements: dict[tuple[str, str], Any] = {}


def _for_dialect(session: Session, name: str, build: Any) -> Any:
    """A statement built once per dialect (ON CONFLICT differs between SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    key = (dialect, name)
    if key not in _dialect_statements:
        _dialect_statements[key] = build(postgresql.insert if dialect == "postgresql" else sqlite.insert)
    return _dialect_statements[key]


_sqlite_prepared: dict[str, Prepared] = {}


def _on_sqlite(name: str, build: Any) -> Prepared:
    """SQLite's form of a dialect statement (``_for_dialect``), bound by position (``bot.storage.prepared``)."""
    prepared = _sqlite_prepared.get(name)
    if prepared is None:
        prepared = _sqlite_prepared[name] = Prepared(build(sqlite.insert))
    return prepared


def _inbound_insert(dialect_insert: Any) -> Any:
    return (
        dialect_insert(_messages)
        .values(
            conversation_id=bindparam("conversation_id"),
            channel=bindparam("channel"),
            direction="in",
            sender=Sender.CUSTOMER.value,
            kind=bindparam("kind"),
            text=bindparam("text"),
            search_text=bindparam("search_text"),
            provider_message_id=bindparam("provider_message_id"),
            raw=bindparam("raw"),
            menu_choice=bindparam("menu_choice"),
            created_at=bindparam("created_at"),
        )
        .on_conflict_do_nothing(index_elements=["channel", "direction", "provider_message_id"])
    )


def _inbound_insert_many(dialect_insert: Any) -> Any:
    return _inbound_insert(dialect_insert).returning(
        _messages.c.id, _messages.c.channel, _messages.c.provider_message_id
    )


_EXISTING_INBOUND_MANY = select(_messages.c.id, _messages.c.channel, _messages.c.provider_message_id).where(
    _messages.c.direction == "in",
    _messages.c.provider_message_id.in_(bindparam("provider_message_ids", expanding=True)),
)


def _inbound_values(conversation_id: int, inbound: InboundMessage, now: dt.datetime) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "channel": inbound.channel.value,
        "kind": inbound.kind.value,
        "text": inbound.text,
        "search_text": searchable(inbound.text),
        "provider_message_id": inbound.provider_message_id,
        "raw": inbound.raw or None,
        "menu_choice": inbound.menu.written if inbound.menu is not None else None,
        "created_at": now,
    }


def insert_inbound_many(
    session: Session, items: Sequence[tuple[int, InboundMessage]], now: dt.datetime
) -> list[tuple[int, bool]]:
    """Store inbound messages once per (channel, provider id), for many (conversation id, message)
    pairs in one or two statements.

    Returns (id, was it new) in the order given; a message repeated within ``items`` is new only
    the first time.
    """
    connection = session.connection()
    keys = [(inbound.channel.value, inbound.provider_message_id) for _, inbound in items]
    first: dict[tuple[str, str], int] = {}
    for index, key in enumerate(keys):
        first.setdefault(key, index)
    parameters = [_inbound_values(*items[index], now) for index in first.values()]
    if connection.dialect.name == "sqlite":
        returned: Iterable[Sequence[Any]] = _on_sqlite("inbound_many", _inbound_insert_many).insert_returning(
            connection, parameters
        )
    else:
        returned = connection.execute(_for_dialect(session, "inbound_many", _inbound_insert_many), parameters)
    created = {(row[1], row[2]): row[0] for row in returned}
    ids = dict(created)
    missing = [key for key in first if key not in ids]
    if missing:
        rows = connection.execute(_EXISTING_INBOUND_MANY, {"provider_message_ids": [key[1] for key in missing]})
        ids.update({(row[1], row[2]): row[0] for row in rows if (row[1], row[2]) in first})
    return [(ids[key], key in created and first[key] == index) for index, key in enumerate(keys)]


def unprocessed_inbound(session: Session, older_than: dt.datetime, limit: int = 500) -> Sequence[tuple[int, int]]:
    """(conversation id, message id) of inbound messages stored but never processed, in the order
    of the partial index that holds them (each conversation's oldest first)."""
    # The literal predicate of the partial index: with bound values PostgreSQL cannot use it, and
    # (counting every outbound row as unprocessed) may walk the whole table by key instead.
    rows = session.execute(
        select(Message.conversation_id, Message.id)
        .where(INBOUND_PENDING, Message.created_at <= older_than)
        .order_by(Message.conversation_id, Message.id)
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
    data: FlowData
    owner: str
    ownership_version: int
    activity_seq: int
    customer: CustomerView
    last_customer_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    closed_reason: str | None = None
    opted_out_at: dt.datetime | None = None
    """When its identity opted out of the messages the service starts (an SMS "TD"); None: opted in."""


@dataclass(frozen=True, slots=True)
class StoredInboundRow:
    id: int
    text: str
    kind: str
    created_at: dt.datetime | None = None
    menu: MenuChoice | None = None
    """What a ``menu`` message's button asks."""
    read_in_part: bool = False
    """Read by its beginning and end only (:func:`~bot.core.messages.as_read`): ``text`` is what was read."""


_LOAD_CONVERSATIONS = PreparedQuery(
    select(
        _conversations.c.id,
        _conversations.c.customer_id,
        _conversations.c.identity_id,
        _conversations.c.channel,
        _conversations.c.locale,
        _conversations.c.status,
        _conversations.c.flow_state,
        _conversations.c.flow_data,
        _conversations.c.owner,
        _conversations.c.ownership_version,
        _conversations.c.activity_seq,
        _conversations.c.last_customer_at,
        _conversations.c.closed_at,
        _conversations.c.closed_reason,
        # Its identity's opt-out (by primary key: one index lookup a conversation).
        select(table_of(ChannelIdentity).c.opted_out_at)
        .where(table_of(ChannelIdentity).c.id == _conversations.c.identity_id)
        .scalar_subquery()
        .label("opted_out_at"),
    ).where(_conversations.c.id.in_(bindparam("ids", expanding=True)))
)
# Their customers by primary key, in a statement of their own: joined, PostgreSQL hashes every
# customer ever stored to find the batch's few (issue 16).
_LOAD_CUSTOMERS = PreparedQuery(
    select(
        Customer.__table__.c.id,
        Customer.__table__.c.surname,
        Customer.__table__.c.title,
        Customer.__table__.c.tier,
        Customer.__table__.c.phone,
        Customer.__table__.c.phone_verified,
    ).where(Customer.__table__.c.id.in_(bindparam("ids", expanding=True)))
)
_complaints = table_of(Complaint)
_CASE_COLUMNS = (
    _complaints.c.customer_id,
    _complaints.c.category,
    _complaints.c.conversation_id,
    _complaints.c.case_number,
    _complaints.c.status,
    _complaints.c.deadline_at,
    _complaints.c.original_deadline_at,
    _complaints.c.area,
)
_PRIOR_COLUMNS = (
    _complaints.c.id,
    *_CASE_COLUMNS,
    _complaints.c.description,
    _complaints.c.resolved_at,
    # By primary key: whether the case's conversation has closed (a resolved case whose
    # callback still runs there is answered there, never reopened from another conversation).
    select(_conversations.c.status)
    .where(_conversations.c.id == _complaints.c.conversation_id)
    .scalar_subquery()
    .label("conversation_status"),
)
_PRIOR_COMPLAINTS = PreparedQuery(
    select(*_PRIOR_COLUMNS)
    .where(_complaints.c.customer_id.in_(bindparam("ids", expanding=True)))
    .order_by(_complaints.c.id)
)
# By the unique index of case numbers.
_CASES_BY_NUMBER = (
    select(
        *_CASE_COLUMNS,
        _complaints.c.contact_phone,
        _complaints.c.description,
        _complaints.c.resolved_at,
        _conversations.c.identity_id,
    )
    .outerjoin(_conversations, _conversations.c.id == _complaints.c.conversation_id)
    .where(_complaints.c.case_number.in_(bindparam("numbers", expanding=True)))
)
OPEN_STATUSES = ("open", "incomplete")
# The open cases whose contact phone is a number the channel vouches for (an SMS sender's): the
# case's staff call that number, so whoever texts from it is the case's customer, whoever filed
# it and wherever (a phone typed in WeChat). By the contact phone index (0037).
_OPEN_CASES_BY_CONTACT_PHONE = (
    select(*_PRIOR_COLUMNS, _complaints.c.contact_phone)
    .where(
        _complaints.c.contact_phone.in_(bindparam("phones", expanding=True)),
        _complaints.c.status.in_(OPEN_STATUSES),
        _complaints.c.deadline_at.is_not(None),
    )
    .order_by(_complaints.c.id)
)
_RESOLVED_CASES_TOLD = 5
"""The most recently resolved cases a conversation taking a complaint is given (the flow keeps those
within ``followups.reopen_within``)."""
RESOLVED_STATUSES = ("resolved", "closed")
AGENT_OWNER = "agent:"

# issue 12 item 1: where handed-off cases stand, for the status answer. Both lookups go by
# primary key or the tickets' conversation index, for the batch's conversations at once.
_tickets = table_of(HandoffTicket)
_CASE_PLACES = (
    select(
        _conversations.c.id,
        _conversations.c.owner,
        _tickets.c.id.label("ticket_id"),
        _tickets.c.told_position,
        _tickets.c.best_told_position,
        _tickets.c.reason,
    )
    .outerjoin(
        _tickets,
        (_tickets.c.conversation_id == _conversations.c.id) & (_tickets.c.status == "waiting"),
    )
    .where(_conversations.c.id.in_(bindparam("ids", expanding=True)))
)
_AGENT_NAMES = select(User.__table__.c.id, User.__table__.c.display_name).where(
    User.__table__.c.id.in_(bindparam("ids", expanding=True))
)


@dataclass(frozen=True, slots=True)
class _CasePlace:
    owner: str
    waiting: bool
    told_position: int | None
    best_told_position: int | None
    with_supervisor: bool = False
    """A waiting ticket of the conversation waits for the duty supervisor (``WITH_THE_DUTY_SUPERVISOR``)."""

    @property
    def position_to_say(self) -> int | None:
        """The place last recorded, unless it is further back than one the customer was told:
        then none ("正在排队等待处理"), rather than a place worse than the word given."""
        told, best = self.told_position, self.best_told_position
        return None if told is not None and best is not None and told > best else told


def _case_places(session: Session, conversation_ids: set[int]) -> tuple[dict[int, _CasePlace], dict[str, str]]:
    """Each conversation's owner and waiting ticket, and the display names of the agents owning
    them (by owner string); two statements at most."""
    if not conversation_ids:
        return {}, {}
    connection = session.connection()
    places: dict[int, _CasePlace] = {}
    for row in connection.execute(_CASE_PLACES, {"ids": sorted(conversation_ids)}):
        known = places.get(row.id)
        supervisor = row.reason in WITH_THE_DUTY_SUPERVISOR or (known is not None and known.with_supervisor)
        if known is None or (row.ticket_id is not None and not known.waiting):
            places[row.id] = _CasePlace(
                row.owner, row.ticket_id is not None, row.told_position, row.best_told_position, supervisor
            )
        elif supervisor and not known.with_supervisor:
            places[row.id] = dataclasses.replace(known, with_supervisor=True)
    agent_ids = {
        int(place.owner.removeprefix(AGENT_OWNER))
        for place in places.values()
        if place.owner.startswith(AGENT_OWNER) and place.owner.removeprefix(AGENT_OWNER).isdigit()
    }
    names: dict[str, str] = {}
    if agent_ids:
        for user_id, display_name in connection.execute(_AGENT_NAMES, {"ids": sorted(agent_ids)}):
            if display_name:
                names[f"{AGENT_OWNER}{user_id}"] = display_name
    return places, names


PHONE_TAIL_DIGITS = 8
_FEWEST_TAIL_DIGITS = 7
"""The last digits of a case's contact phone that whoever names the case without being known as
its customer gives back: the whole number as it is dialled (a shorter one whole). The staff console
shows an agent who does not handle a case its phone's last four digits (138****5678); these hold
the four it hides as well, so seeing the case is not knowing the answer."""


@dataclass(frozen=True, slots=True)
class NamedCase:
    """A case found by its number, and the contact phone that tells whether the writer is its
    customer (the pipeline keeps the phone from the engine)."""

    status: CaseStatus
    contact_phone: str | None
    """Normalised (:func:`normalise_phone`); None when the case has none."""
    conversation_id: int | None = None
    """The conversation that filed the case."""
    identity_id: int | None = None
    """The channel identity that filed it (a web chat session, an SMS sender, a chat account)."""

    @property
    def phone_tail(self) -> str | None:
        digits = "".join(char for char in self.contact_phone or "" if char.isdigit())
        return digits[-PHONE_TAIL_DIGITS:] if len(digits) >= _FEWEST_TAIL_DIGITS else None


def named_cases(session: Session, case_numbers: Collection[str]) -> dict[str, NamedCase]:
    """Where the cases with these numbers stand (those that exist), for a customer naming a case
    by its number from another conversation, with their places, whose they are and their contact
    phones. Three statements at most, by index."""
    if not case_numbers:
        return {}
    complaints = session.connection().execute(_CASES_BY_NUMBER, {"numbers": sorted(case_numbers)}).all()
    places, names = _case_places(session, {complaint.conversation_id for complaint in complaints})
    return {
        complaint.case_number: NamedCase(
            dataclasses.replace(
                _case_status(complaint, places.get(complaint.conversation_id), names),
                area=complaint.area,
                customer_id=complaint.customer_id,
                category=complaint.category,
                problem=complaint.description,
                resolved_at=complaint.resolved_at,
            ),
            normalise_phone(complaint.contact_phone) if complaint.contact_phone else None,
            complaint.conversation_id,
            complaint.identity_id,
        )
        for complaint in complaints
    }


def cases_by_number(session: Session, case_numbers: Collection[str]) -> dict[str, CaseStatus]:
    """:func:`named_cases` without their phones."""
    return {number: named.status for number, named in named_cases(session, case_numbers).items()}


def _case_status(complaint: Any | None, place: _CasePlace | None, names: dict[str, str]) -> CaseStatus:
    """Where a case stands: resolved, waiting in a queue (at the position last announced), or
    with the agent who owns the conversation."""
    case_number = complaint.case_number if complaint is not None else None
    deadline_at = complaint.deadline_at if complaint is not None else None
    original = complaint.original_deadline_at if complaint is not None else None
    extended = original is not None and deadline_at is not None and original != deadline_at
    common: dict[str, Any] = {"case_number": case_number, "deadline_at": deadline_at, "extended": extended}
    if complaint is not None and complaint.status in RESOLVED_STATUSES:
        return CaseStatus(CaseStage.RESOLVED, **common)
    if place is not None and place.waiting:
        return CaseStatus(
            CaseStage.WAITING, queue_position=place.position_to_say, with_supervisor=place.with_supervisor, **common
        )
    if place is not None and place.owner.startswith(AGENT_OWNER):
        return CaseStatus(CaseStage.WITH_AGENT, agent_name=names.get(place.owner), **common)
    return CaseStatus(CaseStage.WAITING, **common)


# issue 12 item 3: the open cases of whoever is known by these phones (a phone typed in web chat
# links to the cases of the customer an SMS sender's number belongs to); only a customer whose phone
# the channel vouches for: a number typed in a chat is anyone's to type. Bounded by the phone index
# of customers and the customer index of complaints.
_customers = table_of(Customer)
_OPEN_CASES_BY_PHONE = (
    select(
        _customers.c.phone,
        _complaints.c.category,
        _complaints.c.conversation_id,
        _complaints.c.case_number,
        _complaints.c.deadline_at,
    )
    .join(_customers, _customers.c.id == _complaints.c.customer_id)
    .where(
        _customers.c.phone.in_(bindparam("phones", expanding=True)),
        _customers.c.phone_verified.is_(True),
        _complaints.c.status.in_(OPEN_STATUSES),
        _complaints.c.deadline_at.is_not(None),
    )
    .order_by(_complaints.c.id)
)


def load_conversations(session: Session, ids: Iterable[int]) -> dict[int, LoadedConversation]:
    connection = session.connection()
    rows = _LOAD_CONVERSATIONS.rows(connection, {"ids": list(ids)})
    customer_ids = list({row.customer_id for row in rows})
    customers = {row.id: row for row in _LOAD_CUSTOMERS.rows(connection, {"ids": customer_ids})}
    categories: dict[int, set[str]] = {}
    complaints: dict[int, list[Any]] = {}
    if customer_ids:
        for complaint in _PRIOR_COMPLAINTS.rows(connection, {"ids": customer_ids}):
            categories.setdefault(complaint.customer_id, set()).add(complaint.category)
            complaints.setdefault(complaint.customer_id, []).append(complaint)

    # An SMS sender's open cases include those left with their number as the contact phone,
    # whoever filed them (one statement, only for customers whose phone the channel vouches for).
    vouched = {id_: customer.phone for id_, customer in customers.items() if customer.phone_verified and customer.phone}
    by_contact = open_cases_by_contact_phone(session, set(vouched.values()))

    def unresolved_of(customer_id: int) -> list[Any]:
        own = [
            complaint
            for complaint in complaints.get(customer_id, [])
            if complaint.status in OPEN_STATUSES and complaint.deadline_at is not None
        ]
        known = {complaint.case_number for complaint in own}
        phone = vouched.get(customer_id)
        left_with_phone = [
            complaint
            for complaint in (by_contact.get(phone, []) if phone else [])
            if complaint.customer_id != customer_id and complaint.case_number not in known
        ]
        return sorted([*own, *left_with_phone], key=lambda complaint: complaint.id)

    unresolved_cases = {customer_id: unresolved_of(customer_id) for customer_id in customer_ids}

    def open_complaint(customer_id: int, conversation_id: int) -> Any | None:
        for complaint in reversed(unresolved_cases.get(customer_id, [])):
            if complaint.conversation_id != conversation_id:
                return complaint
        return None

    def own_complaint(customer_id: int, conversation_id: int) -> Any | None:
        for complaint in reversed(complaints.get(customer_id, [])):
            if complaint.conversation_id == conversation_id:
                return complaint
        return None

    open_complaints = {row.id: open_complaint(row.customer_id, row.id) for row in rows}
    # Only a conversation still collecting a complaint asks about another customer's case
    # (greeting, status question, appeal): the others skip the lookup by phone.
    phones = {
        row.id: _phones_of(row, customers[row.customer_id].phone)
        if open_complaints[row.id] is None and State(row.flow_state) in COLLECTING
        else set()
        for row in rows
    }
    by_phone = _open_cases_by_phone(connection, {phone for known in phones.values() for phone in known})

    def linked_case(conversation_id: int) -> OpenCase | None:
        found = [case for phone in phones[conversation_id] for case in by_phone.get(phone, [])]
        for _order, conversation, case in sorted(found, key=lambda item: item[0], reverse=True):
            if conversation != conversation_id:
                return case
        return None

    handed_off = {row.id for row in rows if row.flow_state == State.HANDED_OFF.value}
    # A customer with two or more open cases hears of each when asking where "my complaint" stands.
    several = {customer_id: theirs for customer_id, theirs in unresolved_cases.items() if len(theirs) > 1}
    # A case another customer filed, proven this writer's in the conversation by its phone's last
    # digits (the flow's verdict, ``case_proven``): the writer is that case's customer from then on.
    proven_numbers = {
        row.id: str(row.flow_data["case_proven"]) for row in rows if row.flow_data and row.flow_data.get("case_proven")
    }
    proven_found = named_cases(session, set(proven_numbers.values())) if proven_numbers else {}

    def proven_case(row: Any) -> NamedCase | None:
        found = proven_found.get(proven_numbers.get(row.id, ""))
        if found is None or found.status.customer_id == row.customer_id:
            return None  # their own: among their cases already
        return found

    places, names = _case_places(
        session,
        handed_off
        | {complaint.conversation_id for complaint in open_complaints.values() if complaint is not None}
        | {complaint.conversation_id for unresolved in several.values() for complaint in unresolved}
        | {
            complaint.conversation_id
            for row in rows
            if proven_case(row) is not None
            for complaint in unresolved_cases.get(row.customer_id, [])
        },
    )

    def proven_open(row: Any) -> CaseStatus | None:
        found = proven_case(row)
        if found is None or found.status.stage is CaseStage.RESOLVED or found.status.deadline_at is None:
            return None
        return found.status

    def open_cases(row: Any) -> tuple[CaseStatus, ...]:
        theirs = unresolved_cases.get(row.customer_id, [])
        proven = proven_open(row)
        if proven is not None and proven.case_number in {complaint.case_number for complaint in theirs}:
            proven = None  # left with their number too: among their cases already
        if len(theirs) + (proven is not None) < 2:
            return ()
        own = tuple(
            dataclasses.replace(
                _case_status(complaint, places.get(complaint.conversation_id), names),
                area=complaint.area,
                customer_id=complaint.customer_id,
                own=True,
                category=complaint.category,
                problem=complaint.description,
            )
            for complaint in theirs
        )
        return ((proven,) if proven is not None else ()) + own

    collecting = {row.id for row in rows if State(row.flow_state) in COLLECTING}

    def resolved_cases(customer_id: int, conversation_id: int) -> tuple[CaseStatus, ...]:
        """The customer's cases resolved in conversations that have closed, newest resolution
        first, for a conversation taking a complaint ("没解决" there may be about one of them)."""
        if conversation_id not in collecting:
            return ()
        resolved = [
            complaint
            for complaint in complaints.get(customer_id, ())
            if complaint.status == "resolved"
            and complaint.resolved_at is not None
            and complaint.conversation_status == "closed"
        ]
        resolved.sort(key=lambda complaint: complaint.resolved_at, reverse=True)
        return tuple(
            CaseStatus(
                CaseStage.RESOLVED,
                case_number=complaint.case_number,
                deadline_at=complaint.deadline_at,
                area=complaint.area,
                customer_id=customer_id,
                own=True,
                category=complaint.category,
                problem=complaint.description,
                resolved_at=complaint.resolved_at,
            )
            for complaint in resolved[:_RESOLVED_CASES_TOLD]
        )

    def open_case(row: Any) -> OpenCase | None:
        complaint = open_complaints[row.id]
        if complaint is None:
            linked = linked_case(row.id)
            proven = proven_open(row)
            if (
                proven is not None
                and proven.case_number
                and proven.deadline_at
                and (linked is None or linked.by_typed_phone)
            ):
                return OpenCase(proven.case_number, proven.deadline_at, status=proven, category=proven.category)
            return linked
        status = dataclasses.replace(
            _case_status(complaint, places.get(complaint.conversation_id), names),
            area=complaint.area,
            problem=complaint.description,
        )
        return OpenCase(complaint.case_number, complaint.deadline_at, status=status, category=complaint.category)

    # A conversation whose complaint joined an open case as an appeal has no case of its own:
    # the case it joined is the one its status questions are about (its number, its deadline).
    appeals = {
        row.id: row.flow_data["appeal_of"]
        for row in rows
        if row.id in handed_off
        and row.flow_data
        and row.flow_data.get("appeal_of")
        and own_complaint(row.customer_id, row.id) is None
    }
    appealed = cases_by_number(session, set(appeals.values()))

    def this_case(customer_id: int, conversation_id: int) -> CaseStatus | None:
        if conversation_id not in handed_off:
            return None
        joined = appealed.get(appeals.get(conversation_id, ""))
        if joined is not None:
            return joined
        return _case_status(own_complaint(customer_id, conversation_id), places.get(conversation_id), names)

    return {
        row.id: LoadedConversation(
            id=row.id,
            customer_id=row.customer_id,
            identity_id=row.identity_id,
            channel=row.channel,
            locale=row.locale,
            status=row.status,
            state=State(row.flow_state),
            data=FlowData.from_json(row.flow_data),
            owner=row.owner,
            ownership_version=row.ownership_version,
            activity_seq=row.activity_seq,
            last_customer_at=row.last_customer_at,
            closed_at=row.closed_at,
            closed_reason=row.closed_reason,
            opted_out_at=row.opted_out_at,
            customer=CustomerView(
                surname=customers[row.customer_id].surname,
                title=customers[row.customer_id].title,
                tier=customers[row.customer_id].tier,
                phone=customers[row.customer_id].phone,
                phone_vouched=bool(customers[row.customer_id].phone_verified),
                prior_categories=frozenset(categories.get(row.customer_id, ())),
                open_case=open_case(row),
                this_case=this_case(row.customer_id, row.id),
                open_cases=open_cases(row),
                resolved_cases=resolved_cases(row.customer_id, row.id),
                proven_phone=(found.contact_phone if (found := proven_case(row)) is not None else None),
            ),
        )
        for row in rows
    }


def _phones_of(row: Any, customer_phone: str | None) -> set[str]:
    """The phones a conversation knows its customer by: the customer's, the one given in it."""
    given = row.flow_data.get("phone") if row.flow_data else None
    return {normalise_phone(phone) for phone in (customer_phone, given) if phone}


def open_cases_by_contact_phone(session: Session, phones: Collection[str]) -> dict[str, list[Any]]:
    """The open cases whose contact phone is one of ``phones`` (normalised), by phone, oldest
    first; one statement by the contact phone index, none without phones."""
    if not phones:
        return {}
    found: dict[str, list[Any]] = {}
    for row in session.connection().execute(_OPEN_CASES_BY_CONTACT_PHONE, {"phones": sorted(phones)}):
        found.setdefault(row.contact_phone, []).append(row)
    return found


def _open_cases_by_phone(connection: Any, phones: set[str]) -> dict[str, list[tuple[int, int, OpenCase]]]:
    """Open cases by customer phone: (complaint order, conversation id, case), oldest first."""
    if not phones:
        return {}
    found: dict[str, list[tuple[int, int, OpenCase]]] = {}
    for position, row in enumerate(connection.execute(_OPEN_CASES_BY_PHONE, {"phones": sorted(phones)})):
        case = OpenCase(row.case_number, row.deadline_at, category=row.category, by_typed_phone=True)
        found.setdefault(row.phone, []).append((position, row.conversation_id, case))
    return found


# The predicate is written as literals, as in the partial index ix_messages_inbound_pending: a
# planner uses a partial index only when it can see the query implies the index's condition.
_PENDING_INBOUND = PreparedQuery(
    select(
        _messages.c.conversation_id,
        _messages.c.id,
        _messages.c.text,
        _messages.c.kind,
        _messages.c.created_at,
        _messages.c.menu_choice,
    )
    .where(
        _messages.c.conversation_id.in_(bindparam("conversation_ids", expanding=True)),
        _messages.c.id <= bindparam("up_to"),
        INBOUND_PENDING,
    )
    .order_by(_messages.c.id)
)


def pending_inbound(session: Session, newest: dict[int, int]) -> dict[int, list[StoredInboundRow]]:
    """The unprocessed inbound messages of these conversations, oldest first, each conversation's
    up to the newest message id given for it; one statement, bounded by the partial index of
    unprocessed inbound messages however long the history."""
    if not newest:
        return {}
    rows = _PENDING_INBOUND.rows(
        session.connection(), {"conversation_ids": list(newest), "up_to": max(newest.values())}
    )
    pending: dict[int, list[StoredInboundRow]] = {}
    for row in rows:
        if row.id <= newest[row.conversation_id]:
            pending.setdefault(row.conversation_id, []).append(
                StoredInboundRow(
                    row.id,
                    row.text,
                    row.kind,
                    row.created_at,
                    MenuChoice.parse(row.menu_choice) if row.menu_choice is not None else None,
                )
            )
    return pending


def all_pending_inbound(session: Session, conversation_ids: Sequence[int]) -> dict[int, list[StoredInboundRow]]:
    """Every unprocessed inbound message of these conversations, oldest first (one statement)."""
    return pending_inbound(session, dict.fromkeys(conversation_ids, _LARGEST_ID))


_LARGEST_ID = 2**62


def move_messages(session: Session, message_ids: Sequence[int], conversation_id: int) -> None:
    """Put these messages into another conversation, in one statement."""
    if message_ids:
        session.execute(
            update(Message).where(Message.id.in_(list(message_ids))).values(conversation_id=conversation_id)
        )


_MARK_PROCESSED = PreparedQuery(
    update(_messages)
    .where(_messages.c.id.in_(bindparam("ids", expanding=True)), _messages.c.processed_at.is_(None))
    .values(processed_at=bindparam("processed_at_value"))
)


class ProcessedElsewhere(Exception):
    """Another transaction processed some of these messages first: this one must roll back."""


def mark_processed(session: Session, message_ids: Sequence[int], now: dt.datetime) -> None:
    """Mark the messages processed; raises :class:`ProcessedElsewhere` if any already was.

    The fence behind the conversation lock: a batch that outlived its lock and overlapped another
    cannot commit the same message's effects a second time.
    """
    if not message_ids:
        return
    ids = set(message_ids)
    matched = _MARK_PROCESSED.execute(session.connection(), {"ids": list(ids), "processed_at_value": now})
    if matched != len(ids):
        raise ProcessedElsewhere(f"{len(ids) - matched} of {len(ids)} messages were processed elsewhere")


_MARK_READ_IN_PART = PreparedQuery(
    update(_messages).where(_messages.c.id.in_(bindparam("ids", expanding=True))).values(read_in_part=True)
)


def mark_read_in_part(session: Session, message_ids: Sequence[int]) -> None:
    """Mark long texts the bot read by their beginning and end only, for the console's label."""
    if message_ids:
        _MARK_READ_IN_PART.execute(session.connection(), {"ids": list(message_ids)})


_SAVE_CONVERSATION = (
    update(_conversations)
    .where(
        _conversations.c.id == bindparam("conversation_id"),
        _conversations.c.ownership_version == bindparam("expected_version"),
    )
    .values(
        flow_state=bindparam("flow_state_value"),
        flow_data=bindparam("flow_data_value"),
        locale=bindparam("locale_value"),
        activity_seq=bindparam("activity_seq_value"),
        status=bindparam("status_value"),
        last_customer_at=bindparam("last_customer_at_value"),
        closed_at=bindparam("closed_at_value"),
        closed_reason=bindparam("closed_reason_value"),
    )
)


def _save_parameters(conversation: LoadedConversation) -> dict[str, Any]:
    return {
        "conversation_id": conversation.id,
        "expected_version": conversation.ownership_version,
        "flow_state_value": conversation.state.value,
        "flow_data_value": conversation.data.to_json(),
        "locale_value": conversation.locale,
        "activity_seq_value": conversation.activity_seq,
        "status_value": conversation.status,
        "last_customer_at_value": conversation.last_customer_at,
        "closed_at_value": conversation.closed_at,
        "closed_reason_value": conversation.closed_reason,
    }


_SAVE_CONVERSATION_BY_POSITION = Prepared(_SAVE_CONVERSATION)

_OWNERSHIP_VERSIONS = select(_conversations.c.id, _conversations.c.ownership_version).where(
    _conversations.c.id.in_(bindparam("ids", expanding=True))
)


def save_conversations(session: Session, conversations: Sequence[LoadedConversation]) -> set[int]:
    """Write the conversations' state back in one statement, each only if nobody changed its owner
    meanwhile; returns the ids an agent took over (their bot replies must be dropped).

    Versions only grow, and a row this statement updated stays locked (PostgreSQL) or the
    database stays written by this transaction alone (SQLite) until the commit; so a row still at
    the version expected was updated, and any other row was not.
    """
    if not conversations:
        return set()
    connection = session.connection()
    parameters = [_save_parameters(conversation) for conversation in conversations]
    if connection.dialect.name == "sqlite":
        matched = _SAVE_CONVERSATION_BY_POSITION.execute_many(connection, parameters)
    else:
        matched = connection.execute(_SAVE_CONVERSATION, parameters).rowcount
    if connection.dialect.supports_sane_multi_rowcount and matched == len(conversations):
        return set()
    expected = {conversation.id: conversation.ownership_version for conversation in conversations}
    versions = session.connection().execute(_OWNERSHIP_VERSIONS, {"ids": list(expected)})
    return {row[0] for row in versions if row[1] != expected[row[0]]}


_INSERT_OUTBOUND = insert(_messages).returning(_messages.c.id, sort_by_parameter_order=True)
_INSERT_OUTBOUND_ANY_ORDER = insert(_messages).returning(_messages.c.id)
_OUTBOUND_KEYS = frozenset(
    (
        "conversation_id",
        "channel",
        "direction",
        "sender",
        "kind",
        "text",
        "search_text",
        "phrase_id",
        "options",
        "created_at",
        "delivery_status",
    )
)
"""The columns the pipeline gives its replies (the others: their defaults)."""
_INSERT_OUTBOUND_BY_POSITION = Prepared(
    insert(_messages).values({key: bindparam(key) for key in sorted(_OUTBOUND_KEYS)}).returning(_messages.c.id)
)


def insert_outbound(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert outbound messages in one statement; ids in the order given."""
    if not rows:
        return []
    rows = [{**row, "search_text": searchable(row["text"])} for row in rows]
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # SQLAlchemy cannot sort SQLite's RETURNING rows by parameter and would insert them one
        # statement each (50 replies, 50 statements). SQLite inserts a statement's rows in the
        # order given, each with a rowid above every other, and writes one transaction at a time:
        # the ids in ascending order are the rows' order.
        if all(row.keys() == _OUTBOUND_KEYS for row in rows):
            return sorted(row[0] for row in _INSERT_OUTBOUND_BY_POSITION.insert_returning(connection, rows))
        return sorted(row[0] for row in connection.execute(_INSERT_OUTBOUND_ANY_ORDER, rows))
    return [row[0] for row in connection.execute(_INSERT_OUTBOUND, rows)]


_INSERT_TIMELINE = insert(_timeline)


def append_timeline(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(_INSERT_TIMELINE, rows)


_SURNAME_CHARS = string_length(Customer, "surname")


# The earlier cases a new one repeats (0041): the same category, from the same customer record or
# left with the same contact phone, still open or resolved since a moment; one statement at the case's
# filing, by the customer index and the contact phone index of complaints (never per message).
_EARLIER_CASES_LINKED = 5
_EARLIER_CASES = (
    select(_complaints.c.case_number)
    .where(
        or_(
            _complaints.c.customer_id == bindparam("customer_id"),
            _complaints.c.contact_phone.in_(bindparam("phones", expanding=True)),
        ),
        _complaints.c.category == bindparam("category"),
        _complaints.c.conversation_id != bindparam("conversation_id"),
        or_(_complaints.c.status.in_(OPEN_STATUSES), _complaints.c.resolved_at >= bindparam("since")),
    )
    .order_by(_complaints.c.id.desc())
    .limit(_EARLIER_CASES_LINKED)
)


def earlier_cases(
    session: Session, conversation: LoadedConversation, record: ComplaintRecord, since: dt.datetime
) -> list[str]:
    """The numbers of the cases ``record`` repeats, newest first: of its category, filed in another
    conversation by the same customer or left with the same contact phone, still open or resolved
    since ``since``."""
    phone = record.contact_phone
    phones = sorted({phone, normalise_phone(phone)}) if phone else [""]
    rows = session.connection().execute(
        _EARLIER_CASES,
        {
            "customer_id": conversation.customer_id,
            "phones": phones,
            "category": record.category,
            "conversation_id": conversation.id,
            "since": since,
        },
    )
    return [row.case_number for row in rows]


def save_complaint(
    session: Session,
    conversation: LoadedConversation,
    record: ComplaintRecord,
    now: dt.datetime,
    repeat_link_days: int = 0,
) -> int:
    """Create the complaint, or update it when the case number exists (escalation after handoff).

    A new case of a category the customer (or its contact phone) had a case of, still open or
    resolved within ``repeat_link_days``, is a repeat: the earlier case numbers are kept on it
    (``repeat_of``, shown on its ticket), with the ``repeat`` signal and the complex grade (seed 003);
    the deadline promised stands. 0 links nothing."""
    existing_row = session.execute(
        select(Complaint.id, Complaint.repeat_of).where(Complaint.case_number == record.case_number)
    ).one_or_none()
    existing: int | None = existing_row.id if existing_row is not None else None
    if existing_row is not None:
        repeat_of = existing_row.repeat_of
    elif repeat_link_days:
        repeat_of = earlier_cases(session, conversation, record, now - dt.timedelta(days=repeat_link_days))
    else:
        repeat_of = None
    values: dict[str, Any] = {
        "description": record.description,
        "problem": record.problem,
        "contact_phone": record.contact_phone,
        "alternative_phone": record.alternative_phone,
        "contact_extension": record.contact_extension,
        "alternative_extension": record.alternative_extension,
        "contact_by_channel": record.contact_by_channel,
        "area": record.area,
        "area_search": searchable(record.area),
        "district": record.district,
        "category": record.category,
        "other_categories": list(record.other_categories) or None,
        "model_suggestions": list(record.model_suggestions) or None,
        "grade": record.grade.value,
        "customer_tier": record.customer_tier,
        "signals": list(record.signals),
        "status": "open" if record.confirmed else "incomplete",
        "promised_at": now,
        "deadline_at": record.deadline_at,
    }
    if repeat_of:
        values["repeat_of"] = list(repeat_of)
        values["signals"] = sorted({*record.signals, Signal.REPEAT.value})
        values["grade"] = Grade.COMPLEX.value
    if record.contact_phone:
        session.execute(
            update(Customer)
            .where(Customer.id == conversation.customer_id, Customer.phone.is_(None))
            .values(phone=normalise_phone(record.contact_phone))
        )
    if record.confirmed and record.customer_surname and len(record.customer_surname) <= _SURNAME_CHARS:
        # The customer confirmed how to address them: the next conversation greets them so.
        session.execute(
            update(Customer)
            .where(Customer.id == conversation.customer_id)
            .values(surname=record.customer_surname, title=record.customer_title)
        )
    if existing is not None:
        session.execute(update(Complaint).where(Complaint.id == existing).values(**values))
        return existing
    return (
        session.execute(
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


@dataclass(frozen=True, slots=True)
class LinkedAppeal:
    """Where an appeal was linked: the open case, its conversation and its (raised) ticket."""

    complaint_id: int
    case_conversation_id: int
    ticket_id: int | None
    """None when the appeal raised no ticket (a later message of the appealing conversation)."""
    timeline: dict[str, Any]
    """The row for the case's own timeline (written with the batch's)."""
    held_by: str | None = None
    """The agent holding the case when danger told with it raised no ticket (none may take the case
    from its agent: the supervisors are told instead, as of danger told in the case's own chat)."""


def link_appeal(
    session: Session, conversation: LoadedConversation, link: AppealLink, now: dt.datetime
) -> LinkedAppeal | None:
    """Make a repeat of an open case part of it (issue 12 item 3): the case keeps its deadline;
    its waiting ticket moves to ``link.escalation``'s queue and priority with reason "appeal", or
    one is opened there on the case's conversation; the phone given fills a missing contact. A
    link with no escalation (a later message of the appealing conversation) only joins the case's
    timeline, which says whether the writer proved the case theirs by its phone (``link.writer``,
    the flow's verdict), and why it is raised when that is no appeal (danger told with the case:
    ``reason`` danger; with an agent holding the case, no ticket takes it from them: ``held_by``).
    None when the case is gone."""
    complaint = session.execute(select(Complaint).where(Complaint.case_number == link.case_number)).scalar_one_or_none()
    if complaint is None:
        return None
    if link.contact_phone and not complaint.contact_phone:
        complaint.contact_phone = link.contact_phone
    ticket_id, held_by = None, None
    if link.escalation is not None and link.escalation.reason is TicketReason.DANGER:
        owner = session.execute(
            select(Conversation.owner).where(Conversation.id == complaint.conversation_id)
        ).scalar_one_or_none()
        held_by = owner if owner is not None and owner.startswith(AGENT_OWNER) else None
    if link.escalation is not None and held_by is None:
        ticket_id = open_or_raise_ticket(session, complaint.conversation_id, complaint.id, link.escalation, now)
        # An appeal raised again (an escalation from the appealing conversation) stays an appeal,
        # which only a supervisor takes from the case's agent (``bot.storage.tickets``).
        session.execute(
            update(HandoffTicket)
            .where(HandoffTicket.id == ticket_id, HandoffTicket.reason != TicketReason.APPEAL)
            .values(reason=link.escalation.reason)
        )
    detail: dict[str, Any] = {
        "case_number": complaint.case_number,
        "conversation_id": conversation.id,
        "channel": conversation.channel,
        "text": link.description,
    }
    if link.writer is CaseWriter.PHONE_CHECKED:
        detail["phone_checked"] = True
    if link.escalation is not None and link.escalation.reason is not TicketReason.APPEAL:
        detail["reason"] = link.escalation.reason.value  # danger told with the case: an emergency on it
    row = {
        "conversation_id": complaint.conversation_id,
        "complaint_id": complaint.id,
        "kind": TimelineKind.APPEAL_RECEIVED
        if link.escalation is not None
        else TimelineKind.WITHDRAWN_AFTER_HANDOFF
        if link.withdrawn
        else TimelineKind.MESSAGE_AFTER_HANDOFF,
        "actor": "customer",
        "detail": detail,
        "created_at": now,
    }
    return LinkedAppeal(complaint.id, complaint.conversation_id, ticket_id, row, held_by)


def note_unverified_mention(
    session: Session, conversation: LoadedConversation, mention: UnverifiedMention, now: dt.datetime
) -> dict[str, Any] | None:
    """The timeline row telling a case's staff that someone not confirmed as its customer named it
    (their words, and where they wrote from); the case itself is left as it was. None when no case
    has that number."""
    found = session.execute(
        select(Complaint.id, Complaint.conversation_id).where(Complaint.case_number == mention.case_number)
    ).one_or_none()
    if found is None:
        return None
    return {
        "conversation_id": found.conversation_id,
        "complaint_id": found.id,
        "kind": TimelineKind.UNVERIFIED_CASE_MENTION,
        "actor": "customer",
        "detail": {
            "case_number": mention.case_number,
            "conversation_id": conversation.id,
            "channel": conversation.channel,
            "text": mention.text,
        },
        "created_at": now,
    }


def add_case_contact(session: Session, conversation: LoadedConversation, contact: CaseContact) -> int | None:
    """A contact phone given after the case was recorded: the case's, unless it has one; the
    customer's, unless they have one (and the surname told with it, unless they have one). A
    correction replaces the case's, and the customer's when it was the number corrected. Returns the
    case's id (None when it is gone)."""
    complaint = session.execute(
        select(Complaint).where(Complaint.case_number == contact.case_number)
    ).scalar_one_or_none()
    if complaint is None:
        return None
    if contact.area and contact.area_replaces:
        complaint.area, complaint.district = contact.area, contact.district
    elif contact.area and not complaint.area:
        complaint.area = contact.area
        complaint.district = complaint.district or contact.district
    if contact.more_of_the_problem and contact.more_of_the_problem not in complaint.description.split("\n"):
        complaint.description = f"{complaint.description}\n{contact.more_of_the_problem}"
        if complaint.problem is not None:
            complaint.problem = f"{complaint.problem}\n{contact.more_of_the_problem}"
    if contact.confirmed and complaint.status == "incomplete":
        complaint.status = "open"  # the restatement said yes to after the hand-off
    if contact.more_signals and not set(contact.more_signals) <= set(complaint.signals or []):
        complaint.signals = sorted({*(complaint.signals or []), *contact.more_signals})
    others, another = complaint.other_categories or [], contact.another_category
    if another and another != complaint.category and another not in others:
        complaint.other_categories = [*others, another]
    if contact.surname and len(contact.surname) <= _SURNAME_CHARS:
        # Told after the hand-off ("我姓李 电话…"): how to address a customer known by no name.
        session.execute(
            update(Customer)
            .where(Customer.id == conversation.customer_id, Customer.surname.is_(None))
            .values(surname=contact.surname, title=contact.title)
        )
    if not contact.phone:
        return complaint.id
    if contact.alternative:
        complaint.alternative_phone, complaint.alternative_extension = contact.phone, contact.extension
        return complaint.id
    replaced = complaint.contact_phone if contact.replaces else None
    if contact.replaces or not complaint.contact_phone:
        complaint.contact_extension = contact.extension  # an extension goes with the number it was typed after
    complaint.contact_phone = contact.phone if contact.replaces else complaint.contact_phone or contact.phone
    unknown_or_wrong: ColumnElement[bool] = Customer.phone.is_(None)
    if replaced:
        unknown_or_wrong = or_(unknown_or_wrong, Customer.phone == normalise_phone(replaced))
    session.execute(
        update(Customer)
        .where(Customer.id == conversation.customer_id, unknown_or_wrong, Customer.phone_verified.is_(False))
        .values(phone=normalise_phone(contact.phone))
    )
    return complaint.id


def attach_to_waiting_ticket(session: Session, conversation_id: int, complaint_id: int) -> bool:
    """A complaint registered after the hand-off goes on the conversation's waiting ticket, when
    that has none yet. True if attached."""
    attached = session.execute(
        update(HandoffTicket)
        .where(
            HandoffTicket.conversation_id == conversation_id,
            HandoffTicket.status == "waiting",
            HandoffTicket.complaint_id.is_(None),
        )
        .values(complaint_id=complaint_id)
    )
    return rows_matched(attached) > 0


def open_or_raise_ticket(
    session: Session,
    conversation_id: int,
    complaint_id: int | None,
    request: HandoffRequest,
    now: dt.datetime,
) -> int:
    """Open a waiting ticket, or move the conversation's waiting ticket to a more urgent queue
    (with the request's reason: it waits for that now).

    A waiting appeal never leaves its queue: a request for another raises another waiting ticket
    or opens one beside it (``_ticket_to_raise``). A waiting ticket of another case of the
    conversation (another problem told after the hand-off, a case of its own) is left as it is:
    each case waits in its own queue with its own deadline.
    """
    waiting = _ticket_to_raise(
        (
            ticket
            for ticket in session.execute(
                select(HandoffTicket)
                .where(HandoffTicket.conversation_id == conversation_id, HandoffTicket.status == "waiting")
                .order_by(HandoffTicket.id)
            ).scalars()
            if complaint_id is None or ticket.complaint_id in (None, complaint_id)
        ),
        request,
    )
    if waiting is not None:
        if request.queue != waiting.queue or request.priority < waiting.priority:
            waiting.queued_at = now  # a new queue (or a higher priority) has had no time yet to claim it
            if waiting.reason != TicketReason.APPEAL:
                # "转人工", then "电梯里困了人": it waits as danger now (served first, named so).
                waiting.reason = request.reason
        waiting.priority = min(waiting.priority, request.priority)
        waiting.queue = request.queue
        waiting.complaint_id = waiting.complaint_id or complaint_id
        return waiting.id
    return (
        session.execute(
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


def _ticket_to_raise(waiting: Iterable[HandoffTicket], request: HandoffRequest) -> HandoffTicket | None:
    """Of the conversation's waiting tickets (an appeal may wait beside a transfer's), the one
    ``request`` raises: an appeal only within its own queue; for an appeal the appeal first; then
    one already in the requested queue; then the oldest."""

    def rank(ticket: HandoffTicket) -> tuple[bool, bool, int]:
        not_the_appeal = request.reason == TicketReason.APPEAL and ticket.reason != TicketReason.APPEAL
        return (not_the_appeal, ticket.queue != request.queue, ticket.id)

    movable = [t for t in waiting if t.reason != TicketReason.APPEAL or t.queue == request.queue]
    return min(movable, key=rank, default=None)


def _timer_upsert(dialect_insert: Any) -> Any:
    statement = dialect_insert(_timers).values(
        conversation_id=bindparam("conversation_id"),
        kind=bindparam("kind"),
        token=bindparam("token"),
        due_at=bindparam("due_at"),
        status="pending",
        complaint_id=0,
    )
    return statement.on_conflict_do_update(
        index_elements=["conversation_id", "kind", "complaint_id"],
        set_={"token": statement.excluded.token, "due_at": statement.excluded.due_at, "status": "pending"},
    )


_CANCEL_TIMER = (
    update(_timers)
    .where(_timers.c.conversation_id == bindparam("timer_conversation"), _timers.c.kind == bindparam("timer_kind"))
    .values(status="cancelled")
)


def save_timers(session: Session, changes: Sequence[tuple[int, TimerChange]]) -> None:
    """Apply timer changes, as (conversation id, change) pairs in order, in two statements at most.

    Only the last change per (conversation, kind) matters: arming replaces the row, cancelling
    marks it cancelled whatever its token.
    """
    final = {(conversation_id, change.kind.value): change for conversation_id, change in changes}
    armed = [
        {"conversation_id": cid, "kind": kind, "token": change.token, "due_at": change.due_at}
        for (cid, kind), change in final.items()
        if change.due_at is not None
    ]
    cancelled = [
        {"timer_conversation": cid, "timer_kind": kind}
        for (cid, kind), change in final.items()
        if change.due_at is None
    ]
    connection = session.connection()
    if cancelled:
        connection.execute(_CANCEL_TIMER, cancelled)
    if armed and connection.dialect.name == "sqlite":
        _on_sqlite("timer_upsert", _timer_upsert).execute_many(connection, armed)
    elif armed:
        connection.execute(_for_dialect(session, "timer_upsert", _timer_upsert), armed)


def mark_timer_fired(session: Session, conversation_id: int, kind: str, token: int) -> None:
    session.execute(
        update(Timer)
        .where(
            Timer.conversation_id == conversation_id,
            Timer.kind == kind,
            Timer.token == token,
            Timer.status.in_(("pending", "requeued")),
        )
        .values(status="fired")
    )
