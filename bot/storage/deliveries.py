"""Delivery state of outbound messages, and the dead letters a manager retries."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Update,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.core.messages import ChannelName
from bot.log_redaction import without_credentials
from bot.storage.db import rows_matched
from bot.storage.models import (
    ChannelIdentity,
    Conversation,
    Customer,
    DeadLetter,
    Message,
    SmsPart,
    string_length,
    table_of,
)
from bot.storage.store import dialect_insert

_parts = table_of(SmsPart)

MAX_ERROR_CHARS = 2000
"""A dead letter keeps this much of the error."""


def mark_sent_passively(session: Session, message_ids: Sequence[int]) -> None:
    """The messages went out in a webhook's answer: ``sent``, with ``passive:<id>`` as provider id."""
    session.connection().execute(_MARK_SENT_PASSIVELY, {"ids": list(message_ids)})


def resend_lost_passive(session: Session, message_ids: Sequence[int]) -> list[int]:
    """Messages that went in a passive reply WeChat never read (it retried the push) go back to
    ``pending``, for the customer-service API; returns those that did, oldest first. Only messages
    still marked sent passively change, so a second retry finds none: sent again exactly once."""
    rows = session.execute(
        update(Message)
        .where(
            Message.id.in_(list(message_ids)),
            Message.delivery_status == "sent",
            Message.provider_message_id == literal("passive:").concat(cast(Message.id, String)),
        )
        .values(delivery_status="pending", provider_message_id=None)
        .returning(Message.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(row[0] for row in rows)


_SMS_REPORTED_FROM = {"sent": ("sent",), "delivered": ("sent",), "failed": ("sent", "delivered")}
"""The states a gateway's report moves a message from: "delivered" and "failed" are its last word
(a part of a long text failing after another part was delivered fails the message)."""


def _furthest(known: ColumnElement[Any], reported: ColumnElement[Any]) -> ColumnElement[Any]:
    """A part's status after a report: as a message's, only forward."""
    return case(
        (known.is_(None), reported),
        *(((reported == status) & known.in_(froms), reported) for status, froms in _SMS_REPORTED_FROM.items()),
        else_=known,
    )


def set_sms_status(session: Session, message_sid: str, status: str, now: dt.datetime) -> None:
    """Record the delivery status an SMS gateway reported for the part it sent as ``message_sid``:
    ``sent``, ``delivered`` or ``failed``. Its outbound message moves only forward from ``sent``
    (reports come out of order; a message of ours never goes back to be sent again, after later
    ones), whichever of its parts is reported.

    A report for an id no recorded send has (it raced the send's result) is kept on the part's
    row, and :func:`record_outcomes` applies it with the send. The part's row is written first:
    the send's transaction writes it too, so whichever of the two comes second waits for the
    first to commit, and sees what it wrote."""
    if status not in _SMS_REPORTED_FROM:
        raise ValueError(f"not a delivery report: {status!r}")
    statement = dialect_insert(session, _parts)
    message_id = session.execute(
        statement.values(provider_message_id=message_sid, status=status, reported_at=now)
        .on_conflict_do_update(
            index_elements=["provider_message_id"],
            set_={"status": _furthest(_parts.c.status, statement.excluded.status), "reported_at": now},
        )
        .returning(_parts.c.message_id)
    ).scalar_one()
    if message_id is not None:
        _apply_sms_reports(session, [(message_id, status)])


def _record_sms_parts(session: Session, parts: Mapping[int, Sequence[str]]) -> list[tuple[int, str]]:
    """Each sent message's parts by their provider ids; returns (message id, status) of the
    reports that came for them before."""
    rows: dict[str, dict[str, Any]] = {}
    for message_id, sids in parts.items():
        for number, sid in enumerate(sids, start=1):
            rows.setdefault(sid, {"provider_message_id": sid, "message_id": message_id, "part": number})
    if not rows:
        return []
    statement = dialect_insert(session, _parts)
    returned = session.execute(
        statement.values([rows[sid] for sid in sorted(rows)])
        .on_conflict_do_update(
            index_elements=["provider_message_id"],
            set_={"message_id": statement.excluded.message_id, "part": statement.excluded.part},
        )
        .returning(_parts.c.message_id, _parts.c.status)
    )
    return [(message_id, status) for message_id, status in returned if status is not None]


def _apply_sms_reports(session: Session, reports: Sequence[tuple[int, str]]) -> None:
    """Move the messages forward as reported (a message's reports in the order a gateway's come;
    "sent" moves nothing: the message is at least that)."""
    order = list(_SMS_REPORTED_FROM)
    moving = {(message_id, status) for message_id, status in reports if status != "sent"}
    for message_id, status in sorted(moving, key=lambda report: (report[0], order.index(report[1]))):
        session.execute(
            update(_messages)
            .where(
                _messages.c.id == message_id,
                _messages.c.channel == ChannelName.SMS.value,
                _messages.c.direction == "out",
                _messages.c.delivery_status.in_(_SMS_REPORTED_FROM[status]),
            )
            .values(delivery_status=status)
        )


def prune_unmatched_sms_reports(session: Session, before: dt.datetime) -> int:
    """Forget reports stored before ``before`` for ids no recorded send has (an id of no message of
    ours, or a send that never recorded its outcome); returns how many."""
    result = session.execute(delete(_parts).where(_parts.c.message_id.is_(None), _parts.c.reported_at < before))
    return rows_matched(result)


def add_dead_letter(
    session: Session,
    job: str,
    args: list[Any],
    error: str,
    tries: int,
    now: dt.datetime,
    message_id: int | None = None,
    conversation_id: int | None = None,
) -> None:
    """Keep a job that will not run again by itself for a manager to retry."""
    session.add(
        DeadLetter(
            job=job,
            args=args,
            message_id=message_id,
            conversation_id=conversation_id,
            error=without_credentials(error)[:MAX_ERROR_CHARS],
            tries=tries,
            created_at=now,
        )
    )


def recent_dead_letters(session: Session, limit: int = 500) -> list[DeadLetter]:
    """The newest dead letters first."""
    return list(session.execute(select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit)).scalars())


def claim_dead_letter(
    session: Session, letter_id: int, now: dt.datetime, deliver_job: str
) -> DeadLetter | Literal["missing", "retried"]:
    """Mark the dead letter retried (once: a second claim gets ``"retried"``); a delivery's
    message goes back to ``pending`` with its attempts reset. The letter is detached."""
    letter = session.get(DeadLetter, letter_id)
    if letter is None:
        return "missing"
    taken = rows_matched(
        session.execute(
            update(DeadLetter).where(DeadLetter.id == letter_id, DeadLetter.retried_at.is_(None)).values(retried_at=now)
        )
    )
    if not taken:
        return "retried"
    if letter.job == deliver_job and letter.message_id is not None:
        session.execute(
            update(Message)
            .where(Message.id == letter.message_id, Message.delivery_status.in_(("failed", "sending", "pending")))
            .values(delivery_status="pending", attempts=0, last_error=None)
        )
    session.expunge(letter)
    return letter


# ---------------------------------------------------------------------------- the delivery job

UNFINISHED = ("pending", "sending")


@dataclass(frozen=True, slots=True)
class Attempt:
    """A message about to be sent, as locked for the attempt (before it was marked), with where it goes."""

    id: int
    conversation_id: int
    channel: str
    sender: str
    kind: str
    text: str
    options: dict[str, Any] | None
    delivery_status: str
    attempts: int
    """Attempts started before this one."""
    possibly_duplicated: bool
    recipient: str
    identity_id: int
    phone: str | None
    """The customer's phone only when the channel vouched for it (an SMS sender's number): the
    only number a message may fall back to. A phone typed in a chat is anyone's to type (someone
    else's, even) and is the case's contact number for staff to call, never a route."""
    answered_at: dt.datetime | None
    """When the customer's latest message before this one was stored (a reply's latency)."""
    phrase_id: str | None = None
    opted_out_at: dt.datetime | None = None
    """When the recipient's identity opted out of the messages the service starts (an SMS "TD")."""

    def held_back_by_opt_out(self, confirmation: str) -> bool:
        """Not to be sent: the identity opted out, and this is not the opt-out's ``confirmation``
        (the phrase id of the one message that follows an opt-out)."""
        return self.opted_out_at is not None and self.phrase_id != confirmation


def channel_of_message(session: Session, message_id: int) -> str | None:
    return session.execute(select(Message.channel).where(Message.id == message_id)).scalar_one_or_none()


# The delivery job's statements are built once, on the tables (building them, and the ORM's
# work, were most of their cost on a quick database).
_messages = table_of(Message)
_written = _messages.alias("written")


def _unfinished_in(conversation: ColumnElement[int]) -> Select[int]:
    return (
        select(_messages.c.id)
        .where(
            _messages.c.conversation_id == conversation,
            _messages.c.direction == "out",
            _messages.c.delivery_status.in_(UNFINISHED),
        )
        .order_by(_messages.c.id)
        .limit(bindparam("limit"))
    )


_UNFINISHED = _unfinished_in(bindparam("conversation_id"))
# Built once, on the table: the ORM's UPDATE (and its session synchronisation) took 1.6 ms per
# WeChat passive reply, in the one writer's queue.
_MARK_SENT_PASSIVELY = (
    update(_messages)
    .where(_messages.c.id.in_(bindparam("ids", expanding=True)))
    .values(delivery_status="sent", provider_message_id=literal("passive:").concat(cast(_messages.c.id, String)))
)
_UNFINISHED_BESIDE = _unfinished_in(
    select(_messages.c.conversation_id).where(_messages.c.id == bindparam("message_id")).scalar_subquery()
).add_columns(_messages.c.conversation_id)


def _lock_for_attempts(*where: ColumnElement[bool]) -> Select[Any]:
    return (
        select(
            *(
                _messages.c[name]
                for name in (
                    "id",
                    "conversation_id",
                    "channel",
                    "sender",
                    "kind",
                    "text",
                    "options",
                    "delivery_status",
                    "attempts",
                    "possibly_duplicated",
                )
            ),
            ChannelIdentity.__table__.c.external_id,
            Conversation.__table__.c.identity_id,
            case((Customer.__table__.c.phone_verified, Customer.__table__.c.phone), else_=None),
            select(_written.c.created_at)
            .where(
                _written.c.conversation_id == _messages.c.conversation_id,
                _written.c.id < _messages.c.id,
                _written.c.direction == "in",
            )
            .order_by(_written.c.id.desc())
            .limit(1)
            .scalar_subquery(),
            _messages.c.phrase_id,
            ChannelIdentity.__table__.c.opted_out_at,
        )
        .join(Conversation.__table__, Conversation.__table__.c.id == _messages.c.conversation_id)
        .join(ChannelIdentity.__table__, ChannelIdentity.__table__.c.id == Conversation.__table__.c.identity_id)
        .join(Customer.__table__, Customer.__table__.c.id == Conversation.__table__.c.customer_id)
        .where(_messages.c.delivery_status.in_(UNFINISHED), *where)
        .order_by(_messages.c.id)
        .with_for_update(of=_messages)
    )


_LOCK_FOR_ATTEMPTS = _lock_for_attempts(_messages.c.id.in_(bindparam("ids", expanding=True)))
_NEXT_UNFINISHED = (
    select(
        _messages.c.id,
        func.row_number().over(partition_by=_messages.c.conversation_id, order_by=_messages.c.id).label("place"),
    )
    .where(
        _messages.c.conversation_id.in_(bindparam("conversation_ids", expanding=True)),
        _messages.c.direction == "out",
        _messages.c.delivery_status.in_(UNFINISHED),
    )
    .subquery("next_unfinished")
)
# The window is numbered in a subquery: PostgreSQL locks no row of a query with a window function.
_LOCK_NEXT_ATTEMPTS = _lock_for_attempts(
    _messages.c.id.in_(select(_NEXT_UNFINISHED.c.id).where(_NEXT_UNFINISHED.c.place <= bindparam("limit")))
)
_START_ATTEMPTS = (
    update(_messages)
    .where(_messages.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        delivery_status="sending",
        attempts=_messages.c.attempts + 1,
        attempt_started_at=bindparam("now"),
        possibly_duplicated=(
            _messages.c.possibly_duplicated | _messages.c.id.in_(bindparam("duplicated", expanding=True))
        ),
    )
)


def unfinished_ids(session: Session, conversation_id: int, limit: int) -> list[int]:
    """The conversation's outbound messages still ``pending`` or ``sending``, oldest first."""
    return list(session.execute(_UNFINISHED, {"conversation_id": conversation_id, "limit": limit}).scalars())


def unfinished_beside(session: Session, message_id: int, limit: int) -> tuple[int, list[int]] | None:
    """The conversation of a message and its unfinished outbound messages, oldest first (the
    message itself among them or not), in one statement; None when none is left to send."""
    rows = session.execute(_UNFINISHED_BESIDE, {"message_id": message_id, "limit": limit}).all()
    if not rows:
        return None
    return rows[0][1], [message_id for message_id, _ in rows]


def lock_for_attempts(session: Session, message_ids: Sequence[int]) -> list[Attempt]:
    """Those of the messages still unfinished, oldest first, their rows locked until the
    transaction ends, each with its recipient, identity, the customer's verified phone and when the
    customer's message before it was stored."""
    rows: Sequence[tuple[Any, ...]] = session.execute(_LOCK_FOR_ATTEMPTS, {"ids": list(message_ids)}).all()
    return [Attempt(*row) for row in rows]


def lock_next_attempts(session: Session, conversation_ids: Collection[int], limit: int) -> list[Attempt]:
    """Each conversation's first ``limit`` unfinished outbound messages, as :func:`lock_for_attempts`
    (what is left to send and its rows, for a job's every conversation in one statement: on
    PostgreSQL a statement's round trip costs more than its work)."""
    parameters = {"conversation_ids": list(conversation_ids), "limit": limit}
    rows: Sequence[tuple[Any, ...]] = session.execute(_LOCK_NEXT_ATTEMPTS, parameters).all()
    return [Attempt(*row) for row in rows]


def start_attempts(
    session: Session, message_ids: Sequence[int], now: dt.datetime, possibly_duplicated: Sequence[int]
) -> None:
    """Mark the locked messages ``sending`` with one more attempt started ``now`` (and those of
    ``possibly_duplicated``, whose earlier attempt's outcome is unknown and whose provider cannot
    dedupe, so)."""
    if message_ids:
        parameters = {"ids": list(message_ids), "now": now, "duplicated": list(possibly_duplicated)}
        session.execute(_START_ATTEMPTS, parameters)


def fail_attempt(session: Session, attempt: Attempt, error: str, now: dt.datetime, tries: int, job: str) -> None:
    """The locked message fails for good before an attempt: ``failed``, and a dead letter of ``job``."""
    session.execute(
        update(_messages).where(_messages.c.id == attempt.id).values(delivery_status="failed", last_error=error)
    )
    add_dead_letter(session, job, [attempt.id], error, tries, now, attempt.id, attempt.conversation_id)


def drop_opted_out(session: Session, attempt: Attempt, reason: str) -> None:
    """The locked message is not sent, for good and not as a failure: its recipient opted out.
    ``dropped``, with the reason as its ``last_error``; no dead letter, no retry."""
    session.execute(
        update(_messages).where(_messages.c.id == attempt.id).values(delivery_status="dropped", last_error=reason)
    )


def sms_opted_out(session: Session, phones: Collection[str]) -> set[str]:
    """Those of the phones whose SMS identity opted out (a WeChat message falling back to SMS)."""
    if not phones:
        return set()
    identities = table_of(ChannelIdentity)
    statement = select(identities.c.external_id).where(
        identities.c.channel == ChannelName.SMS.value,
        identities.c.external_id.in_(list(phones)),
        identities.c.opted_out_at.is_not(None),
    )
    return set(session.execute(statement).scalars())


def back_to_pending(session: Session, message_id: int, error: str) -> None:
    """A ``sending`` message whose attempt failed for now goes back to ``pending``."""
    session.execute(
        update(Message)
        .where(Message.id == message_id, Message.delivery_status == "sending")
        .values(delivery_status="pending", last_error=error)
    )


def record_outcomes(
    session: Session, outcomes: Sequence[dict[str, Any]], sms_parts: Mapping[int, Sequence[str]] | None = None
) -> list[int]:
    """Write attempts' outcomes: each an ``id`` with its ``delivery_status`` and what goes with it
    (one statement for all those that set the same columns), and ``sms_parts``, every part's
    provider id of the SMS messages sent (by message id). A gateway's report that came for a part
    before this is applied now. Returns the messages whose provider id another message held
    (kept as ``<provider id>#<message id>``: see :func:`_own_provider_ids`).

    The parts' rows are written before the messages, in the order a report writes them (its
    part's row, then its message's): one may wait for the other, never both for each other."""
    early = _record_sms_parts(session, sms_parts) if sms_parts else []
    outcomes, taken = _own_provider_ids(session, outcomes)
    alike: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for outcome in outcomes:
        columns = tuple(sorted(key for key in outcome if key != "id"))
        alike.setdefault(columns, []).append({f"b_{key}": value for key, value in outcome.items()})
    for columns, rows in alike.items():
        session.connection().execute(_outcomes_update(columns), rows)
    if early:
        _apply_sms_reports(session, early)
    return taken


PROVIDER_ID_TAKEN = "#"
"""Between a provider's id and the message's own id, when another message already holds that id."""
_PROVIDER_ID_CHARS = string_length(Message, "provider_message_id")
_holder = _messages.alias("holder")
_PROVIDER_IDS_HELD = (
    select(_messages.c.id, _messages.c.channel, _holder.c.provider_message_id)
    .join(
        _holder,
        (_holder.c.channel == _messages.c.channel)
        & (_holder.c.direction == "out")
        & _holder.c.provider_message_id.in_(bindparam("provider_ids", expanding=True))
        & (_holder.c.id != _messages.c.id),
        isouter=True,
    )
    .where(_messages.c.id.in_(bindparam("ids", expanding=True)))
)


def _own_provider_ids(
    session: Session, outcomes: Sequence[dict[str, Any]]
) -> tuple[Sequence[dict[str, Any]], list[int]]:
    """The outcomes, with each provider id that another outbound message of the channel already
    holds (or an earlier one of these outcomes) written as ``<provider id>#<message id>``; and the
    ids of those messages.

    A provider's id is unique only as far as the provider makes it (a WeChat answer without its
    ``msgid``; ids some gateway reuses): the message was accepted all the same. The uniqueness of
    (channel, direction, provider id) is there to store what providers push in once; it must not
    fail the transaction that records a send (its job would be dead-lettered, and the message,
    left ``sending``, sent again by the reconcile cron)."""
    wanted = {row["id"]: row["provider_message_id"] for row in outcomes if row.get("provider_message_id")}
    if not wanted:
        return outcomes, []
    parameters = {"ids": sorted(wanted), "provider_ids": sorted(set(wanted.values()))}
    held: set[int] = set()
    channels: dict[int, str] = {}
    for message_id, channel, holders_id in session.execute(_PROVIDER_IDS_HELD, parameters):
        channels[message_id] = channel
        if holders_id is not None and holders_id == wanted[message_id]:
            held.add(message_id)
    earlier: set[tuple[str, str]] = set()
    for message_id in sorted(wanted):
        key = (channels.get(message_id, ""), wanted[message_id])
        if key in earlier:
            held.add(message_id)
        earlier.add(key)
    if not held:
        return outcomes, []
    own = [
        {**row, "provider_message_id": _qualified(row["provider_message_id"], row["id"])} if row["id"] in held else row
        for row in outcomes
    ]
    return own, sorted(held)


def _qualified(provider_id: str, message_id: int) -> str:
    """``<provider id>#<message id>``, the provider's id cut to fit the column."""
    suffix = f"{PROVIDER_ID_TAKEN}{message_id}"
    return provider_id[: _PROVIDER_ID_CHARS - len(suffix)] + suffix


@functools.lru_cache(maxsize=32)
def _outcomes_update(columns: tuple[str, ...]) -> Update:
    """Built once per set of columns (a handful of kinds of outcome) rather than per batch."""
    return (
        update(_messages)
        .where(_messages.c.id == bindparam("b_id"))
        .values({column: bindparam(f"b_{column}") for column in columns})
    )


def release_unsent(session: Session, message_ids: Sequence[int]) -> None:
    """Messages marked ``sending`` but not attempted after all go back to ``pending``, the
    attempt they were counted for taken back."""
    if message_ids:
        session.execute(
            update(Message)
            .where(Message.id.in_(message_ids), Message.delivery_status == "sending")
            .values(delivery_status="pending", attempts=Message.attempts - 1)
        )


def lost_deliveries(
    session: Session, pending_before: dt.datetime, stuck_before: dt.datetime
) -> list[tuple[int, int, str | None, int]]:
    """Provider messages ``pending`` since before ``pending_before`` or ``sending`` since before
    ``stuck_before``: (id, conversation id, status, attempts)."""
    rows = session.execute(
        # Only outbound messages have a delivery status: the unfinished ones are found through its
        # index (a direction filter would let SQLite pick the direction index, all outbound rows).
        select(Message.id, Message.conversation_id, Message.delivery_status, Message.attempts).where(
            Message.delivery_status.in_(("pending", "sending")),
            Message.channel != ChannelName.WEBCHAT,
            ((Message.delivery_status == "pending") & (Message.created_at <= pending_before))
            | ((Message.delivery_status == "sending") & (Message.attempt_started_at <= stuck_before)),
        )
    )
    return [(message_id, conversation_id, status, attempts) for message_id, conversation_id, status, attempts in rows]


def fail_if_sending(session: Session, message_id: int, error: str) -> bool:
    """A message still ``sending`` becomes ``failed``; False when it is no longer ``sending``."""
    return bool(
        rows_matched(
            session.execute(
                update(Message)
                .where(Message.id == message_id, Message.delivery_status == "sending")
                .values(delivery_status="failed", last_error=error)
            )
        )
    )
