"""arq jobs. Each takes ids and finds its resources in ``ctx`` (filled by ``on_startup``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import structlog
from arq import Retry
from sqlalchemy import select, update

from bot.channels.base import ChannelAdapter
from bot.channels.sms import DeliveryError
from bot.flows.complaint import TimerFired, TimerKind
from bot.messages import OutboundMessage
from bot.models import ChannelIdentity, Conversation, Message, Timer
from bot.pipeline import Pipeline
from workers.timers import TIMER_JOB

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]
MAX_DELIVERY_TRIES = 8


async def fire_timer(ctx: Ctx, conversation_id: int, kind: str, token: int) -> None:
    """A conversation timer is due: run it through the conversation's ordered inbox."""
    pipeline: Pipeline = ctx["pipeline"]
    await pipeline.push(conversation_id, [TimerFired(TimerKind(kind), token)])
    await pipeline.process_now([conversation_id])


async def deliver_message(ctx: Ctx, message_id: int) -> str:
    """Deliver a stored outbound message through its channel's adapter.

    Channels with a provider API register an adapter in ``ctx["adapters"]``; a message for a
    channel that has none is marked failed with the reason, never silently dropped.
    """
    sessions = ctx["sessions"]
    adapters: dict[str, ChannelAdapter] = ctx.get("adapters", {})
    async with sessions() as session, session.begin():
        row = (
            await session.execute(
                select(Message, ChannelIdentity.external_id)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .join(ChannelIdentity, ChannelIdentity.id == Conversation.identity_id)
                .where(Message.id == message_id)
            )
        ).first()
        if row is None or row[0].delivery_status != "pending":
            return "skipped"
        message, recipient = row
        adapter = adapters.get(message.channel)
        if adapter is None:
            message.delivery_status = "failed"
            log.error("deliver.no_adapter", message_id=message_id, channel=message.channel)
            return "failed: no adapter for this channel"
        text = message.text
    try:
        provider_id = await adapter.send(recipient, OutboundMessage(text=text), message_id)
    except DeliveryError as error:
        if not error.permanent and ctx.get("job_try", 1) < MAX_DELIVERY_TRIES:
            log.warning("deliver.retry", message_id=message_id, error=str(error), attempt=ctx.get("job_try", 1))
            raise Retry(defer=min(2 ** ctx.get("job_try", 1), 300)) from error
        async with sessions() as session, session.begin():
            await session.execute(update(Message).where(Message.id == message_id).values(delivery_status="failed"))
        log.error("deliver.failed", message_id=message_id, error=str(error), permanent=error.permanent)
        return f"failed: {error}"
    async with sessions() as session, session.begin():
        await session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(delivery_status="sent", provider_message_id=provider_id)
        )
    return "sent"


async def reconcile(ctx: Ctx) -> None:
    """Cron: re-queue stored-but-unprocessed messages and due timers that lost their job."""
    pipeline: Pipeline = ctx["pipeline"]
    await pipeline.reconcile()
    sessions = ctx["sessions"]
    now = ctx["clock"]()
    async with sessions() as session:
        due = (
            (
                await session.execute(
                    select(Timer).where(Timer.status == "pending", Timer.due_at <= now - dt.timedelta(seconds=30))
                )
            )
            .scalars()
            .all()
        )
    for timer in due:
        await ctx["redis"].enqueue_job(
            TIMER_JOB,
            timer.conversation_id,
            timer.kind,
            timer.token,
            _job_id=f"timer:{timer.conversation_id}:{timer.kind}:{timer.token}:late",
        )
    if due:
        async with sessions() as session, session.begin():
            await session.execute(
                update(Timer).where(Timer.id.in_([timer.id for timer in due])).values(status="requeued")
            )
