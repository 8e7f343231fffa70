"""Provider deliveries that lose nothing: attempt markers before the calls, outcomes after.

Before a provider is called, the message is committed as ``sending`` with its attempt counted
(a conversation's pending messages are marked together, sent in order, and their outcomes
recorded together: two transactions for the batch, shared by every conversation of the job).
A run that finds ``sending`` knows an earlier attempt never recorded its outcome (its worker
died, the job timed out, or the outcome's transaction failed). When the provider had accepted
the message, the attempt noted it in Redis (``workers/delivery_lock.py``) before recording it:
the run records it as sent from that note, without sending it again. Without a note, through
a provider that dedupes by the outbound id (the SMS gateway) it simply resends with the same
key; through one that cannot, it resends too and flags the message ``possibly_duplicated``
with a timeline row — a customer may rarely read a message twice, never miss one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import structlog
from arq import Retry
from arq.jobs import Job, JobStatus
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from bot import json_text
from bot.channels.base import ChannelAdapter, DeliveryError, SendsInParts, SendsInPieces, render_text
from bot.channels.wechat.adapter import WechatAdapter
from bot.config import PhraseId
from bot.core import redis_keys
from bot.core.messages import PHOTO_TEXT, ChannelName, OutboundMessage, Photo, Sender, options_from_json
from bot.core.phones import normalise_phone
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.timeline import TimelineKind
from bot.log_redaction import without_credentials
from bot.media.files import MediaStoreError
from bot.media.images import EXTENSIONS
from bot.observability.metrics import DeliveryOutcome
from bot.outbound.effects import Effects
from bot.outbound.gateway import DELIVER_JOB
from bot.resources import resources
from bot.storage import deliveries
from bot.storage.conversations import add_timeline_event
from bot.storage.deliveries import Attempt
from bot.storage.media import photos_to_send
from bot.storage.windows import window_usage
from workers.delivery_lock import DeliveryLocks, Taken, note_accepted
from workers.routes import Route, choose_route

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]
T = TypeVar("T")
MAX_DELIVERY_TRIES = 8
OPT_OUT_CONFIRMATION = PhraseId.SMS_OPTED_OUT.value
"""The one message sent after an identity opted out: the confirmation of it."""
BATCH = 10
"""Messages of a conversation marked, sent and recorded together: a worker killed mid-batch
leaves at most this many ``sending`` (resent; flagged where the provider cannot dedupe)."""
MAX_BACKOFF_SECONDS = 300.0
RECONCILE_PENDING_AFTER = dt.timedelta(seconds=30)
STRAGGLERS_AFTER = 1.0
"""Seconds a job's conversations wait for each other's sends before the outcomes of those done
are recorded together (the rest are recorded as each finishes)."""


def job_timeout(ctx: Ctx) -> float:
    return resources(ctx).settings.job_timeout


def backoff(ctx: Ctx, job_try: int) -> float:
    """Seconds before the next try: the configured first wait, doubling each try, capped."""
    first = resources(ctx).settings.retry_backoff
    return float(min(first * 2 ** (job_try - 1), MAX_BACKOFF_SECONDS))


@dataclass(slots=True)
class _Conversation:
    """One conversation of a job: where its sending starts, and what it has come to."""

    id: int
    message_id: int
    """The job's message of this conversation (what the lock's answers are about)."""
    pending: list[int] | None
    """The ids of its next batch; None: the batch's marker transaction finds them."""
    unless_sent: bool
    """The sent set answers for a conversation the job has read nothing of yet, on the job's
    first try (a retried job may owe messages other jobs left to it)."""
    outcomes: list[str] = field(default_factory=list)
    finished: set[int] = field(default_factory=set)
    sent: set[int] = field(default_factory=set)
    """Recorded as sent during the current holding of the lock."""
    taken: Taken = Taken.TAKEN
    accepted: dict[int, str] = field(default_factory=dict)
    """Notes of its messages a provider accepted whose outcome no run recorded (as the lock was taken)."""
    retry: DeliveryError | None = None
    error: Exception | None = None
    """What failed in this conversation's own transaction (the others' went on without it)."""

    @property
    def summary(self) -> str:
        if self.taken is Taken.SENT:
            return "sent already"
        if self.taken is Taken.LEFT:
            return "; ".join(self.outcomes) or "left to the delivery in progress"
        return "; ".join(self.outcomes) or "nothing pending"


async def deliver_message(ctx: Ctx, message_id: int, conversation_id: int | None = None) -> str:
    """Deliver a conversation's unfinished provider messages, oldest first, up to and past this one.

    Jobs run concurrently, but a customer must read replies in order: one job at a time holds
    the conversation's delivery lock and sends every unfinished message in id order, ``BATCH``
    at a time; a job that finds the lock taken leaves its message to the holder, which looks
    again before it ends, and a job whose message another job's batch sent lately ends at once.
    A transient failure stops the run (and retries the job) so nothing overtakes that message.
    The lock lives as long as a job may run, so it outlives a killed worker by at most that.

    ``conversation_id`` is the message's (as enqueued by the gateway): the lock is asked for
    before the database is read, and what is left to send is read with the first batch's rows.
    Without it (a job enqueued by id alone) the conversation is read first.
    """
    pending: list[int] | None = None
    if conversation_id is None:
        database = resources(ctx).database
        found = await database.write(lambda session: deliveries.unfinished_beside(session, message_id, BATCH))
        if found is None:
            return "nothing pending"
        conversation_id, pending = found
        first_try = False  # it has read the database: it goes by what it read
    else:
        first_try = int(ctx.get("job_try", 1)) == 1
    structlog.contextvars.bind_contextvars(conversation_id=conversation_id)  # this job's task only
    (conversation,) = await _deliver(ctx, [_Conversation(conversation_id, message_id, pending, first_try)])
    return conversation.summary


async def deliver_messages(ctx: Ctx, firsts: Sequence[Sequence[int]]) -> str:
    """The gateway's job for several conversations of one commit, each a (first message id,
    conversation id) pair: each is delivered as by :func:`deliver_message`, all side by side
    under one holding of their locks, with one marker and one outcome transaction per batch
    for all of them. A transient failure in one conversation stops that one only; the job is
    then retried, and the others have nothing left to send."""
    first_try = int(ctx.get("job_try", 1)) == 1
    conversations = [
        _Conversation(conversation_id, message_id, None, first_try) for message_id, conversation_id in firsts
    ]
    done = await _deliver(ctx, conversations)
    return " | ".join(f"{conversation.id}: {conversation.summary}" for conversation in done)


async def _deliver(ctx: Ctx, conversations: list[_Conversation]) -> list[_Conversation]:
    """Hold the conversations' locks and send their unfinished messages; raises ``Retry`` when
    one failed transiently, and a conversation's own failure once the others are done."""
    locks = DeliveryLocks(resources(ctx).redis, int(job_timeout(ctx) * 1000))
    asking = conversations
    while asking:
        answers = await locks.take([(c.id, c.message_id, c.unless_sent) for c in asking])
        held = []
        for conversation, (taken, accepted) in zip(asking, answers, strict=True):
            conversation.taken = taken
            if taken is Taken.TAKEN:
                conversation.unless_sent, conversation.sent = False, set()
                conversation.accepted = accepted
                held.append(conversation)
        try:
            running = held
            while running:
                await _deliver_batches(ctx, running)
                running = [c for c in running if c.pending and c.retry is None and c.error is None]
        finally:
            lefts = await locks.release([(c.id, c.sent) for c in held])
        asking = []
        for conversation, left in zip(held, lefts, strict=True):
            if conversation.retry is None and conversation.error is None and left - conversation.finished:
                conversation.pending = None
                asking.append(conversation)
    retrying = [c for c in conversations if c.retry is not None]
    if retrying:
        raise Retry(defer=backoff(ctx, int(ctx.get("job_try", 1)))) from retrying[0].retry
    failed = [c.error for c in conversations if c.error is not None]
    if failed:
        raise failed[0]
    return conversations


@dataclass(slots=True)
class _Planned:
    """A message marked ``sending``, and how it goes."""

    attempt: Attempt
    adapter: ChannelAdapter
    route: Route
    photos: list[tuple[str, str]]
    possibly_duplicated: bool
    """As marked: resent after an attempt whose outcome is unknown, through a provider that cannot dedupe."""
    accepted: Accepted | None = None
    """How an earlier attempt the provider accepted went: recorded as sent, not sent again."""
    resume_after: list[str] = field(default_factory=list)
    """The pieces of a long message an earlier attempt by the same route sent before it failed
    for now: this attempt sends only the rest."""

    @property
    def interrupted(self) -> bool:
        return self.attempt.delivery_status == "sending"


@dataclass(frozen=True, slots=True)
class Accepted:
    """What a provider answered for a message it accepted, noted before the outcome is recorded."""

    route: Route
    provider_id: str
    parts: list[str]

    def note(self) -> str:
        return json_text.dumps({"route": self.route.value, "id": self.provider_id, "parts": self.parts})

    @classmethod
    def read(cls, note: str) -> Accepted | None:
        """The note as written by :meth:`note`; None for one this code cannot read (sent again)."""
        try:
            fields = json_text.loads(note)
            return cls(Route(fields["route"]), str(fields["id"]), [str(part) for part in fields["parts"]])
        except (ValueError, TypeError, KeyError):
            return None


@dataclass(frozen=True, slots=True)
class Partial:
    """The pieces of a long message a provider accepted before a later piece failed for now,
    noted (beside :class:`Accepted` notes) so that the retry resumes after them."""

    route: Route
    pieces: list[str]

    def note(self) -> str:
        return json_text.dumps({"route": self.route.value, "pieces": self.pieces})

    @classmethod
    def read(cls, note: str) -> Partial | None:
        """The note as written by :meth:`note`; None for any other (every piece sent again)."""
        try:
            fields = json_text.loads(note)
            return cls(Route(fields["route"]), [str(piece) for piece in fields["pieces"]])
        except (ValueError, TypeError, KeyError):
            return None


@dataclass(slots=True)
class _Outcome:
    planned: _Planned
    status: str
    provider_id: str | None = None
    route: Route = Route.DIRECT
    error: str | None = None
    parts: list[str] = field(default_factory=list)
    """Every part's provider id, when the channel cut the message into parts (SMS)."""


async def _together(
    ctx: Ctx, conversations: list[_Conversation], work: Callable[[Session, list[_Conversation]], list[T]]
) -> list[tuple[_Conversation, T]]:
    """``work`` for all the conversations in one transaction (its statements each serving all of
    them), an answer for each; if that fails, each in its own, so one conversation's failure is its
    own (kept in its ``error``; it is left out of the answer)."""
    database = resources(ctx).database
    try:
        results = await database.write(lambda session: work(session, conversations))
        return list(zip(conversations, results, strict=True))
    except Exception as error:
        if len(conversations) == 1:
            conversations[0].error = error
            log.exception("deliver.transaction_failed", conversation_id=conversations[0].id)
            return []
    log.warning("deliver.batch_failed", conversations=len(conversations), exc_info=True)
    alone = []
    for conversation in conversations:
        alone.extend(await _together(ctx, [conversation], work))
    return alone


async def _deliver_batches(ctx: Ctx, conversations: list[_Conversation]) -> None:
    """Send the next batch of each conversation: the unfinished ones of its ``pending`` (None: its
    first ``BATCH`` unfinished), their attempt markers in one transaction for all before any
    provider call, their outcomes in one after the last. The conversations' sends run side by
    side, each one's in order. Each conversation's ``pending`` becomes its next unfinished
    messages (none after a transient failure, kept in its ``retry``: that message and the ones
    after it go back to ``pending``, the ones after it without an attempt counted); its
    ``finished`` gains the messages whose outcome is recorded, and ``sent`` those sent.

    A channel with no adapter marks the message failed with the reason, never silently drops it."""
    res = resources(ctx)
    now, job_try = res.clock(), int(ctx.get("job_try", 1))
    marked = await _together(ctx, conversations, lambda session, batch: _mark(ctx, session, batch, now, job_try))
    to_send: list[tuple[_Conversation, list[_Planned]]] = []
    more: dict[int, bool] = {}
    opted_out: list[int] = []
    for conversation, (planned, unroutable, held) in marked:
        if conversation.pending is None and not planned and not unroutable and not held:
            conversation.pending = []
            continue
        conversation.finished.update(failed.id for failed in unroutable)
        for failed in unroutable:
            _count(ctx, failed.channel, DeliveryOutcome.FAILED, dead_letter=True)
            log.error("deliver.no_adapter", message_id=failed.id, channel=failed.channel)
            conversation.outcomes.append("failed: no adapter for this channel")
        conversation.finished.update(dropped.id for dropped in held)
        for dropped in held:
            log.info("deliver.opted_out", message_id=dropped.id, channel=dropped.channel, sender=dropped.sender)
            conversation.outcomes.append("not sent: the customer opted out")
        if held:
            opted_out.append(conversation.id)
        # A batch short of BATCH held every message unfinished when it was marked: one stored
        # since has its own job, or is among those left to this one (the lock's release says).
        more[conversation.id] = len(planned) + len(unroutable) + len(held) >= BATCH
        to_send.append((conversation, planned))
    if opted_out:  # the consoles show the "not sent" timeline rows
        events = [StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=tuple(opted_out))]
        await resources(ctx).gateway.commit(Effects(staff_events=events))
    # The markers are committed: from here on a crash leaves "sending" for the next run to see.
    sending = {
        asyncio.create_task(_send_batch(ctx, planned, job_try)): (conversation, planned)
        for conversation, planned in to_send
    }
    try:
        # The outcomes of the sends done within STRAGGLERS_AFTER are recorded together; a slow
        # provider's are recorded as they come, so they hold no other conversation "sending".
        waiting = set(sending)
        grace: float | None = STRAGGLERS_AFTER
        while waiting:
            done, waiting = await asyncio.wait(
                waiting, timeout=grace, return_when=asyncio.ALL_COMPLETED if grace else asyncio.FIRST_COMPLETED
            )
            grace = None
            if done:  # none when every send outlasted the grace
                await _record_batches(ctx, [(*sending[task], *task.result()) for task in done], more, now, job_try)
    finally:
        for task in sending:
            task.cancel()


async def _record_batches(
    ctx: Ctx,
    sent: list[tuple[_Conversation, list[_Planned], list[_Outcome], DeliveryError | None]],
    more: dict[int, bool],
    now: dt.datetime,
    job_try: int,
) -> None:
    """The outcomes of conversations' batches in one transaction, and what follows from them."""
    results = {conversation.id: (planned, done, retry) for conversation, planned, done, retry in sent}

    def record(session: Session, batch: list[_Conversation]) -> list[tuple[list[int], bool]]:
        outcomes = []
        for conversation in batch:
            planned, done, retry = results[conversation.id]
            outcomes.append(_Outcomes(conversation.id, done, planned[len(done) :], retry, more[conversation.id]))
        return _record(session, outcomes, now, job_try)

    await _note_accepted(ctx, sent)
    for conversation, *_ in sent:
        conversation.pending = []  # unless its outcomes' transaction reads more
    recorded = await _together(ctx, [conversation for conversation, *_ in sent], record)
    for conversation, *_ in sent:
        if conversation.error is not None:
            # Its sends are done but not recorded: the job is retried, and the retry records the
            # ones the provider accepted from their notes (never dead-lettered at once, nor resent).
            error, conversation.error = conversation.error, None
            conversation.retry = DeliveryError(f"recording the outcomes failed: {error!r}", permanent=False)
    events = []
    for conversation, (following, timeline) in recorded:
        planned, done, retry = results[conversation.id]
        conversation.pending = following
        _account(ctx, conversation, done)
        if timeline:
            events.append(StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(conversation.id,)))
        if retry is not None:
            message = planned[len(done)].attempt
            _count(ctx, message.channel, DeliveryOutcome.RETRIED)
            log.warning(
                "deliver.retry",
                conversation_id=conversation.id,
                message_id=message.id,
                error=str(retry),
                attempt=job_try,
            )
            conversation.retry = retry
    if events:
        await resources(ctx).gateway.commit(Effects(staff_events=events))


async def _send_batch(ctx: Ctx, planned: list[_Planned], job_try: int) -> tuple[list[_Outcome], DeliveryError | None]:
    """Send a conversation's marked messages in order; stops at a transient failure (unless the
    tries are spent), which it returns. A channel with no adapter was failed when marked. One an
    earlier attempt's note says the provider accepted (planned first) is not sent again."""
    done: list[_Outcome] = []
    for plan in planned:
        message = plan.attempt
        if plan.accepted is not None:
            log.warning("deliver.accepted_before", message_id=message.id, attempts=message.attempts)
            accepted = plan.accepted
            done.append(_Outcome(plan, "sent", accepted.provider_id, accepted.route, parts=accepted.parts))
            continue
        if plan.interrupted:
            log.warning("deliver.interrupted_attempt", message_id=message.id, attempts=message.attempts + 1)
        try:
            route, provider_id, parts = await _send_planned(ctx, plan)
        except DeliveryError as error:
            if not error.permanent and job_try < MAX_DELIVERY_TRIES:
                return done, error
            done.append(_Outcome(plan, "failed", route=plan.route, error=str(error)))
            log.error("deliver.failed", message_id=message.id, error=str(error), permanent=error.permanent)
        except Exception as error:
            # An adapter bug or an answer it cannot read: retrying cannot help, and a message left
            # "sending" would hold back every later reply of the conversation.
            reason = without_credentials(f"unexpected error: {type(error).__name__}: {error}")
            done.append(_Outcome(plan, "failed", route=plan.route, error=reason))
            log.exception("deliver.unexpected_error", message_id=message.id)
        else:
            done.append(_Outcome(plan, "sent", provider_id, route, parts=parts))
    return done, None


async def _note_accepted(
    ctx: Ctx, sent: list[tuple[_Conversation, list[_Planned], list[_Outcome], DeliveryError | None]]
) -> None:
    """Note the messages the providers accepted in this send (see :func:`note_accepted`) before
    their outcomes are recorded, and the pieces of a message sent before it failed for now (the
    retry resumes after them); Redis failing costs only the notes (a run that finds an outcome
    unrecorded then sends the message again, as without one)."""
    notes = {
        conversation.id: {
            outcome.planned.attempt.id: Accepted(outcome.route, outcome.provider_id, outcome.parts).note()
            for outcome in done
            if outcome.status == "sent" and outcome.provider_id is not None and outcome.planned.accepted is None
        }
        for conversation, _, done, _ in sent
    }
    for conversation, planned, done, retry in sent:
        if retry is not None and retry.sent_pieces:
            failed = planned[len(done)]
            notes[conversation.id][failed.attempt.id] = Partial(failed.route, list(retry.sent_pieces)).note()
    notes = {conversation_id: accepted for conversation_id, accepted in notes.items() if accepted}
    if not notes:
        return
    try:
        await note_accepted(resources(ctx).redis, notes)
    except (RedisError, OSError):
        log.warning("deliver.acceptance_not_noted", conversations=sorted(notes), exc_info=True)


def _account(ctx: Ctx, conversation: _Conversation, done: list[_Outcome]) -> None:
    """The recorded outcomes, in the conversation's account and the metrics."""
    res = resources(ctx)
    conversation.finished.update(outcome.planned.attempt.id for outcome in done)
    conversation.sent.update(outcome.planned.attempt.id for outcome in done if outcome.status == "sent")
    for outcome in done:
        message = outcome.planned.attempt
        if outcome.status == "sent":
            _count(ctx, message.channel, DeliveryOutcome.SENT)
            answered_at = message.answered_at if message.sender == Sender.BOT else None
            res.metrics.reply_sent(message.channel, answered_at, res.clock())
            route = outcome.route
            conversation.outcomes.append("sent" if route is Route.DIRECT else f"sent by {route.value}")
        else:
            _count(ctx, message.channel, DeliveryOutcome.FAILED, dead_letter=True)
            conversation.outcomes.append(f"failed: {outcome.error}")


def _mark(
    ctx: Ctx, session: Session, conversations: list[_Conversation], now: dt.datetime, job_try: int
) -> list[tuple[list[_Planned], list[Attempt], list[Attempt]]]:
    """The attempt markers of the conversations' next batches (the unfinished ones of each
    ``pending``; None: its first ``BATCH`` unfinished), in one transaction, a statement serving
    them all where it can: for each, the planned sends, the messages failed for want of an
    adapter, and those not sent because the recipient opted out (see :func:`_plan`)."""
    attempts: dict[int, list[Attempt]] = {conversation.id: [] for conversation in conversations}
    fresh = [conversation.id for conversation in conversations if conversation.pending is None]
    asked = [message_id for conversation in conversations for message_id in conversation.pending or ()]
    found = deliveries.lock_next_attempts(session, fresh, BATCH) if fresh else []
    found += deliveries.lock_for_attempts(session, asked) if asked else []
    for attempt in sorted(found, key=lambda attempt: attempt.id):
        attempts[attempt.conversation_id].append(attempt)
    marked = [_plan(ctx, session, attempts[c.id], now, job_try, c.accepted) for c in conversations]
    starting = [plan for planned, _, _ in marked for plan in planned if plan.accepted is None]
    deliveries.start_attempts(
        session,
        [plan.attempt.id for plan in starting],
        now,
        [plan.attempt.id for plan in starting if plan.possibly_duplicated and not plan.attempt.possibly_duplicated],
    )
    return marked


def _plan(
    ctx: Ctx, session: Session, attempts: list[Attempt], now: dt.datetime, job_try: int, accepted: dict[int, str]
) -> tuple[list[_Planned], list[Attempt], list[Attempt]]:
    """How a conversation's locked messages go: the planned sends, the messages failed for want
    of an adapter, and those not sent because the recipient opted out (回复TD退订; ``dropped``,
    with a timeline row: never a failure, never retried). A message ``accepted`` notes as
    accepted by its provider is planned first, to be recorded as sent without an attempt."""
    res = resources(ctx)
    adapters, planned, unroutable, held = res.adapters, list[_Planned](), list[Attempt](), list[Attempt]()
    settled: list[_Planned] = []
    usage: tuple[dt.datetime | None, int] | None = None
    for attempt in attempts:
        message = attempt
        note = Accepted.read(accepted[attempt.id]) if attempt.id in accepted else None
        partial = Partial.read(accepted[attempt.id]) if attempt.id in accepted and note is None else None
        settling = adapters.get(message.channel)
        if note is not None and settling is not None:
            settled.append(_Planned(attempt, settling, note.route, [], attempt.possibly_duplicated, note))
            continue
        if attempt.held_back_by_opt_out(OPT_OUT_CONFIRMATION):
            _hold_back(session, attempt, "the customer opted out of messages on this channel", now)
            held.append(attempt)
            continue
        adapter = adapters.get(message.channel)
        if adapter is None:
            error = f"no adapter for the channel {message.channel!r} (is it configured on the workers?)"
            deliveries.fail_attempt(session, attempt, error, now, job_try, DELIVER_JOB)
            unroutable.append(attempt)
            continue
        route = Route.DIRECT
        if message.channel == ChannelName.WECHAT:
            # Read once per batch; each message planned before this one counts as sent by now.
            last_in, sent = usage if usage is not None else window_usage(session, attempt.identity_id)
            route = choose_route(
                message.channel,
                now,
                last_in,
                sent,
                res.config.channels.wechat,
                phone_known=bool(attempt.phone),
                sms_available=ChannelName.SMS in adapters,
            )
            usage = (last_in, sent + (route is not Route.NONE))
            if route is Route.SMS and attempt.phone and _sms_opted_out(session, attempt.phone):
                _hold_back(session, attempt, "outside the WeChat window; the phone opted out of SMS", now)
                held.append(attempt)
                continue
        interrupted = message.delivery_status == "sending"
        duplicate = interrupted and not _sender(adapters, route, adapter).accepts_idempotency_key
        photos = photos_to_send(session, message.id) if message.kind == "image" else []
        resume_after = partial.pieces if partial is not None and partial.route is route else []
        planned.append(
            _Planned(attempt, adapter, route, photos, duplicate or attempt.possibly_duplicated, None, resume_after)
        )
    return settled + planned, unroutable, held


def _hold_back(session: Session, attempt: Attempt, why: str, now: dt.datetime) -> None:
    """The message is not sent: the recipient opted out. Staff see it on the timeline."""
    deliveries.drop_opted_out(session, attempt, why)
    detail = {"message_id": attempt.id, "from": attempt.sender, "why": why}
    add_timeline_event(session, attempt.conversation_id, TimelineKind.NOT_SENT_OPTED_OUT, "worker", detail, now)


def _sms_opted_out(session: Session, phone: str) -> bool:
    """Whether the phone a WeChat message would fall back to opted out of SMS (as its SMS
    identity is known: the sender's number as the gateway gave it, "+8613800138000")."""
    national = normalise_phone(phone)
    candidates = {phone, national, "+86" + national if not national.startswith("+") else national}
    return bool(deliveries.sms_opted_out(session, candidates))


async def _send_planned(ctx: Ctx, plan: _Planned) -> tuple[Route, str, list[str]]:
    adapters, message = resources(ctx).adapters, plan.attempt
    options, options_text = options_from_json(message.options)
    outbound = OutboundMessage(text=message.text, options=options, options_text=options_text)
    if plan.photos:
        sender = _sender(adapters, plan.route, plan.adapter)
        outbound = await _with_photo(ctx, outbound, plan.photos, sender, plan.route)
    if plan.resume_after and plan.route is Route.DIRECT and isinstance(plan.adapter, SendsInPieces):
        log.info("deliver.resumed", message_id=message.id, pieces_sent_before=len(plan.resume_after))
        provider_id = await plan.adapter.send_rest(message.recipient, outbound, message.id, plan.resume_after)
        return plan.route, provider_id, []
    return await _send(ctx, adapters, plan.route, plan.adapter, message.recipient, message.phone, outbound, message.id)


async def _with_photo(
    ctx: Ctx, message: OutboundMessage, photos: list[tuple[str, str]], sender: ChannelAdapter, route: Route
) -> OutboundMessage:
    """The message with its (first) photo's bytes from the media store, and its caption as text (issue 15)."""
    if route is not Route.DIRECT or not getattr(sender, "sends_photos", False):
        raise DeliveryError("a photo cannot be sent this way (the channel or its fallback carries text only)", True)
    media_id, content_type = photos[0]
    try:
        data = await resources(ctx).media.get(media_id)
    except MediaStoreError as error:
        raise DeliveryError(f"the media store failed: {error}", permanent=False) from error
    if data is None:
        raise DeliveryError(f"the photo {media_id} is missing from the media store", permanent=True)
    filename = f"photo-{media_id}.{EXTENSIONS.get(content_type, 'jpg')}"
    caption = "" if message.text == PHOTO_TEXT else message.text
    return replace(message, text=caption, photo=Photo(data, content_type, filename))


def _count(ctx: Ctx, channel: str, outcome: str, *, dead_letter: bool = False) -> None:
    metrics = resources(ctx).metrics
    metrics.deliveries.labels(channel=channel, outcome=outcome).inc()
    if dead_letter:
        metrics.dead_letters.labels(job=DELIVER_JOB).inc()


def _sender(adapters: dict[str, ChannelAdapter], route: Route, adapter: ChannelAdapter) -> ChannelAdapter:
    """The adapter a route sends through."""
    if route is Route.SMS and ChannelName.SMS in adapters:
        return adapters[ChannelName.SMS]
    return adapter


async def _send(
    ctx: Ctx,
    adapters: dict[str, ChannelAdapter],
    route: Route,
    adapter: ChannelAdapter,
    recipient: str,
    phone: str | None,
    message: OutboundMessage,
    message_id: int,
) -> tuple[Route, str, list[str]]:
    """Send by ``route``; a template the provider refuses for good falls back to SMS when the
    customer's verified phone is known (``Attempt.phone``). Returns the route taken, the
    provider's message id and, sent directly by a channel that cuts messages into parts (SMS),
    every part's id."""
    if route is Route.DIRECT:
        if isinstance(adapter, SendsInParts):
            parts = await adapter.send_parts(recipient, message, message_id)
            return route, parts[0], parts
        return route, await adapter.send(recipient, message, message_id), []
    if route is Route.TEMPLATE:
        window = resources(ctx).config.channels.wechat
        assert isinstance(adapter, WechatAdapter) and window.template_id
        try:
            sent = await adapter.send_template(
                recipient, window.template_id, window.template_field, render_text(message)
            )
            return route, sent, []
        except DeliveryError as error:
            if not error.permanent or not phone or ChannelName.SMS not in adapters:
                raise
            log.warning("deliver.template_refused", message_id=message_id, error=str(error))
            route = Route.SMS
    if route is Route.SMS and phone:
        return route, "sms:" + await adapters[ChannelName.SMS].send(phone, message, message_id), []
    raise DeliveryError(
        "outside the WeChat window, with no template and no phone the channel vouches for to fall back to"
        " (a contact phone typed in the chat is for staff to call, never texted)",
        permanent=True,
    )


@dataclass(frozen=True, slots=True)
class _Outcomes:
    """A conversation's batch as its sends ended, for :func:`_record`."""

    conversation_id: int
    done: list[_Outcome]
    unsent: list[_Planned]
    retry: DeliveryError | None
    more: bool
    """Whether the conversation may have more unfinished messages than the batch held."""


def _record(session: Session, batches: list[_Outcomes], now: dt.datetime, job_try: int) -> list[tuple[list[int], bool]]:
    """The outcomes of conversations' batches, in one transaction, the messages' in one statement
    for all: a failure also leaves a dead letter for a manager to retry; after a transient
    failure its message goes back to ``pending``, and the ones not attempted after it too.
    Returns for each conversation its next unfinished messages (none when the job retries, or
    its ``more`` is false) and whether timeline rows were added."""
    rows: list[dict[str, Any]] = []
    sms_parts: dict[int, list[str]] = {}
    timelines = [_record_events(session, batch, rows, sms_parts, now, job_try) for batch in batches]
    taken = deliveries.record_outcomes(session, rows, sms_parts)
    if taken:  # sent all the same: kept as "<provider id>#<message id>"
        log.warning("deliver.provider_id_held_by_another_message", message_ids=taken)
    following = []
    for batch in batches:
        if batch.retry is None:
            following.append(deliveries.unfinished_ids(session, batch.conversation_id, BATCH) if batch.more else [])
            continue
        # The attempt's outcome is known (not delivered): back to pending, its attempt counted.
        deliveries.back_to_pending(session, batch.unsent[0].attempt.id, str(batch.retry))
        deliveries.release_unsent(session, [plan.attempt.id for plan in batch.unsent[1:]])
        following.append([])
    return list(zip(following, timelines, strict=True))


def _record_events(
    session: Session,
    batch: _Outcomes,
    rows: list[dict[str, Any]],
    sms_parts: dict[int, list[str]],
    now: dt.datetime,
    job_try: int,
) -> bool:
    """A conversation's outcomes added to ``rows`` and ``sms_parts`` (its messages' rows, and
    every part's provider id of those sent in parts), with their timeline rows and dead letters;
    whether timeline rows were added."""
    timeline = False
    for outcome in batch.done:
        message = outcome.planned.attempt
        if outcome.parts:
            sms_parts[message.id] = outcome.parts
        row: dict[str, Any] = {"id": message.id, "delivery_status": outcome.status}
        if outcome.provider_id is not None:
            row["provider_message_id"] = outcome.provider_id
        if outcome.error is not None:
            row["last_error"] = outcome.error
        rows.append(row)
        if outcome.route is not Route.DIRECT or outcome.error:
            timeline = True
            # Not sent (by no route, or a fallback that failed): the agent reads 发送失败, not 改用其他渠道发送.
            kind = TimelineKind.DELIVERY_FAILED if outcome.error else TimelineKind.DELIVERY_FALLBACK
            detail = {"message_id": message.id, "route": outcome.route.value, "error": outcome.error}
            add_timeline_event(session, batch.conversation_id, kind, "worker", detail, now)
        if outcome.status == "sent" and outcome.planned.possibly_duplicated:
            timeline = True
            detail = {
                "message_id": message.id,
                "attempts": message.attempts + 1,
                "why": "resent after an attempt whose outcome is unknown; the provider cannot dedupe",
            }
            add_timeline_event(session, batch.conversation_id, TimelineKind.POSSIBLY_DUPLICATED, "worker", detail, now)
        if outcome.status == "failed" and outcome.error is not None:
            deliveries.add_dead_letter(
                session, DELIVER_JOB, [message.id], outcome.error, job_try, now, message.id, batch.conversation_id
            )
    return timeline


async def reconcile_deliveries(ctx: Ctx) -> int:
    """Cron: re-enqueue provider messages that lost their job — left ``pending`` (the process
    died between the commit and the enqueue) or ``sending`` past the job timeout (the worker
    died mid-attempt). One interrupted too often is failed into the dead letters. Returns how
    many late jobs were enqueued (one per conversation, which sends all its lost messages)."""
    res = resources(ctx)
    now, redis = res.clock(), res.redis
    stuck_before = now - dt.timedelta(seconds=job_timeout(ctx))
    async with res.sessions() as session:
        rows = await session.run_sync(deliveries.lost_deliveries, now - RECONCILE_PENDING_AFTER, stuck_before)
    # The gateway enqueues one job per conversation and commit, keyed by its first message: a
    # conversation with a live job for any of its lost messages is left to that job, and one
    # late job (its oldest lost message's) sends all of a conversation's.
    lost: dict[int, list[tuple[int, str | None]]] = {}
    for message_id, conversation_id, status, attempts in sorted(rows):
        if status == "sending" and attempts >= MAX_DELIVERY_TRIES:
            await _give_up(ctx, message_id, conversation_id, attempts, now)
            continue
        lost.setdefault(conversation_id, []).append((message_id, status))
    enqueued = 0
    bucket = int(now.timestamp()) // 60
    for conversation_id, messages in lost.items():
        if await _has_live_job(redis, conversation_id, [message_id for message_id, _ in messages]):
            continue
        message_id, status = messages[0]
        if await redis.enqueue_job(
            DELIVER_JOB, message_id, conversation_id, _job_id=f"deliver:{message_id}:late:{bucket}"
        ):
            enqueued += 1
            log.warning("deliver.reconciled", message_id=message_id, status=status, messages=len(messages))
    return enqueued


async def _has_live_job(redis: Any, conversation_id: int, message_ids: list[int]) -> bool:
    """A job of one of the messages, or the shared job the conversation names, is yet to run or running."""
    job_ids = [f"deliver:{message_id}" for message_id in message_ids]
    shared = await redis.get(redis_keys.delivery_job(conversation_id))
    if shared is not None:
        job_ids.append(shared.decode() if isinstance(shared, bytes) else shared)
    for job_id in job_ids:
        if await Job(job_id, redis).status() in (JobStatus.queued, JobStatus.deferred, JobStatus.in_progress):
            return True
    return False


async def _give_up(ctx: Ctx, message_id: int, conversation_id: int, attempts: int, now: dt.datetime) -> None:
    error = f"interrupted {attempts} times without an outcome"
    async with resources(ctx).sessions() as session, session.begin():
        if not await session.run_sync(deliveries.fail_if_sending, message_id, error):
            return
        await session.run_sync(
            deliveries.add_dead_letter, DELIVER_JOB, [message_id], error, attempts, now, message_id, conversation_id
        )
        channel = await session.run_sync(deliveries.channel_of_message, message_id)
    _count(ctx, channel or "unknown", DeliveryOutcome.DEAD_LETTER, dead_letter=True)
