"""Inbound messages from storage to replies, in order, with group commits.

Two steps run in one loop per process, each one transaction for a whole batch:

1. **persist**: inbound messages from every connection are stored (deduplicated on the
   provider's message id) and committed together; only then is each one acknowledged and its id
   appended to its conversation's Redis inbox.
2. **process**: for each conversation with pending events, the process that wins the
   conversation's Redis lock drains its inbox in arrival order, runs the engine and writes the
   results; after the commit it releases the lock and re-checks the inbox, so an event pushed by
   another instance while the lock was held is never stranded.

Anything stored but never processed (a crash between the commit and the push, a Redis restart)
is found by :meth:`Pipeline.reconcile` and pushed again; processing skips what is already done.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import redis_keys, store
from bot.engine import ConversationEngine, ConversationSnapshot
from bot.flows.complaint import CustomerSaid, Event, Started, State, Step, TimerFired, TimerKind
from bot.messages import InboundMessage, MessageKind, Sender

log = structlog.get_logger(__name__)

Clock = Callable[[], dt.datetime]
LOCK_MILLISECONDS = 30_000

_RELEASE_LOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class StoredInbound:
    message_id: int
    conversation_id: int
    duplicate: bool


@dataclass(frozen=True, slots=True)
class Delivery:
    """A stored message to hand to the outbound gateway after its transaction committed."""

    message_id: int
    conversation_id: int
    identity_id: int
    channel: str
    sender: Sender
    text: str
    created_at: dt.datetime
    provider_message_id: str | None = None


@dataclass(frozen=True, slots=True)
class TimerSchedule:
    conversation_id: int
    kind: TimerKind
    token: int
    due_at: dt.datetime


class Dispatcher:
    """Where committed messages and timers go; the app and the worker each give their own."""

    async def deliver(self, deliveries: Sequence[Delivery]) -> None:
        raise NotImplementedError

    async def schedule(self, timers: Sequence[TimerSchedule]) -> None:
        raise NotImplementedError

    def status_on_commit(self, channel: str) -> str:
        """The delivery status an outbound message of ``channel`` is stored with."""
        raise NotImplementedError


@dataclass(slots=True)
class _Submission:
    inbound: InboundMessage
    conversation_id: int | None
    identity_id: int | None
    future: asyncio.Future[StoredInbound]


@dataclass(slots=True)
class _Outcome:
    deliveries: list[Delivery] = field(default_factory=list)
    timers: list[TimerSchedule] = field(default_factory=list)


def _encode(event: Event | int) -> str:
    if isinstance(event, int):
        return f"m:{event}"
    if isinstance(event, Started):
        return "s"
    if isinstance(event, TimerFired):
        return f"t:{event.kind.value}:{event.token}"
    raise TypeError(f"cannot queue {event!r}")


class Pipeline:
    """The one path from an inbound message to stored replies. One per process."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        redis: Redis,
        engine: ConversationEngine,
        dispatcher: Dispatcher,
        clock: Clock = utc_now,
        batch_max: int = 256,
        on_stored: Callable[[Sequence[Delivery]], Awaitable[None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._redis = redis
        self._engine = engine
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
        self._release_lock = redis.register_script(_RELEASE_LOCK)
        self._lock_token = secrets.token_hex(8)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._accepting = True
        self._task = asyncio.create_task(self._run(), name="pipeline")

    async def stop(self) -> None:
        """Stop taking messages, finish every message already taken, then return."""
        self._accepting = False
        if self._task is None:
            return
        self._wakeup.set()
        await self.drained()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def drained(self) -> None:
        """Wait until nothing submitted here is waiting to be stored or processed."""
        while self._submissions or self._dirty or not self._idle.is_set():
            self._wakeup.set()
            await asyncio.sleep(0.005)

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
        await self._redis.rpush(redis_keys.conversation_inbox(conversation_id), *map(_encode, events))
        self.wake(conversation_id)

    def wake(self, conversation_id: int) -> None:
        self._dirty[conversation_id] = None
        self._wakeup.set()

    async def process_now(self, conversation_ids: Sequence[int]) -> None:
        """Process these conversations' pending events before returning (for workers)."""
        await self._process(list(conversation_ids))

    async def reconcile(self, grace: dt.timedelta = dt.timedelta(seconds=10)) -> int:
        """Queue again every inbound message stored but not processed after ``grace``."""
        async with self._sessions() as session:
            pending = await store.unprocessed_inbound(session, self._clock() - grace)
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
                while self._submissions:
                    batch = self._submissions[: self._batch_max]
                    del self._submissions[: self._batch_max]
                    await self._persist(batch)
                while self._dirty:
                    conversation_ids = list(self._dirty)[: self._batch_max]
                    for conversation_id in conversation_ids:
                        del self._dirty[conversation_id]
                    await self._process(conversation_ids)
            except Exception:
                log.exception("pipeline.loop_failed")
                await asyncio.sleep(0.5)
            finally:
                if not self._submissions and not self._dirty:
                    self._idle.set()

    async def _persist(self, batch: list[_Submission]) -> None:
        now = self._clock()
        results: list[StoredInbound] = []
        try:
            async with self._sessions() as session, session.begin():
                for item in batch:
                    conversation_id = item.conversation_id
                    if conversation_id is None:
                        conversation_id = await self._resolve_conversation(session, item, now)
                    message_id, created = await store.insert_inbound(session, conversation_id, item.inbound, now)
                    results.append(StoredInbound(message_id, conversation_id, duplicate=not created))
        except Exception as error:
            for item in batch:
                if not item.future.done():
                    item.future.set_exception(error)
            raise
        fresh = [result for result in results if not result.duplicate]
        if fresh:
            async with self._redis.pipeline(transaction=False) as redis_pipe:
                for result in fresh:
                    redis_pipe.rpush(redis_keys.conversation_inbox(result.conversation_id), f"m:{result.message_id}")
                await redis_pipe.execute()
            for result in fresh:
                self._dirty[result.conversation_id] = None
        if self._on_stored is not None and fresh:
            await self._on_stored(
                [
                    Delivery(
                        message_id=result.message_id,
                        conversation_id=result.conversation_id,
                        identity_id=item.identity_id or 0,
                        channel=item.inbound.channel.value,
                        sender=Sender.CUSTOMER,
                        text=item.inbound.text,
                        created_at=now,
                        provider_message_id=item.inbound.provider_message_id,
                    )
                    for item, result in zip(batch, results, strict=True)
                    if not result.duplicate
                ]
            )
        for item, result in zip(batch, results, strict=True):
            if not item.future.done():
                item.future.set_result(result)

    async def _resolve_conversation(self, session: AsyncSession, item: _Submission, now: dt.datetime) -> int:
        inbound = item.inbound
        locale = self._engine.phrases.locale(inbound.locale)
        if item.identity_id is not None:
            conversation_id = await store.current_conversation_id(session, item.identity_id)
            if conversation_id is not None:
                return conversation_id
            identity = await session.get(store.ChannelIdentity, item.identity_id)
            assert identity is not None
            return await store.ensure_open_conversation(session, identity, locale, now)
        identity = await store.find_identity(session, inbound.channel.value, inbound.sender_id)
        if identity is None:
            await store.create_customer_identity(
                session, inbound.channel, inbound.sender_id, now, inbound.sender_phone, inbound.sender_name
            )
            identity = await store.find_identity(session, inbound.channel.value, inbound.sender_id)
            assert identity is not None
        return await store.ensure_open_conversation(session, identity, locale, now)

    # ------------------------------------------------------------------ processing

    async def _process(self, conversation_ids: list[int]) -> None:
        if not conversation_ids:
            return
        async with self._redis.pipeline(transaction=False) as redis_pipe:
            for conversation_id in conversation_ids:
                redis_pipe.set(
                    redis_keys.conversation_lock(conversation_id), self._lock_token, nx=True, px=LOCK_MILLISECONDS
                )
            acquired = await redis_pipe.execute()
        locked = [cid for cid, ok in zip(conversation_ids, acquired, strict=True) if ok]
        if not locked:
            return
        async with self._redis.pipeline(transaction=True) as redis_pipe:
            for conversation_id in locked:
                key = redis_keys.conversation_inbox(conversation_id)
                redis_pipe.lrange(key, 0, -1)
                redis_pipe.delete(key)
            drained = await redis_pipe.execute()
        events = {
            conversation_id: [item.decode() if isinstance(item, bytes) else item for item in drained[2 * index]]
            for index, conversation_id in enumerate(locked)
        }
        outcome = _Outcome()
        try:
            if any(events.values()):
                await self._run_events(events, outcome)
        except Exception:
            await self._requeue(events)
            raise
        finally:
            await self._release(locked)
        await self._dispatcher.deliver(outcome.deliveries)
        await self._dispatcher.schedule(outcome.timers)

    async def _requeue(self, events: dict[int, list[str]]) -> None:
        async with self._redis.pipeline(transaction=False) as redis_pipe:
            for conversation_id, items in events.items():
                if items:
                    redis_pipe.lpush(redis_keys.conversation_inbox(conversation_id), *reversed(items))
            await redis_pipe.execute()

    async def _release(self, locked: list[int]) -> None:
        async with self._redis.pipeline(transaction=False) as redis_pipe:
            for conversation_id in locked:
                await self._release_lock(
                    keys=[redis_keys.conversation_lock(conversation_id)], args=[self._lock_token], client=redis_pipe
                )
            for conversation_id in locked:
                redis_pipe.llen(redis_keys.conversation_inbox(conversation_id))
            results = await redis_pipe.execute()
        for conversation_id, pending in zip(locked, results[len(locked) :], strict=True):
            if pending:
                self.wake(conversation_id)

    async def _run_events(self, events: dict[int, list[str]], outcome: _Outcome) -> None:
        now = self._clock()
        message_ids = [int(item[2:]) for items in events.values() for item in items if item.startswith("m:")]
        async with self._sessions() as session, session.begin():
            conversations = await store.load_conversations(session, [cid for cid, items in events.items() if items])
            messages = await store.load_inbound(session, message_ids) if message_ids else {}
            for conversation_id, items in events.items():
                conversation = conversations.get(conversation_id)
                if conversation is None or not items:
                    continue
                await self._run_conversation(session, conversation, items, messages, now, outcome)

    async def _run_conversation(
        self,
        session: AsyncSession,
        conversation: store.LoadedConversation,
        items: list[str],
        messages: dict[int, store.Message],
        now: dt.datetime,
        outcome: _Outcome,
    ) -> None:
        seen: set[int] = set()
        for item in items:
            event, message = self._decode(item, messages, seen)
            if event is None:
                continue
            if message is not None and conversation.status == "closed":
                conversation = await self._reopen(session, conversation, message, now, outcome)
            if message is None and isinstance(event, TimerFired):
                await store.mark_timer_fired(session, conversation.id, event.kind.value, event.token)
            snapshot = ConversationSnapshot(
                conversation_id=conversation.id,
                state=conversation.state,
                data=conversation.data,
                locale=conversation.locale,
                owner=conversation.owner,
                customer=conversation.customer,
            )
            step = self._engine.handle(snapshot, event, now)
            if message is not None:
                conversation.activity_seq += 1
                await store.mark_processed(session, [message.id], now)
            await self._apply(session, conversation, step, now, outcome, customer_spoke=message is not None)

    def _decode(
        self, item: str, messages: dict[int, store.Message], seen: set[int]
    ) -> tuple[Event | None, store.Message | None]:
        if item == "s":
            return Started(), None
        if item.startswith("t:"):
            _, kind, token = item.split(":")
            return TimerFired(TimerKind(kind), int(token)), None
        message_id = int(item[2:])
        message = messages.get(message_id)
        if message is None or message.processed_at is not None or message_id in seen:
            return None, None
        seen.add(message_id)
        return CustomerSaid(text=message.text, kind=MessageKind(message.kind)), message

    async def _reopen(
        self,
        session: AsyncSession,
        closed: store.LoadedConversation,
        message: store.Message,
        now: dt.datetime,
        outcome: _Outcome,
    ) -> store.LoadedConversation:
        """A customer wrote after their conversation was closed: a new conversation takes it."""
        new_id = await store.open_conversation(
            session, closed.customer_id, closed.identity_id, closed.channel, closed.locale, now
        )
        await store.move_message(session, message.id, new_id)
        reopened = (await store.load_conversations(session, [new_id]))[new_id]
        return reopened

    async def _apply(
        self,
        session: AsyncSession,
        conversation: store.LoadedConversation,
        step: Step,
        now: dt.datetime,
        outcome: _Outcome,
        customer_spoke: bool,
    ) -> None:
        conversation.state = step.state
        conversation.data = step.data
        if step.close_reason is not None:
            conversation.status = "closed"
        still_ours = await store.save_conversation(session, conversation, now, step.close_reason, customer_spoke)
        timeline: list[dict[str, Any]] = []
        if not still_ours:
            timeline.append(
                {
                    "conversation_id": conversation.id,
                    "kind": "bot_reply_dropped",
                    "actor": "bot",
                    "detail": {"replies": len(step.replies)},
                    "created_at": now,
                }
            )
            await store.append_timeline(session, timeline)
            return
        complaint_id: int | None = None
        if step.complaint is not None:
            complaint_id = await store.save_complaint(session, conversation, step.complaint, now)
        if step.handoff is not None:
            await store.open_or_raise_ticket(session, conversation.id, complaint_id, step.handoff, now)
        await store.save_timers(session, conversation.id, step.timers)
        for change in step.timers:
            if change.due_at is not None:
                outcome.timers.append(TimerSchedule(conversation.id, change.kind, change.token, change.due_at))
        timeline.extend(
            {
                "conversation_id": conversation.id,
                "complaint_id": complaint_id,
                "kind": audit.kind,
                "actor": "bot",
                "detail": audit.detail,
                "created_at": now,
            }
            for audit in step.audit
        )
        await store.append_timeline(session, timeline)
        rows = [
            {
                "conversation_id": conversation.id,
                "channel": conversation.channel,
                "direction": "out",
                "sender": reply.sender.value,
                "kind": "text",
                "text": reply.text,
                "phrase_id": reply.phrase_id,
                "created_at": now,
                "delivery_status": self._dispatcher.status_on_commit(conversation.channel),
            }
            for reply in step.replies
        ]
        ids = await store.insert_outbound(session, rows)
        outcome.deliveries.extend(
            Delivery(
                message_id=message_id,
                conversation_id=conversation.id,
                identity_id=conversation.identity_id,
                channel=conversation.channel,
                sender=reply.sender,
                text=reply.text,
                created_at=now,
            )
            for message_id, reply in zip(ids, step.replies, strict=True)
        )


__all__ = ["Clock", "Delivery", "Dispatcher", "Pipeline", "State", "StoredInbound", "TimerSchedule", "utc_now"]
