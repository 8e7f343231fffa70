"""arq jobs. Each takes ids and finds its resources with ``resources(ctx)`` (set by ``on_startup``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import structlog

from bot.flows.complaint import Resolved, TimerFired, TimerKind
from bot.promises.timers import job_for
from bot.resources import resources
from bot.storage import deliveries
from bot.storage import promises as promise_store
from bot.storage import timers as timer_store
from workers.delivery import MAX_DELIVERY_TRIES, deliver_message, deliver_messages, reconcile_deliveries

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]
__all__ = ["MAX_DELIVERY_TRIES", "deliver_message", "deliver_messages", "fire_timer", "reconcile"]


async def fire_timer(ctx: Ctx, conversation_id: int, kind: str, token: int) -> None:
    """A conversation timer is due: run it through the conversation's ordered inbox."""
    structlog.contextvars.bind_contextvars(conversation_id=conversation_id)  # this job's task only
    pipeline = resources(ctx).pipeline
    await pipeline.push(conversation_id, [TimerFired(TimerKind(kind), token)])
    await pipeline.process_now([conversation_id])


async def reconcile(ctx: Ctx) -> None:
    """Cron: re-queue stored-but-unprocessed messages, due timers and provider deliveries that lost
    their job; rebuild the live queue."""
    res = resources(ctx)
    pipeline = res.pipeline
    await pipeline.reconcile()
    # The live queue is rebuilt from the database so any drift heals, and waiting customers
    # hear a position that changed without an event (aging).
    await res.live_queue.rebuild()
    await res.live_queue.request_announcement()
    sessions = res.sessions
    now = res.clock()
    async with sessions() as session:
        due = await session.run_sync(timer_store.overdue_timers, now - dt.timedelta(seconds=30))
    for timer in due:
        await res.redis.enqueue_job(
            job_for(timer.kind),
            timer.conversation_id,
            timer.kind,
            timer.token,
            _job_id=f"timer:{timer.conversation_id}:{timer.kind}:{timer.token}:late",
        )
    if due:
        ids = [timer.id for timer in due]
        await res.database.write(lambda session: timer_store.mark_requeued(session, ids))
    await reconcile_deliveries(ctx)
    kept = dt.timedelta(hours=res.config.channels.sms.unmatched_reports_kept_hours)
    forgotten = await res.database.write(lambda session: deliveries.prune_unmatched_sms_reports(session, now - kept))
    if forgotten:
        log.info("reconcile.sms_reports_forgotten", reports=forgotten)
    # A resolution whose Resolved event was lost (Redis down right after the commit) still gets
    # its satisfaction callback.
    stranded = await res.database.write(
        lambda session: promise_store.resolved_awaiting_callback(session, now - dt.timedelta(seconds=30))
    )
    for conversation_id in stranded:
        await pipeline.push(conversation_id, [Resolved()])
    if stranded:
        log.warning("reconcile.resolutions_resumed", conversations=len(stranded))
