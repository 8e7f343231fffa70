"""Inbound messages from storage to replies, in order, with group commits.

Two steps run in one loop per process, a batch of each in turn, each one transaction for a
whole batch:

1. **persist**: inbound messages from every connection are stored (deduplicated on the
   provider's message id) and committed together; only then is each one acknowledged and its id
   appended to its conversation's Redis inbox.
2. **process**: for each conversation with pending events, the process that wins the
   conversation's Redis lock drains its inbox, runs the engine and writes the results; after the
   commit it releases the lock and re-checks the inbox, so an event pushed by another instance
   while the lock was held is never stranded. For customer messages the inbox is only a wake-up:
   the holder runs the conversation's unprocessed messages from the database in id order, so a
   message whose inbox entry was lost (its instance died after draining it) still runs before
   later ones. The lock is short-lived and renewed while a batch runs, so a dead holder's lock
   stalls a conversation for at most ``lock_ttl`` seconds; a process that could not take it tries
   again when it expires.

Anything stored but never processed (a crash between the commit and the push, a Redis restart)
is found by :meth:`Pipeline.reconcile` and pushed again; processing skips what is already done.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import structlog
from redis.asyncio import Redis
from sqlalchemy.orm import Session

from bot.config import CaseCheckLimits, ChannelsConfig, Followups, PhraseId
from bot.core import redis_keys
from bot.core.case_check_budget import CaseCheckBudget
from bot.core.case_numbers import MOST_UNKNOWN_CASE_NUMBERS, case_numbers_looked_up
from bot.core.clock import Clock, utc_now
from bot.core.engine import BOT_OWNER, ConversationEngine, ConversationSnapshot
from bot.core.messages import InboundMessage, MessageKind, OutboundMessage, Sender, as_read, options_to_json
from bot.core.read_ahead import ReadAhead
from bot.core.redis_replies import awaited
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.ticket_reason import TicketReason
from bot.core.timeline import TimelineKind
from bot.flows.case import ESCALATING_SIGNALS
from bot.flows.complaint import CustomerSaid, Event, Resolved, Started, Step, TimerFired, TimerKind
from bot.flows.records import (
    COLLECTING,
    AppealLink,
    CaseStatus,
    CaseWriter,
    State,
    SupervisorTold,
    TimerChange,
)
from bot.handoff.routing import HandoffRouter
from bot.observability.metrics import Metrics
from bot.outbound.effects import Delivery, Dispatcher, Effects, TimerSchedule, due_times
from bot.promises.timers import CaseTimer
from bot.promises.tracker import Reopener, Tracker, owner_audience
from bot.standards.live import InForce
from bot.storage import case_checks, store
from bot.storage import praise as praise_store
from bot.storage import promises as promise_store
from bot.storage.db import Database
from bot.storage.media import link_media
from bot.storage.models import Conversation
from bot.storage.notifications import SUPERVISORS, notify
from bot.understanding.reader import MessageReader
from bot.understanding.result import Understanding

log = structlog.get_logger(__name__)

_RETRY_FIRST = 0.5
_RETRY_LONGEST = 60.0

# KEYS: lock, inbox, lock, inbox, … (one pair per conversation). Per conversation: the inbox's
# events if the lock was won (taken atomically with the lock), else the lock's time to live (ms).
_LOCK_AND_DRAIN = """
local drained = {}
for i = 1, #KEYS, 2 do
  if redis.call('set', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then
    drained[#drained + 1] = redis.call('lrange', KEYS[i + 1], 0, -1)
    redis.call('del', KEYS[i + 1])
  else
    drained[#drained + 1] = redis.call('pttl', KEYS[i])
  end
end
return drained
"""

# KEYS: locks. Extends each lock still holding our token (ARGV[1]) to ARGV[2] ms; returns the
# (1-based) positions of the others.
_RENEW = """
local lost = {}
for i = 1, #KEYS do
  if redis.call('get', KEYS[i]) == ARGV[1] then
    redis.call('pexpire', KEYS[i], ARGV[2])
  else
    lost[#lost + 1] = i
  end
end
return lost
"""

# KEYS: the due timers' set, then lock, inbox, … as above. Deletes each lock still holding our
# token; returns each inbox's length. ARGV: token, channel, how many messages to publish on it (the
# batch's staff events), those messages, then the batch's timers to arm as due time, member, ….
_RELEASE_AND_COUNT = """
local events = tonumber(ARGV[3])
for i = 4, 3 + events do redis.call('publish', ARGV[2], ARGV[i]) end
for i = 4 + events, #ARGV, 1000 do redis.call('zadd', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV))) end
local lengths = {}
for i = 2, #KEYS, 2 do
  if redis.call('get', KEYS[i]) == ARGV[1] then redis.call('del', KEYS[i]) end
  lengths[#lengths + 1] = redis.call('llen', KEYS[i + 1])
end
return lengths
"""


def _lock_and_inbox_keys(conversation_ids: Sequence[int]) -> list[str]:
    keys = []
    for conversation_id in conversation_ids:
        keys.append(redis_keys.conversation_lock(conversation_id))
        keys.append(redis_keys.conversation_inbox(conversation_id))
    return keys


@dataclass(frozen=True, slots=True)
class StoredInbound:
    message_id: int
    conversation_id: int
    duplicate: bool


@dataclass(slots=True)
class _Submission:
    inbound: InboundMessage
    conversation_id: int | None
    identity_id: int | None
    future: asyncio.Future[StoredInbound]


def _encode(event: Event | int) -> str:
    if isinstance(event, int):
        return f"m:{event}"
    if isinstance(event, Started):
        return "s"
    if isinstance(event, Resolved):
        return "r"
    if isinstance(event, TimerFired):
        return f"t:{event.kind.value}:{event.token}"
    raise TypeError(f"cannot queue {event!r}")


class Pipeline:
    """The one path from an inbound message to stored replies. One per process."""

    def __init__(
        self,
        database: Database,
        redis: Redis,
        engine: ConversationEngine,
        dispatcher: Dispatcher,
        clock: Clock = utc_now,
        batch_max: int = 256,
        on_stored: Callable[[Sequence[Delivery]], Awaitable[None]] | None = None,
        router: HandoffRouter | None = None,
        lock_ttl: float = 5.0,
        reader: MessageReader | None = None,
        metrics: Metrics | None = None,
        in_force: Callable[[], InForce] | None = None,
    ) -> None:
        """``reader`` reads customers' texts before their conversation runs (the model's part is
        I/O, so it cannot run inside the engine; each conversation's reading apart, so a slow one
        holds up no other: :class:`~bot.core.read_ahead.ReadAhead`); without one the engine reads
        them with its own rules.
        ``metrics`` counts the messages stored and the complaints promised with the fallback category.
        ``in_force`` gives the standards in force (issue 14): each batch then runs on its engine,
        router and reader, read once at the batch's start, instead of ``engine``, ``router`` and ``reader``."""
        if lock_ttl <= 0:
            raise ValueError("lock_ttl must be positive")
        self._database = database
        self._router = router if router is not None else HandoffRouter(engine.config, engine.calendar)
        self._redis = redis
        self._engine = engine
        self._tracker: Tracker | None = None
        """Without ``in_force``: the tracker that reopens a case the customer says is not resolved."""
        self._reader = reader
        self._in_force = in_force
        self._metrics = metrics
        self._dispatcher = dispatcher
        self._clock = clock
        self._batch_max = batch_max
        self._on_stored = on_stored
        self._submissions: list[_Submission] = []
        self._dirty: dict[int, None] = {}
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._accepting = False
        self._lock_and_drain = redis.register_script(_LOCK_AND_DRAIN)
        self._release_and_count = redis.register_script(_RELEASE_AND_COUNT)
        self._renew = redis.register_script(_RENEW)
        self._lock_token = secrets.token_hex(8)
        self._lock_ttl = lock_ttl
        self._held: dict[int, None] = {}
        """Conversations whose lock a batch of this process holds (the renewal extends them)."""
        self._retries: dict[int, asyncio.TimerHandle] = {}
        self._start_waiters: dict[int, asyncio.Future[None]] = {}
        """New conversations whose start a caller waits to see processed (see ``open``)."""
        self._failures: dict[int, int] = {}
        """Conversations whose last processing failed, with their consecutive failures (back-off)."""
        self._renewal: asyncio.Task[None] | None = None
        self._read_ahead = ReadAhead(self.wake)
        """The model's readings of customers' texts, made before their conversation runs."""

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._accepting = True
        self._task = asyncio.create_task(self._run(), name="pipeline")
        self._renewal = asyncio.create_task(self._renew_locks(), name="pipeline-lock-renewal")

    async def stop(self) -> None:
        """Stop taking messages, finish every message already taken, then return."""
        self._accepting = False
        if self._task is None:
            return
        if not await self.drained(timeout=15):
            log.warning("pipeline.stopped_with_pending", submissions=len(self._submissions), dirty=len(self._dirty))
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        for handle in self._retries.values():
            handle.cancel()
        self._retries.clear()
        if self._renewal is not None:
            self._renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewal
            self._renewal = None
        await self._read_ahead.aclose()

    async def drained(self, timeout: float | None = None) -> bool:
        """Wait until nothing submitted here is waiting to be stored or processed.

        Returns False if ``timeout`` seconds passed first (work left is still in the database
        and the Redis inboxes, and is picked up again by any instance).
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._submissions or self._dirty or not self._idle.is_set() or self._read_ahead.in_flight:
            if deadline is not None and loop.time() > deadline:
                return False
            await asyncio.sleep(0.005)
        return True

    # ------------------------------------------------------------------ entry points

    async def submit(
        self, inbound: InboundMessage, conversation_id: int | None = None, identity_id: int | None = None
    ) -> StoredInbound:
        """Store ``inbound`` (once per provider message id) and queue it for the engine.

        Returns once the message is committed: the caller may acknowledge it then.
        ``identity_id`` names the web chat identity; otherwise the sender is looked up (or
        created) by channel and sender id.
        """
        if not self._accepting:
            raise RuntimeError("the pipeline is shutting down")
        future: asyncio.Future[StoredInbound] = asyncio.get_running_loop().create_future()
        self._submissions.append(_Submission(inbound, conversation_id, identity_id, future))
        self._wakeup.set()
        return await future

    async def push(self, conversation_id: int, events: Sequence[Event | int]) -> None:
        """Queue events (a start, a fired timer, stored message ids) for a conversation."""
        await awaited(self._redis.rpush(redis_keys.conversation_inbox(conversation_id), *map(_encode, events)))
        self.wake(conversation_id)

    async def open(self, conversation_id: int, within: float) -> None:
        """Queue a new conversation's start and return once it is processed (its greeting stored),
        or after ``within`` seconds. A web chat customer gets the token only then, so the greeting
        comes before anything the customer sends, while the starts of many new sessions are still
        processed in batches."""
        waiter = asyncio.get_running_loop().create_future()
        self._start_waiters[conversation_id] = waiter
        try:
            await self.push(conversation_id, [Started()])
            await asyncio.wait_for(asyncio.shield(waiter), within)
        except TimeoutError:
            log.warning("pipeline.start_slow", conversation_id=conversation_id, waited=within)
        finally:
            self._start_waiters.pop(conversation_id, None)

    def wake(self, conversation_id: int) -> None:
        self._dirty[conversation_id] = None
        self._wakeup.set()

    async def process_now(self, conversation_ids: Sequence[int]) -> None:
        """Process these conversations' pending events before returning (for workers)."""
        await self._process(list(conversation_ids))

    async def reconcile(self, grace: dt.timedelta = dt.timedelta(seconds=10)) -> int:
        """Queue again every inbound message stored but not processed after ``grace``."""
        older_than = self._clock() - grace
        pending = await self._database.write(lambda session: store.unprocessed_inbound(session, older_than))
        by_conversation: dict[int, list[int]] = {}
        for conversation_id, message_id in pending:
            by_conversation.setdefault(conversation_id, []).append(message_id)
        for conversation_id, message_ids in by_conversation.items():
            await self.push(conversation_id, message_ids)
        if pending:
            log.warning("pipeline.reconciled", messages=len(pending))
        return len(pending)

    # ------------------------------------------------------------------ the loop

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            self._idle.clear()
            try:
                # A batch of each in turn: storing everything waiting before processing any kept
                # replies waiting under load (PostgreSQL, 200 connections, p99 at half the peak
                # rate 517-527 -> 91-304 ms).
                while self._submissions or self._dirty:
                    if self._submissions:
                        batch = self._submissions[: self._batch_max]
                        del self._submissions[: self._batch_max]
                        await self._persist(batch)
                    if self._dirty:
                        conversation_ids = list(self._dirty)[: self._batch_max]
                        for conversation_id in conversation_ids:
                            del self._dirty[conversation_id]
                        # A failing conversation waits for its back-off timer, whatever woke it.
                        ready = await self._read_first([cid for cid in conversation_ids if not self._backing_off(cid)])
                        await self._process(ready)
            except Exception:
                log.exception("pipeline.loop_failed")
                await asyncio.sleep(0.5)
            finally:
                if self._submissions or self._dirty:
                    self._wakeup.set()  # what a failure left behind is tried again
                else:
                    self._idle.set()

    async def _persist(self, batch: list[_Submission]) -> None:
        now = self._clock()

        def store_batch(session: Session, items: list[_Submission]) -> list[StoredInbound]:
            # Web chat identities' open conversations in one statement, the messages in another.
            identities = {item.identity_id for item in items if item.conversation_id is None and item.identity_id}
            open_ids = store.current_conversation_ids(session, identities) if identities else {}
            targets = []
            for item in items:
                conversation_id = item.conversation_id
                if conversation_id is None:
                    conversation_id = open_ids.get(item.identity_id or 0)
                if conversation_id is None:
                    conversation_id = self._resolve_conversation(session, item, now)
                    if item.identity_id is not None:
                        open_ids[item.identity_id] = conversation_id
                targets.append(conversation_id)
            pairs = [(conversation_id, item.inbound) for conversation_id, item in zip(targets, items, strict=True)]
            inserted = store.insert_inbound_many(session, pairs, now)
            for item, (message_id, created) in zip(items, inserted, strict=True):
                if created and item.inbound.media_id is not None:  # issue 15: a web chat upload
                    link_media(session, item.inbound.media_id, message_id)
            return [
                StoredInbound(message_id, conversation_id, duplicate=not created)
                for conversation_id, (message_id, created) in zip(targets, inserted, strict=True)
            ]

        try:
            results = await self._database.write(lambda session: store_batch(session, batch))
            stored = list(zip(batch, results, strict=True))
        except Exception as error:
            if len(batch) == 1:
                self._fail(batch[0], error)
                return
            # One bad message must not fail the others: each is stored on its own, and only the
            # one that fails again gets the error.
            log.warning("pipeline.batch_failed", messages=len(batch), exc_info=True)
            stored = []
            for item in batch:
                try:
                    alone = await self._database.write(functools.partial(store_batch, items=[item]))
                except Exception as item_error:
                    self._fail(item, item_error)
                else:
                    stored.append((item, alone[0]))
        # Queued in id order, so a conversation's events run in the order its history shows.
        fresh = sorted(
            ((item, result) for item, result in stored if not result.duplicate),
            key=lambda pair: pair[1].message_id,
        )
        if self._metrics is not None:
            for item, _ in fresh:
                self._metrics.messages_received.labels(channel=item.inbound.channel.value).inc()
        try:
            if fresh:
                async with self._redis.pipeline(transaction=False) as redis_pipe:
                    for _, result in fresh:
                        key = redis_keys.conversation_inbox(result.conversation_id)
                        redis_pipe.rpush(key, f"m:{result.message_id}")
                    # The consoles showing these conversations refetch; one event for the batch,
                    # in the round trip that is made anyway.
                    announce = StaffEvent(
                        StaffEventKind.CONVERSATION,
                        conversation_ids=tuple(dict.fromkeys(result.conversation_id for _, result in fresh)),
                    )
                    redis_pipe.publish(redis_keys.STAFF_EVENTS_CHANNEL, announce.to_json())
                    await redis_pipe.execute()
                for _, result in fresh:
                    self.wake(result.conversation_id)
                if self._on_stored is not None:
                    await self._on_stored([self._customer_delivery(item, result, now) for item, result in fresh])
        except Exception:
            # The messages are stored: acknowledge them anyway; reconcile() queues them again.
            log.exception("pipeline.queue_failed", messages=len(fresh))
        finally:
            for item, result in stored:
                if not item.future.done():
                    item.future.set_result(result)

    @staticmethod
    def _fail(item: _Submission, error: Exception) -> None:
        """The submission could not be stored: its caller gets the error, nobody else does."""
        log.error(
            "pipeline.persist_failed",
            channel=item.inbound.channel.value,
            provider_message_id=item.inbound.provider_message_id,
            exc_info=error,
        )
        if not item.future.done():
            item.future.set_exception(error)

    @staticmethod
    def _customer_delivery(item: _Submission, result: StoredInbound, now: dt.datetime) -> Delivery:
        return Delivery(
            message_id=result.message_id,
            conversation_id=result.conversation_id,
            identity_id=item.identity_id or 0,
            channel=item.inbound.channel.value,
            sender=Sender.CUSTOMER,
            text=item.inbound.text,
            created_at=now,
            provider_message_id=item.inbound.provider_message_id,
            media=(item.inbound.media_id,) if item.inbound.media_id else (),
        )

    def _resolve_conversation(self, session: Session, item: _Submission, now: dt.datetime) -> int:
        inbound = item.inbound
        engine = self._parts()[0]
        locale = engine.phrases.locale(inbound.locale)
        if item.identity_id is not None:
            conversation_id = store.current_conversation_id(session, item.identity_id)
            if conversation_id is not None:
                return conversation_id
            identity = store.identity_by_id(session, item.identity_id)
            assert identity is not None
            return store.ensure_open_conversation(
                session, identity, locale, now, _resume_within(engine), inbound.provider_message_id
            )
        identity = store.find_identity(session, inbound.channel.value, inbound.sender_id)
        if identity is None:
            # The same phone given on another channel: the same customer, with their history.
            known_customer = store.customer_with_phone(session, inbound.sender_phone) if inbound.sender_phone else None
            identity = store.claim_identity(
                session,
                inbound.channel,
                inbound.sender_id,
                now,
                inbound.sender_phone,
                inbound.sender_name,
                tier=engine.config.deadlines.default_tier,
                customer_id=known_customer,
            )
        return store.ensure_open_conversation(
            session, identity, locale, now, _resume_within(engine), inbound.provider_message_id
        )

    # ------------------------------------------------------------------ processing

    async def _process(self, conversation_ids: list[int]) -> None:
        if not conversation_ids:
            return
        # Locks taken and inboxes drained in one script: one round trip, a few commands for all.
        drained = await self._lock_and_drain(
            keys=_lock_and_inbox_keys(conversation_ids), args=[self._lock_token, round(self._lock_ttl * 1000)]
        )
        events: dict[int, list[str]] = {}
        for conversation_id, items in zip(conversation_ids, drained, strict=True):
            if isinstance(items, list):
                events[conversation_id] = [item.decode() if isinstance(item, bytes) else item for item in items]
            else:
                # Held elsewhere: the holder looks at the inbox when it releases, but a dead
                # holder never will, so look again when its lock expires.
                self._retry_after(conversation_id, items)
        locked = list(events)
        if not locked:
            return
        outcome = Effects()
        self._held.update(dict.fromkeys(locked))
        failed = False
        try:
            if any(events.values()):
                await self._run_events(events, outcome)
        except Exception:
            failed = True
            await self._requeue(events)
            if len(locked) == 1:
                self._back_off(locked[0])
            else:
                log.warning("pipeline.batch_failed", conversations=len(locked), exc_info=True)
        finally:
            for conversation_id in locked:
                self._held.pop(conversation_id, None)
            # A failed batch's staff events and timers belong to a transaction that was rolled back.
            await self._release(
                locked,
                () if failed else outcome.staff_events,
                () if failed else outcome.timers,
                wake=not failed,
            )
        if failed:
            # One conversation that cannot be processed must not hold up the others: each runs
            # on its own, and only the one that fails again waits (see _back_off).
            if len(locked) > 1:
                for conversation_id in locked:
                    await self._process([conversation_id])
            return
        for conversation_id in locked:
            self._failures.pop(conversation_id, None)
            waiter = self._start_waiters.pop(conversation_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        if outcome.fallback_categories and self._metrics is not None:
            self._metrics.nlu_fallbacks.labels(reason="no_category").inc(outcome.fallback_categories)
        # The staff events went out and the timers were armed with the lock release.
        await self._dispatcher.commit(replace(outcome, staff_events=[], timers=[]))

    def _retry_after(self, conversation_id: int, milliseconds: int) -> None:
        if conversation_id in self._retries:
            return
        # A lock with no expiry (-1) or one longer than ours is looked at again every lock_ttl.
        wait = self._lock_ttl if milliseconds < 0 else min(milliseconds / 1000, self._lock_ttl)
        self._retries[conversation_id] = asyncio.get_running_loop().call_later(
            wait + 0.01, self._retry, conversation_id
        )

    def _back_off(self, conversation_id: int) -> None:
        """The conversation failed on its own: its events wait in its inbox (nothing is lost) and
        it is tried again after 0.5 s, doubling on each further failure up to a minute."""
        failures = self._failures[conversation_id] = self._failures.get(conversation_id, 0) + 1
        wait = min(_RETRY_FIRST * 2 ** (failures - 1), _RETRY_LONGEST)
        log.exception("pipeline.conversation_failed", conversation_id=conversation_id, failures=failures, retry_in=wait)
        if self._metrics is not None:
            self._metrics.conversations_failed.inc()
        previous = self._retries.pop(conversation_id, None)
        if previous is not None:
            previous.cancel()
        self._retries[conversation_id] = asyncio.get_running_loop().call_later(wait, self._retry, conversation_id)

    def _backing_off(self, conversation_id: int) -> bool:
        return conversation_id in self._failures and conversation_id in self._retries

    def _retry(self, conversation_id: int) -> None:
        del self._retries[conversation_id]
        self.wake(conversation_id)

    async def _renew_locks(self) -> None:
        """Keep the locks of running batches alive, so a slow but live holder never loses one."""
        while True:
            await asyncio.sleep(self._lock_ttl / 3)
            held = list(self._held)
            if not held:
                continue
            try:
                lost = await self._renew(
                    keys=[redis_keys.conversation_lock(cid) for cid in held],
                    args=[self._lock_token, round(self._lock_ttl * 1000)],
                )
            except Exception:
                log.exception("pipeline.lock_renewal_failed", conversations=len(held))
                continue
            # A batch may have released its locks while the renewal ran.
            lost_ids = [held[position - 1] for position in lost if held[position - 1] in self._held]
            if lost_ids:
                log.warning("pipeline.lock_lost", conversations=lost_ids)

    async def _requeue(self, events: dict[int, list[str]]) -> None:
        async with self._redis.pipeline(transaction=False) as redis_pipe:
            for conversation_id, items in events.items():
                if items:
                    redis_pipe.lpush(redis_keys.conversation_inbox(conversation_id), *reversed(items))
            await redis_pipe.execute()

    async def _release(
        self,
        locked: list[int],
        staff_events: Sequence[StaffEvent] = (),
        timers: Sequence[TimerSchedule] = (),
        wake: bool = True,
    ) -> None:
        """Release the locks and re-check the inboxes; the batch's staff events and timers ride
        along (the timers armed before the replies are handed over, one round trip fewer)."""
        # A script on a pipeline costs a SCRIPT EXISTS round trip per execute: the events are
        # published, and the timers armed, by the script itself instead.
        armed = [part for member, due in due_times(timers).items() for part in (due, member)]
        pending = await self._release_and_count(
            keys=[redis_keys.DUE_TIMERS, *_lock_and_inbox_keys(locked)],
            args=[
                self._lock_token,
                redis_keys.STAFF_EVENTS_CHANNEL,
                len(staff_events),
                *(event.to_json() for event in staff_events),
                *armed,
            ],
        )
        if not wake:
            return
        for conversation_id, length in zip(locked, pending, strict=True):
            if length:
                self.wake(conversation_id)

    async def _run_events(self, events: dict[int, list[str]], outcome: Effects) -> None:
        now = self._clock()
        newest = {
            conversation_id: max(message_ids)
            for conversation_id, items in events.items()
            if (message_ids := [int(item[2:]) for item in items if item.startswith("m:")])
        }
        engine, router, _, tracker = self._parts()
        understood = self._read_ahead.readings(events)

        def run(session: Session) -> None:
            config = engine.config
            batch = _BatchWrites(
                config.followups,
                router,
                tracker,
                config.classification.fallback_category,
                repeat_link_days=config.handoff.repeat_link_days,
            )
            conversations = store.load_conversations(session, [cid for cid, items in events.items() if items])
            pending = _as_read(store.pending_inbound(session, newest), config.channels)
            named = _add_named_cases(session, conversations, pending, config.service.case_prefix)
            if named:
                batch.checks = _check_budget(session, conversations, named, config.service.case_check, now)
            finished: list[store.LoadedConversation] = []
            for conversation_id, items in events.items():
                conversation = conversations.get(conversation_id)
                if not items or conversation is None:
                    continue
                with structlog.contextvars.bound_contextvars(conversation_id=conversation_id):
                    finished.append(
                        self._run_conversation(
                            engine,
                            session,
                            conversation,
                            _in_order(items, pending.get(conversation_id, []), understood),
                            now,
                            batch,
                            conversations,
                        )
                    )
            # Every conversation's state in one statement (once, though a reopened one may also
            # have run on its own); one an agent took over meanwhile loses the bot's replies.
            unique = list({conversation.id: conversation for conversation in finished}.values())
            for conversation_id in store.save_conversations(session, unique):
                batch.drop_replies(conversation_id)
            batch.flush(session, now, outcome, self._dispatcher)

        await self._database.write(run)

    def _parts(self) -> tuple[ConversationEngine, HandoffRouter, MessageReader | None, Tracker]:
        """The engine, router, reader and promise tracker a batch runs on: the standards in force now."""
        if self._in_force is None:
            if self._tracker is None:
                engine = self._engine
                self._tracker = Tracker(engine.config, engine.calendar, engine.traditional)
            return self._engine, self._router, self._reader, self._tracker
        now = self._in_force()
        return now.engine, now.router, now.reader if now.reader.uses_model else None, now.tracker

    async def _read_first(self, conversation_ids: list[int]) -> list[int]:
        """The conversations ready to run: with the model configured, their pending texts are
        read first, each conversation's own call apart (:class:`~bot.core.read_ahead.ReadAhead`),
        and one still waiting for its reading is left out, to be woken once it is in. Outside any
        transaction or lock: a reading may take up to the model's timeout."""
        reader = self._parts()[2]
        if reader is None or not conversation_ids:
            return conversation_ids
        try:
            async with self._database.sessions() as session:
                pending = await session.run_sync(store.all_pending_inbound, conversation_ids)
            pending = _as_read(pending, self._parts()[0].config.channels)
        except Exception:
            log.warning("pipeline.read_ahead_unavailable", conversations=len(conversation_ids), exc_info=True)
            return conversation_ids  # read by the rules alone: processing reports and retries its own failures
        waiting = self._read_ahead.waiting(pending, conversation_ids, reader)
        return [cid for cid in conversation_ids if cid not in waiting]

    def _run_conversation(
        self,
        engine: ConversationEngine,
        session: Session,
        conversation: store.LoadedConversation,
        events: list[tuple[Event, store.StoredInboundRow | None]],
        now: dt.datetime,
        batch: _BatchWrites,
        loaded: dict[int, store.LoadedConversation],
    ) -> store.LoadedConversation:
        """Run a conversation's events in order, in memory; return it to be saved with the batch.

        ``loaded`` holds the batch's conversations, so one reopened into a conversation the batch
        also runs shares its copy.
        """
        for position, (event, message) in enumerate(events):
            if message is not None and message.kind == MessageKind.UNREAD:
                # Past its sender's characters a minute: stored for the staff, not read.
                batch.processed.append(message.id)
                continue
            if message is not None and conversation.status == "closed":
                self._save(session, conversation, batch)
                # Every message from here on runs on the new conversation, so it is stored there.
                moved = [later.id for _, later in events[position:] if later is not None]
                conversation = self._reopen(session, conversation, moved, now, loaded, _resume_within(engine))
            if message is not None and self._opted(engine, session, conversation, message, now, batch):
                continue
            if message is None and isinstance(event, TimerFired):
                store.mark_timer_fired(session, conversation.id, event.kind.value, event.token)
            if isinstance(event, Resolved):
                # The callback tells the customer how it was resolved, in the staff's words.
                # The case the callback names: the conversation's (another one resolved earlier
                # was told its resolution then).
                summary = promise_store.resolution_summary(session, conversation.id, conversation.data.case_number)
                event = Resolved(summary=summary)
            refused = batch.refuse_checks(conversation)
            snapshot = ConversationSnapshot(
                conversation_id=conversation.id,
                state=conversation.state,
                data=conversation.data,
                locale=conversation.locale,
                owner=conversation.owner,
                customer=conversation.customer,
            )
            step = engine.handle(snapshot, event, now)
            if step.case_check_missed is not None and step.case_check_missed not in refused:
                batch.check_missed(session, conversation, step.case_check_missed, now)
            if message is not None:
                conversation.activity_seq += 1
                conversation.last_customer_at = now
                batch.processed.append(message.id)
                if message.read_in_part:
                    batch.read_in_part.append(message.id)
            conversation.state, conversation.data = step.state, step.data
            if step.locale is not None:
                conversation.locale = step.locale
            if step.close_reason is not None:
                conversation.status, conversation.closed_at, conversation.closed_reason = (
                    "closed",
                    now,
                    step.close_reason,
                )
            batch.add(
                session,
                conversation,
                step,
                now,
                message.id if message is not None else None,
                message.created_at if message is not None else None,
            )
        return conversation

    @staticmethod
    def _opted(
        engine: ConversationEngine,
        session: Session,
        conversation: store.LoadedConversation,
        message: store.StoredInboundRow,
        now: dt.datetime,
        batch: _BatchWrites,
    ) -> bool:
        """Opt-out (回复TD退订): True when the message was an opt-out word, or an opt-in word of
        an identity opted out, handled here and never by the engine (it is no complaint). Any other
        message of an identity opted out opts it back in (they chose to write) and runs as usual.

        The SMS routes name the words' messages by their kind (the words are the SMS channel's, in
        ``config/channels.yaml``); here it is channel-neutral: the identity's state, one confirmation."""
        if message.kind == MessageKind.OPT_OUT:
            batch.processed.append(message.id)
            if conversation.opted_out_at is None and store.set_opted_out(session, conversation.identity_id, now):
                conversation.opted_out_at = now
                batch.opt_change(engine, conversation, message, TimelineKind.SMS_OPTED_OUT, PhraseId.SMS_OPTED_OUT, now)
            return True
        if conversation.opted_out_at is None:
            return False  # an opt-in word of an identity not opted out is an ordinary text
        store.set_opted_out(session, conversation.identity_id, None)
        conversation.opted_out_at = None
        if message.kind == MessageKind.OPT_IN:
            batch.processed.append(message.id)
            batch.opt_change(engine, conversation, message, TimelineKind.SMS_OPTED_IN, PhraseId.SMS_OPTED_IN, now)
            return True
        batch.opt_change(engine, conversation, message, TimelineKind.SMS_OPTED_IN, None, now)
        return False

    def _save(self, session: Session, conversation: store.LoadedConversation, batch: _BatchWrites) -> None:
        """Write the conversation back; if an agent took it over meanwhile, the bot's replies are dropped."""
        for conversation_id in store.save_conversations(session, [conversation]):
            batch.drop_replies(conversation_id)

    def _reopen(
        self,
        session: Session,
        closed: store.LoadedConversation,
        message_ids: list[int],
        now: dt.datetime,
        loaded: dict[int, store.LoadedConversation],
        resume_within: dt.timedelta,
    ) -> store.LoadedConversation:
        """A customer wrote after their conversation was closed: their open conversation (a new
        one, unless one was opened meanwhile) takes these messages. A new one goes on with the
        form of the closed one when it was closed for their silence within ``resume_within``."""
        carried = store.unfinished_form(session, closed.identity_id, now, resume_within)
        new_id = store.open_conversation(
            session, closed.customer_id, closed.identity_id, closed.channel, closed.locale, now, carried
        )
        store.move_messages(session, message_ids, new_id)
        if new_id not in loaded:
            loaded.update(store.load_conversations(session, [new_id]))
        return loaded[new_id]


def _as_read(
    pending: dict[int, list[store.StoredInboundRow]], channels: ChannelsConfig
) -> dict[int, list[store.StoredInboundRow]]:
    """The pending messages as the bot reads them: a long text's beginning and end only
    (:func:`~bot.core.messages.as_read`), so one sender's long texts cost every other
    conversation of the instance little; the stored message keeps the text whole."""
    head, tail = channels.understood_head_chars, channels.understood_tail_chars
    return {
        conversation_id: [
            row if (read := as_read(row.text, head, tail)) is row.text else replace(row, text=read, read_in_part=True)
            for row in rows
        ]
        for conversation_id, rows in pending.items()
    }


def _resume_within(engine: ConversationEngine) -> dt.timedelta:
    """How soon after an idle close a customer's next conversation goes on with their form."""
    return dt.timedelta(seconds=engine.config.timers.resume_after_idle_close)


def _add_named_cases(
    session: Session,
    conversations: dict[int, store.LoadedConversation],
    pending: dict[int, list[store.StoredInboundRow]],
    prefix: str,
) -> dict[int, set[str]]:
    """The cases the new messages name by number ("我的投诉TS2026…怎么样了"), for conversations
    still taking a complaint, where a status question is answered and a complaint naming one
    joins it, and for those handed off, whose customer may name their own case ("TS2026… 还是没修好"):
    one lookup for the batch. Returns the numbers named, by conversation."""
    named: dict[int, set[str]] = {}
    for conversation_id, rows in pending.items():
        conversation = conversations.get(conversation_id)
        if conversation is None or (
            conversation.state not in COLLECTING and conversation.state is not State.HANDED_OFF
        ):
            continue
        data = conversation.data
        numbers: set[str] = set()
        if data.unknown_case_numbers < MOST_UNKNOWN_CASE_NUMBERS:
            numbers = {number for row in rows if row.text for number in case_numbers_looked_up(row.text, prefix)}
            if data.told_case is not None:
                numbers.add(data.told_case)  # "多久能修好" after "TS2026… 还没修好": that case
        if data.case_check is not None:
            numbers.add(data.case_check)  # "8000": the answer is checked against that case's phone
        if numbers:
            named[conversation_id] = numbers
    if not named:
        return named
    found = store.named_cases(session, set().union(*named.values()))
    for conversation_id, numbers in named.items():
        conversation = conversations[conversation_id]
        cases = tuple(_as_named(found[number], conversation) for number in sorted(numbers) if number in found)
        if cases:
            conversation.customer = dataclasses.replace(conversation.customer, named_cases=cases)
    return named


def _check_budget(
    session: Session,
    conversations: dict[int, store.LoadedConversation],
    named: dict[int, set[str]],
    limits: CaseCheckLimits,
    now: dt.datetime,
) -> CaseCheckBudget:
    """The wrong answers already given, within the window, for the numbers the batch names and by
    the writers naming them (two statements, three with the writers' origins)."""
    writer_of = case_checks.writers(session, {cid: conversations[cid].identity_id for cid in named})
    cases, writers = case_checks.misses_since(
        session, set().union(*named.values()), set(writer_of.values()), now - CaseCheckBudget.window(limits)
    )
    return CaseCheckBudget(limits, cases, writers, writer_of)


def _as_named(case: store.NamedCase, conversation: store.LoadedConversation) -> CaseStatus:
    """What the engine may know of a case named by its number. The writer's own (filed by this
    conversation or this channel identity, the same customer, or the phone their channel vouches
    for is the case's contact phone: the same person on another channel) as it is; another's is
    told where it stands, never where it is, and comes with its phone's last digits, which the
    writer must give before acting on it."""
    customer = conversation.customer
    vouched = customer.phone if customer.phone_vouched else None
    filed_here = case.conversation_id == conversation.id or case.identity_id == conversation.identity_id
    if (
        filed_here
        or case.status.customer_id == conversation.customer_id
        or (vouched is not None and vouched == case.contact_phone)
    ):
        return dataclasses.replace(case.status, own=True)
    if conversation.data.case_proven == case.status.case_number:
        return dataclasses.replace(case.status, phone_tail=case.phone_tail)  # theirs since its digits were given
    return dataclasses.replace(
        case.status,
        area=None,
        category=None,
        problem=None,
        phone_tail=case.phone_tail,
        once_proven=dataclasses.replace(case.status, phone_tail=case.phone_tail),
    )


_OPT_KINDS = frozenset({MessageKind.OPT_OUT, MessageKind.OPT_IN})
_DEADLINE_KINDS = frozenset({TimelineKind.PROMISED, TimelineKind.DEADLINE_SET})
"""A case recorded with its reply time: promised now, or set now and said once the supervisor's
questions are answered. Either arms the case's timers."""


def _in_order(
    items: list[str], pending: list[store.StoredInboundRow], understood: dict[int, Understanding] | None = None
) -> list[tuple[Event, store.StoredInboundRow | None]]:
    """A conversation's drained inbox as the events to run.

    Customer messages come from ``pending`` (its unprocessed messages, oldest first) rather than
    from the inbox: at each ``m:<id>`` every pending message up to that id runs, so messages run
    in the order they were stored even when an earlier one's entry was lost or is re-queued
    after a later one. Entries of messages already processed run nothing.
    """
    events: list[tuple[Event, store.StoredInboundRow | None]] = []
    position = 0
    for item in items:
        if item.startswith("m:"):
            up_to = int(item[2:])
            while position < len(pending) and pending[position].id <= up_to:
                message = pending[position]
                position += 1
                if message.kind == MessageKind.START:
                    events.append((Started(), message))
                else:
                    reading = understood.get(message.id) if understood else None
                    # An opt word the pipeline does not handle itself is the text it is.
                    said = MessageKind.TEXT if message.kind in _OPT_KINDS else MessageKind(message.kind)
                    event = CustomerSaid(text=message.text, kind=said, understood=reading, menu=message.menu)
                    events.append((event, message))
        elif item == "s":
            events.append((Started(), None))
        elif item == "r":
            events.append((Resolved(), None))
        elif item.startswith("t:"):
            _, kind, token = item.split(":")
            events.append((TimerFired(TimerKind(kind), int(token)), None))
    return events


@dataclass(slots=True)
class _PendingReply:
    conversation: store.LoadedConversation
    reply: OutboundMessage
    in_reply_to: int | None = None
    received_at: dt.datetime | None = None
    closes: bool = False
    """The last reply of the step that closed the conversation."""


class _BatchWrites:
    """Rows collected while a batch runs, written with a few statements at its end."""

    def __init__(
        self,
        followups: Followups,
        router: HandoffRouter,
        tracker: Tracker,
        fallback_category: str = "",
        repeat_link_days: int = 0,
    ) -> None:
        self.followups = followups
        self.repeat_link_days = repeat_link_days
        self._tracker = tracker
        self.fallback_category = fallback_category
        self.case_timers: list[CaseTimer] = []
        self.reopened: list[int] = []
        self.reopened_earlier: list[tuple[int, str]] = []
        self.reopened_proven: list[tuple[int, str, str]] = []
        self._router = router
        self.staff_events: list[StaffEvent] = []
        self.processed: list[int] = []
        self.read_in_part: list[int] = []
        """Long texts the engine read by their beginning and end only (the console says so)."""
        self.timeline: list[dict[str, Any]] = []
        self.timers: list[tuple[int, TimerChange]] = []
        self.replies: list[_PendingReply] = []
        self.dropped: set[int] = set()
        self.queue_changed: list[int] = []
        self.fallback_categories = 0
        self.checks: CaseCheckBudget | None = None
        """The batch's case-check budget, when its messages name case numbers."""

    def refuse_checks(self, conversation: store.LoadedConversation) -> frozenset[str]:
        """The case numbers whose check this conversation's next event may not pass (their budget,
        or the writer's, is spent): the engine gets those cases without a phone, so that every
        answer misses in the words of a wrong one, never telling the lock or the case apart."""
        if self.checks is None:
            return frozenset()
        checks = self.checks
        customer = conversation.customer
        candidates = {case.case_number for case in customer.named_cases if case.case_number is not None}
        if conversation.data.case_check is not None:
            candidates.add(conversation.data.case_check)
        refused = frozenset(number for number in candidates if checks.refused(conversation.id, number))
        checkable = (case for case in customer.named_cases if case.phone_tail)
        if any(case.case_number in refused for case in checkable):
            cases = tuple(
                dataclasses.replace(case, phone_tail=None) if case.case_number in refused else case
                for case in customer.named_cases
            )
            conversation.customer = dataclasses.replace(customer, named_cases=cases)
        return refused

    def check_missed(
        self, session: Session, conversation: store.LoadedConversation, case_number: str, now: dt.datetime
    ) -> None:
        """A wrong answer to the check of ``case_number``: counted for the case and the writer; the
        case's staff are told when it spends the case's budget."""
        checks = self.checks
        writer = checks.writer(conversation.id) if checks is not None else None
        if checks is None or writer is None:
            return
        case_checks.note_miss(session, case_number, writer, conversation.id, now)
        locked = checks.miss(conversation.id, case_number, now)
        if checks.writer_spent(conversation.id):
            log.warning("case_check.writer_refused", writer=writer)
        if locked is None:
            return
        log.warning("case_check.case_locked", failures=locked.failures)
        row, events = case_checks.note_locked(session, locked, now)
        if row is not None:
            self.timeline.append(row)
        self.staff_events.extend(events)

    def add(
        self,
        session: Session,
        conversation: store.LoadedConversation,
        step: Step,
        now: dt.datetime,
        in_reply_to: int | None,
        received_at: dt.datetime | None = None,
    ) -> None:
        complaint_id: int | None = None
        if step.complaint is not None:
            complaint_id = store.save_complaint(session, conversation, step.complaint, now, self.repeat_link_days)
            if step.handoff is None and store.attach_to_waiting_ticket(session, conversation.id, complaint_id):
                self.queue_changed.append(conversation.id)  # told after the hand-off: the card shows the case
            if any(audit.kind in _DEADLINE_KINDS for audit in step.audit):
                record = step.complaint
                if record.category == self.fallback_category:
                    self.fallback_categories += 1
                self.case_timers.extend(
                    promise_store.arm_on_promise(
                        session,
                        conversation.id,
                        now,
                        record.deadline_at,
                        record.category,
                        now,
                        self.followups,
                        complaint_id=complaint_id,
                    )
                )
        if step.unverified_mention is not None:
            # Named by someone not confirmed as its customer: its staff see it, the case is untouched.
            mentioned = store.note_unverified_mention(session, conversation, step.unverified_mention, now)
            if mentioned is not None:
                self.timeline.append(mentioned)
        if step.appeal is not None:
            complaint_id = self._link_appeal(session, conversation, step, now)
        elif any(audit.kind is TimelineKind.WITHDRAWN_AFTER_HANDOFF for audit in step.audit):
            # Given up ("水已经来了，不用处理了"): no waiting apology, no breach, no follow-up.
            promise_store.cancel(session, conversation.id)
        if step.contact is not None:
            complaint_id = store.add_case_contact(session, conversation, step.contact) or complaint_id
            if step.contact.more_signals and step.handoff is None and complaint_id is not None:
                # "我有高血压" or "你们客服态度太差了" while the case waits: ranked and told as at the hand-off.
                reconsidered = self._router.reconsider(session, conversation, complaint_id, now)
                if reconsidered is not None:
                    self.timeline.extend(reconsidered.timeline)
                    self.staff_events.extend(reconsidered.events)
                    if reconsidered.timeline:
                        self.queue_changed.append(conversation.id)
        if step.escalated_deadline is not None:
            # A case handed off already, escalated: the escalation's time, its timers armed for it.
            moved = promise_store.bring_deadline_forward(
                session, conversation.id, step.escalated_deadline, now, self.followups
            )
            if moved is not None:
                complaint_id, timers = moved
                self.case_timers.extend(timers)
        if step.satisfaction is not None:
            complaint_id = promise_store.record_satisfaction(
                session, conversation.id, conversation.channel, step.satisfaction, now
            )
        if step.reopen:
            self.reopened.append(conversation.id)
        if step.reopen_case is not None:
            self.reopened_earlier.append((conversation.id, step.reopen_case))
        if step.reopen_proven_case is not None:
            self.reopened_proven.append((conversation.id, *step.reopen_proven_case))
        handed_to: dict[str, Any] = {}
        if step.handoff is not None:
            # The manager rules pick the queue and priority, notify, and may give the case
            # straight to its previous owner (首问负责).
            routed = self._router.hand_off(session, conversation, complaint_id, step, now)
            self.timeline.extend(routed.timeline)
            self.staff_events.extend(routed.events)
            self.queue_changed.append(conversation.id)
            # The hand-off row names the queue the ticket went to, not the one asked for before
            # the rules moved it (转人工 → 工程维修组, never → 综合投诉).
            handed_to = {"queue": routed.queue, "priority": routed.priority}
            if step.handoff.reason is TicketReason.APPEAL and conversation.owner != BOT_OWNER:
                self._appeal_of_an_owned_case(session, conversation, complaint_id, routed.ticket_id, now)
        if step.supervisor_told is not None and conversation.owner != BOT_OWNER:
            complaint_id = self._supervisor_told(session, conversation, step.supervisor_told, now) or complaint_id
        elif step.supervisor_told is not None:
            self._another_danger(session, conversation, step.supervisor_told, complaint_id, now)
        self.timers.extend((conversation.id, change) for change in step.timers)
        self.timeline.extend(
            {
                "conversation_id": conversation.id,
                "complaint_id": complaint_id,
                "kind": audit.kind,
                "actor": "bot",
                "detail": self._credited(
                    session,
                    conversation.id,
                    audit.kind,
                    {**audit.detail, **handed_to} if audit.kind is TimelineKind.HANDED_OFF else audit.detail,
                    now,
                ),
                "created_at": now,
            }
            for audit in step.audit
        )
        replies = [_PendingReply(conversation, reply, in_reply_to, received_at) for reply in step.replies]
        if step.close_reason is not None and replies:
            replies[-1].closes = True
        self.replies.extend(replies)

    def opt_change(
        self,
        engine: ConversationEngine,
        conversation: store.LoadedConversation,
        message: store.StoredInboundRow,
        kind: TimelineKind,
        confirmation: PhraseId | None,
        now: dt.datetime,
    ) -> None:
        """The identity opted out or in: a timeline row for the staff, and the confirmation, if
        any, in the language of the customer's word (else the conversation's)."""
        detail: dict[str, Any] = {"message_id": message.id, "by": "message" if confirmation is None else "word"}
        self.timeline.append(
            {
                "conversation_id": conversation.id,
                "complaint_id": None,
                "kind": kind,
                "actor": "customer",
                "detail": detail,
                "created_at": now,
            }
        )
        if confirmation is None:
            return
        word = engine.config.channels.sms.match(message.text)
        locale = engine.phrases.locale(word.locale if word is not None else conversation.locale)
        text = engine.phrases.render(confirmation, locale)
        reply = OutboundMessage(text=text, phrase_id=confirmation.value, sender=Sender.BOT)
        self.replies.append(_PendingReply(conversation, reply, message.id, message.created_at))

    def _credited(
        self, session: Session, conversation_id: int, kind: TimelineKind, detail: dict[str, Any], now: dt.datetime
    ) -> dict[str, Any]:
        """Praise is recorded for the agent it is for (seed 001 (15)), who is notified."""
        if kind is not TimelineKind.SIDE_PRAISE:
            return detail
        username, event = praise_store.credit_praise(session, conversation_id, detail.get("text"), now)
        if event is not None:
            self.staff_events.append(event)
        return {**detail, "staff": username} if username is not None else detail

    def _appeal_of_an_owned_case(
        self,
        session: Session,
        conversation: store.LoadedConversation,
        complaint_id: int | None,
        ticket_id: int,
        now: dt.datetime,
    ) -> None:
        """The customer appealed the handling of the case an agent holds ("你们根本不管 都第三次了"):
        the duty supervisors are told at once, and so is the agent holding it, who sees it happened."""
        detail = {"case_number": conversation.data.case_number, "channel": conversation.channel}
        for audience in (SUPERVISORS, owner_audience(conversation.owner)):
            notified = notify(
                session,
                "appeal",
                audience,
                now,
                conversation_id=conversation.id,
                complaint_id=complaint_id,
                ticket_id=ticket_id,
                detail={**detail, "owner": conversation.owner},
                dedupe_key=f"appeal:{ticket_id}:{audience}:{conversation.activity_seq}",
            )
            if notified is not None:
                self.staff_events.append(notified)

    def _supervisor_told(
        self, session: Session, conversation: store.LoadedConversation, told: SupervisorTold, now: dt.datetime
    ) -> int | None:
        """A leader asked for, a threat or danger now about the case an agent holds ("叫你们经理来",
        "再不修我就找媒体曝光", "楼道里煤气味特别大"): the duty supervisors are told at once, urgent (P0, as
        the same words before the hand-off would have made the case), and so is the agent, who
        keeps the case; unread, violence and danger are alerted again (``unseen_threats``).
        Returns the case's id."""
        case_number = conversation.data.case_number
        case = promise_store.complaint_numbered(session, conversation.id, case_number) if case_number else None
        complaint_id = case.id if case is not None else None
        detail = {
            "case_number": case_number,
            "reason": told.reason.value,
            "signals": list(told.signals),
            "text": told.text,
            "owner": conversation.owner,
            "channel": conversation.channel,
            "priority": 0,
        }
        told_now = f"{conversation.activity_seq}"
        self._tell_supervisors_and_holder(
            session, conversation.id, complaint_id, conversation.owner, detail, told_now, now
        )
        return complaint_id

    def _another_danger(
        self,
        session: Session,
        conversation: store.LoadedConversation,
        told: SupervisorTold,
        complaint_id: int | None,
        now: dt.datetime,
    ) -> None:
        """Danger of another kind told in a chat whose case waits for the duty supervisor already ("阳光花园3栋
        着火了" after the gas there): an urgent ``another_danger`` notice to the supervisors, once per
        message, where the waiting ticket would take it in silence; unread, alerted again (``unseen_threats``)."""
        detail = {
            "case_number": conversation.data.case_number,
            "reason": told.reason.value,
            "signals": list(told.signals),
            "text": told.text,
            "channel": conversation.channel,
            "priority": 0,
        }
        notified = notify(
            session,
            "another_danger",
            SUPERVISORS,
            now,
            conversation_id=conversation.id,
            complaint_id=complaint_id,
            detail=detail,
            dedupe_key=f"another_danger:{conversation.id}:{conversation.activity_seq}",
        )
        if notified is not None:
            self.staff_events.append(notified)

    def _tell_supervisors_and_holder(
        self,
        session: Session,
        conversation_id: int,
        complaint_id: int | None,
        holder: str,
        detail: dict[str, Any],
        told_now: str,
        now: dt.datetime,
    ) -> None:
        """The urgent ``supervisor_told`` notice to the duty supervisors and to the agent holding the
        case, once per message that tells it (``told_now``)."""
        for audience in (SUPERVISORS, owner_audience(holder)):
            notified = notify(
                session,
                "supervisor_told",
                audience,
                now,
                conversation_id=conversation_id,
                complaint_id=complaint_id,
                detail=detail,
                dedupe_key=f"supervisor_told:{conversation_id}:{audience}:{told_now}",
            )
            if notified is not None:
                self.staff_events.append(notified)

    def _link_appeal(
        self, session: Session, conversation: store.LoadedConversation, step: Step, now: dt.datetime
    ) -> int | None:
        """The appeal joins the open case (issue 12 item 3): its ticket to the supervisors, who
        are told; the case's conversation shows it in the queue and on its timeline."""
        assert step.appeal is not None
        linked = store.link_appeal(session, conversation, step.appeal, now)
        if linked is None:
            return None
        self.timeline.append(linked.timeline)
        self.staff_events.append(StaffEvent(StaffEventKind.CONVERSATION, (linked.case_conversation_id,)))
        if step.appeal.withdrawn:
            promise_store.cancel(session, linked.case_conversation_id)  # taken back from elsewhere
        if linked.held_by is not None:
            self._emergency_on_a_held_case(session, conversation, step, linked, now)
            return linked.complaint_id
        if linked.ticket_id is None:
            return linked.complaint_id
        self.queue_changed.append(linked.case_conversation_id)
        notified = notify(
            session,
            "appeal",
            SUPERVISORS,
            now,
            conversation_id=linked.case_conversation_id,
            complaint_id=linked.complaint_id,
            ticket_id=linked.ticket_id,
            detail={
                "case_number": step.appeal.case_number,
                "channel": conversation.channel,
                **({"phone_checked": True} if step.appeal.writer is CaseWriter.PHONE_CHECKED else {}),
                **_raised_for(step.appeal),
            },
            dedupe_key=f"appeal:{linked.complaint_id}:{conversation.id}",
        )
        if notified is not None:
            self.staff_events.append(notified)
        return linked.complaint_id

    def _emergency_on_a_held_case(
        self,
        session: Session,
        conversation: store.LoadedConversation,
        step: Step,
        linked: store.LinkedAppeal,
        now: dt.datetime,
    ) -> None:
        """Danger told from another conversation with the number of a case an agent holds ("TS2026…
        煤气味很重"): the duty supervisors and that agent get the urgent notice danger told in the
        case's own chat gives (``supervisor_told``, alerted again while unread), the agent keeping it."""
        assert linked.held_by is not None and step.appeal is not None
        detail = {
            "case_number": step.appeal.case_number,
            "reason": TicketReason.DANGER.value,
            "signals": sorted(signal.value for signal in step.data.signals if signal in ESCALATING_SIGNALS),
            "text": step.appeal.description,
            "owner": linked.held_by,
            "channel": conversation.channel,
            "priority": 0,
        }
        told_now = f"{conversation.id}:{conversation.activity_seq}"
        self._tell_supervisors_and_holder(
            session, linked.case_conversation_id, linked.complaint_id, linked.held_by, detail, told_now, now
        )

    def drop_replies(self, conversation_id: int) -> None:
        self.dropped.add(conversation_id)

    def _reopen(
        self, session: Session, conversation_id: int, now: dt.datetime, outcome: Effects, dispatcher: Dispatcher
    ) -> None:
        """The conversation's resolved case reopened for the customer (:meth:`Tracker.reopen_case`)."""
        conversation = session.get(Conversation, conversation_id)
        complaint = promise_store.latest_complaint(session, conversation_id)
        if conversation is None or complaint is None:
            return
        reopened = self._tracker.reopen_case(
            session, conversation, complaint, Reopener(), now, dispatcher.status_on_commit
        )
        _add_effects(outcome, reopened.effects)

    def flush(self, session: Session, now: dt.datetime, outcome: Effects, dispatcher: Dispatcher) -> None:
        store.mark_processed(session, self.processed, now)
        store.mark_read_in_part(session, self.read_in_part)
        outcome.queue_changed.extend(self.queue_changed)
        outcome.fallback_categories += self.fallback_categories
        outcome.staff_events.extend(self.staff_events)
        kept = [pending for pending in self.replies if pending.conversation.id not in self.dropped]
        for conversation_id in self.dropped:
            dropped = sum(1 for pending in self.replies if pending.conversation.id == conversation_id)
            self.timeline.append(
                {
                    "conversation_id": conversation_id,
                    "complaint_id": None,
                    "kind": TimelineKind.BOT_REPLY_DROPPED,
                    "actor": "bot",
                    "detail": {"replies": dropped},
                    "created_at": now,
                }
            )
        timers = [(cid, change) for cid, change in self.timers if cid not in self.dropped]
        store.append_timeline(session, self.timeline)
        store.save_timers(session, timers)
        outcome.timers.extend(
            TimerSchedule(cid, change.kind, change.token, change.due_at)
            for cid, change in timers
            if change.due_at is not None
        )
        outcome.timers.extend(TimerSchedule(t.conversation_id, t.kind, t.token, t.due_at) for t in self.case_timers)
        rows = [
            {
                "conversation_id": pending.conversation.id,
                "channel": pending.conversation.channel,
                "direction": "out",
                "sender": pending.reply.sender.value,
                "kind": "text",
                "text": pending.reply.text,
                "phrase_id": pending.reply.phrase_id,
                "options": options_to_json(pending.reply),
                "created_at": now,
                "delivery_status": dispatcher.status_on_commit(pending.conversation.channel),
            }
            for pending in kept
        ]
        ids = store.insert_outbound(session, rows)
        outcome.deliveries.extend(
            Delivery(
                message_id=message_id,
                conversation_id=pending.conversation.id,
                identity_id=pending.conversation.identity_id,
                channel=pending.conversation.channel,
                sender=pending.reply.sender,
                text=pending.reply.text,
                created_at=now,
                in_reply_to=pending.in_reply_to,
                received_at=pending.received_at,
                options=pending.reply.options,
                options_text=pending.reply.options_text,
                closes=pending.closes,
            )
            for message_id, pending in zip(ids, kept, strict=True)
        )
        # After every conversation and its replies were saved: the case the customer says is not
        # resolved is reopened as staff reopen one (graded, owned, told, on the timeline, timed).
        for conversation_id in self.reopened:
            if conversation_id not in self.dropped:
                self._reopen(session, conversation_id, now, outcome, dispatcher)
        for conversation_id, case_number in self.reopened_earlier:
            if conversation_id not in self.dropped:
                reopened = self._tracker.reopen_earlier_case(
                    session, conversation_id, case_number, now, dispatcher.status_on_commit
                )
                _add_effects(outcome, reopened.effects)
        for conversation_id, case_number, text in self.reopened_proven:
            if conversation_id not in self.dropped:
                reopened = self._tracker.reopen_proven_case(
                    session, conversation_id, case_number, text, now, dispatcher.status_on_commit
                )
                _add_effects(outcome, reopened.effects)
        touched = dict.fromkeys(row["conversation_id"] for row in [*self.timeline, *rows])
        if touched:
            outcome.staff_events.append(StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=tuple(touched)))


def _raised_for(link: AppealLink) -> dict[str, str]:
    """Why an appeal's link raised the case when that is no appeal: danger told with the case."""
    escalation = link.escalation
    if escalation is None or escalation.reason is TicketReason.APPEAL:
        return {}
    return {"reason": escalation.reason.value}


def _add_effects(outcome: Effects, more: Effects) -> None:
    """A tracker action's effects, carried out with the batch's."""
    outcome.deliveries.extend(more.deliveries)
    outcome.staff_events.extend(more.staff_events)
    outcome.timers.extend(more.timers)
    outcome.queue_changed.extend(more.queue_changed)


__all__ = ["Pipeline", "State", "StoredInbound"]
