"""The live queue: the waiting tickets in Redis, kept in step with the database.

The database is the source of truth; Redis holds what ordering needs for every waiting ticket
(one hash, plus the field "built" once it is complete), so reading the queue costs one HGETALL.
Every change (a ticket opened by the pipeline, claimed, transferred, resolved) calls
:meth:`LiveQueue.changed` after its commit, which re-reads those conversations' tickets and
writes them. Lost data (a flush, a restart without persistence) is rebuilt from the database by
the first reader, under a short lock so instances don't all rebuild at once; the reconcile cron
rebuilds it too, so any drift heals within a minute.

Writers read the database while WATCHing a version counter that every write bumps: a write based
on a read that another write overtook fails and reads again, so an older view never lands last.

A change is told to the consoles as one ``queue`` staff event per queue whose waiting tickets it
changed (the queue a ticket waits in now, and the one it left), naming that queue: only the staff
who see that queue hear of it (``bot.staff.event_socket``), so an agent of another queue is not
told that a case exists, nor made to refetch.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any

import structlog
from arq import ArqRedis
from redis.exceptions import WatchError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import QueueSettings, Signal
from bot.core import redis_keys
from bot.core.redis_replies import awaited
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.handoff.queue import ServedFirst, WaitingTicket, queue_order
from bot.staff.events import publish
from bot.storage import tickets

log = structlog.get_logger(__name__)

BUILT_FIELD = "built"
ANNOUNCE_JOB = "announce_queue"
REBUILD_LOCK_MS = 5_000
WRITE_ATTEMPTS = 20

Clock = Callable[[], dt.datetime]
Gone = dict[int, tuple[int, str]]
"""Tickets of the conversations read that no longer wait: ticket id → (conversation id, queue)."""
QueueChanges = dict[str, set[int]]
"""Queue → the conversations whose waiting tickets there a change added, moved or removed."""


def ticket_to_json(ticket: WaitingTicket) -> str:
    return json.dumps(ticket.to_json_dict(), ensure_ascii=False)


def ticket_from_json(data: str | bytes) -> WaitingTicket:
    body = json.loads(data)
    return WaitingTicket(
        id=int(body["id"]),
        conversation_id=int(body["conversation_id"]),
        queue=body["queue"],
        priority=int(body["priority"]),
        reason=body["reason"],
        created_at=dt.datetime.fromisoformat(body["created_at"]),
        deadline_at=dt.datetime.fromisoformat(body["deadline_at"]) if body.get("deadline_at") else None,
        case_number=body.get("case_number"),
        category=body.get("category"),
        elder=bool(body.get("elder", False)),
        signals=tuple(body.get("signals") or ()),
        first_deadline_at=_moment(body.get("first_deadline_at")),
        tier=body.get("tier"),
    )


def positions_in_queue(ordered: Sequence[WaitingTicket]) -> dict[int, int]:
    """Ticket id → 1-based position among the tickets of its own queue, in the given order."""
    seen: dict[str, int] = {}
    positions: dict[int, int] = {}
    for ticket in ordered:
        seen[ticket.queue] = seen.get(ticket.queue, 0) + 1
        positions[ticket.id] = seen[ticket.queue]
    return positions


def queue_events(conversation_ids: Sequence[int], changes: QueueChanges) -> list[StaffEvent]:
    """The ``queue`` staff events of a change to these conversations' tickets: one per queue in
    ``changes``, naming it and its conversations (told to the staff who see that queue), and one
    naming no queue for the conversations no waiting ticket of which changed (a claimed case
    resolved: told to supervisors and managers, and to the consoles that watch them)."""
    events = [
        StaffEvent(kind=StaffEventKind.QUEUE, conversation_ids=tuple(sorted(ids)), queue=queue)
        for queue, ids in sorted(changes.items())
    ]
    named = {cid for ids in changes.values() for cid in ids}
    rest = tuple(sorted(set(conversation_ids) - named))
    if rest:
        events.append(StaffEvent(kind=StaffEventKind.QUEUE, conversation_ids=rest))
    return events


async def _load(
    sessions: async_sessionmaker[AsyncSession], conversation_ids: Sequence[int] | None
) -> tuple[list[WaitingTicket], Gone]:
    """Waiting tickets (of ``conversation_ids``, or all) and those conversations' tickets that no
    longer wait."""
    waiting: list[WaitingTicket] = []
    gone: Gone = {}
    async with sessions() as session:
        rows = await session.run_sync(tickets.tickets_with_complaint, conversation_ids)
        for ticket, brief, tier in rows:
            if ticket.status != "waiting":
                gone[ticket.id] = (ticket.conversation_id, ticket.queue)
                continue
            waiting.append(
                WaitingTicket(
                    id=ticket.id,
                    conversation_id=ticket.conversation_id,
                    queue=ticket.queue,
                    priority=ticket.priority,
                    reason=ticket.reason,
                    created_at=ticket.created_at,
                    deadline_at=brief.deadline_at,
                    case_number=brief.case_number,
                    category=brief.category,
                    elder=Signal.ELDER.value in brief.signals,
                    signals=tuple(brief.signals),
                    first_deadline_at=brief.original_deadline_at,
                    tier=tier,
                )
            )
    return waiting, gone


class LiveQueue:
    """The waiting tickets in Redis, rebuilt from the database when lost. One per process."""

    def __init__(
        self,
        redis: ArqRedis,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: QueueSettings,
        tiers_first: Callable[[], Collection[str]] = tuple,
    ) -> None:
        """``tiers_first``: the customer tiers served first among equals now (``deadlines.yaml``
        ``urgent_tiers``, which a manager may change at any time)."""
        self._redis = redis
        self._sessions = sessions
        self._clock = clock
        self.settings = settings
        self._tiers_first = tiers_first

    @property
    def aging(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.settings.aging_minutes)

    @property
    def elder_head_start(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.settings.elder_head_start_minutes)

    # ------------------------------------------------------------------ reading

    async def waiting(self) -> list[WaitingTicket]:
        """Every waiting ticket (unordered), from Redis; rebuilt from the database when lost."""
        raw = await awaited(self._redis.hgetall(redis_keys.LIVE_QUEUE))
        fields = {_text(key): value for key, value in raw.items()}
        if BUILT_FIELD in fields:
            return [ticket_from_json(value) for key, value in fields.items() if key != BUILT_FIELD]
        return await self._rebuild_once()

    async def ordered(self) -> list[WaitingTicket]:
        """The waiting tickets in the order agents should take them (aging, who is served first and
        the head start of elders and of customers ill or pregnant, the tiers served first, from config)."""
        first = self.settings.served_first
        served_first = ServedFirst(frozenset(first.reasons), frozenset(first.signals))
        return queue_order(
            await self.waiting(),
            self._clock(),
            self.aging,
            served_first,
            self.elder_head_start,
            frozenset(str(signal) for signal in self.settings.head_start_signals),
            frozenset(self._tiers_first()),
        )

    async def _rebuild_once(self) -> list[WaitingTicket]:
        token = secrets.token_hex(8)
        if await self._redis.set(redis_keys.LIVE_QUEUE_REBUILD_LOCK, token, nx=True, px=REBUILD_LOCK_MS):
            try:
                log.warning("live_queue.rebuilding", reason="missing in redis")
                return await self.rebuild()
            finally:
                if _text(await self._redis.get(redis_keys.LIVE_QUEUE_REBUILD_LOCK) or b"") == token:
                    await self._redis.delete(redis_keys.LIVE_QUEUE_REBUILD_LOCK)
        # Another instance is rebuilding: wait for it briefly, else answer from the database.
        for _ in range(40):
            await asyncio.sleep(0.05)
            if await awaited(self._redis.hexists(redis_keys.LIVE_QUEUE, BUILT_FIELD)):
                return await self.waiting()
        waiting, _ = await _load(self._sessions, None)
        return waiting

    # ------------------------------------------------------------------ writing

    async def rebuild(self) -> list[WaitingTicket]:
        """Replace the Redis copy with every waiting ticket in the database; returns them."""

        def apply(pipe: Any, waiting: list[WaitingTicket], gone: Gone) -> None:
            pipe.delete(redis_keys.LIVE_QUEUE)
            mapping = {str(ticket.id): ticket_to_json(ticket) for ticket in waiting}
            pipe.hset(redis_keys.LIVE_QUEUE, mapping={**mapping, BUILT_FIELD: "1"})

        return await self._write(lambda: _load(self._sessions, None), apply)

    async def sync(self, conversation_ids: Sequence[int]) -> QueueChanges:
        """Write these conversations' tickets as the database has them now; returns the queues
        whose waiting tickets this changes (each with its conversations): the queue each ticket
        waits in, and the one each waited in before as the Redis copy had it (a ticket claimed,
        resolved, transferred or escalated away). With no complete copy to tell, every queue
        those conversations' tickets that no longer wait were in (staff of those queues may read
        them: ``bot.staff.access``)."""
        changes: QueueChanges = {}
        if not conversation_ids:
            return changes

        async def compare(pipe: Any, waiting: list[WaitingTicket], gone: Gone) -> None:
            changes.clear()
            for ticket in waiting:
                changes.setdefault(ticket.queue, set()).add(ticket.conversation_id)
            fields = [*(str(ticket.id) for ticket in waiting), *(str(ticket_id) for ticket_id in gone)]
            *before, built = await pipe.hmget(redis_keys.LIVE_QUEUE, [*fields, BUILT_FIELD])
            for value in before:
                if value is not None:
                    old = ticket_from_json(value)
                    changes.setdefault(old.queue, set()).add(old.conversation_id)
            if built is None:
                for conversation_id, queue in gone.values():
                    changes.setdefault(queue, set()).add(conversation_id)

        def apply(pipe: Any, waiting: list[WaitingTicket], gone: Gone) -> None:
            if waiting:
                pipe.hset(redis_keys.LIVE_QUEUE, mapping={str(t.id): ticket_to_json(t) for t in waiting})
            if gone:
                pipe.hdel(redis_keys.LIVE_QUEUE, *(str(ticket_id) for ticket_id in gone))

        await self._write(lambda: _load(self._sessions, conversation_ids), apply, compare)
        return changes

    async def _write(
        self,
        load: Callable[[], Awaitable[tuple[list[WaitingTicket], Gone]]],
        apply: Callable[[Any, list[WaitingTicket], Gone], None],
        compare: Callable[[Any, list[WaitingTicket], Gone], Awaitable[None]] | None = None,
    ) -> list[WaitingTicket]:
        """Load, then (``compare``, reading the copy as it is before) write in one transaction,
        again while another write overtakes it."""
        for _ in range(WRITE_ATTEMPTS):
            async with self._redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(redis_keys.LIVE_QUEUE_VERSION)
                    waiting, gone = await load()
                    if compare is not None:
                        await compare(pipe, waiting, gone)
                    pipe.multi()
                    apply(pipe, waiting, gone)
                    pipe.incr(redis_keys.LIVE_QUEUE_VERSION)
                    await pipe.execute()
                    return waiting
                except WatchError:
                    continue
        # Very busy: leave it; readers and the reconcile cron rebuild from the database.
        log.warning("live_queue.write_gave_up")
        await awaited(self._redis.hdel(redis_keys.LIVE_QUEUE, BUILT_FIELD))
        return (await load())[0]

    # ------------------------------------------------------------------ after a change

    async def changed(self, conversation_ids: Sequence[int]) -> None:
        """Call after committing a change to these conversations' tickets: updates Redis, tells
        the consoles that see the queues it changed (``queue`` staff events, :func:`queue_events`)
        and has the waiting customers told their position."""
        ids = sorted(set(conversation_ids))
        if not ids:
            return
        changes: QueueChanges = {}
        try:
            changes = await self.sync(ids)
        except Exception:
            # The change is committed; a failed copy is rebuilt by the reconcile cron. Which queues
            # it touched is unknown: told with no queue (supervisors, managers, watching consoles).
            log.exception("live_queue.sync_failed", conversation_ids=ids)
            await awaited(self._redis.hdel(redis_keys.LIVE_QUEUE, BUILT_FIELD))
        await publish(self._redis, *queue_events(ids, changes))
        await self.request_announcement()

    async def request_announcement(self) -> None:
        """Have ``announce_queue`` run: bursts collapse into one job (fixed job id); a change
        during a run makes that run look again before it ends."""
        await self._redis.set(redis_keys.QUEUE_ANNOUNCE_PENDING, "1")
        await self._redis.enqueue_job(ANNOUNCE_JOB, _job_id=ANNOUNCE_JOB)

    async def take_announcement_request(self) -> bool:
        """True (once) if a change asked for an announcement since the last call."""
        return bool(await self._redis.delete(redis_keys.QUEUE_ANNOUNCE_PENDING))


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
