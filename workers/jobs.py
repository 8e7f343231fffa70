"""arq jobs. Each takes ids and finds its resources in ``ctx`` (filled by ``on_startup``)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import structlog
from arq import Retry
from sqlalchemy import func, select, update

from bot import redis_keys
from bot.channels.base import ChannelAdapter
from bot.channels.sms import DeliveryError
from bot.channels.wechat import WechatAdapter
from bot.flows.complaint import TimerFired, TimerKind
from bot.messages import ChannelName, OutboundMessage
from bot.models import ChannelIdentity, Conversation, Customer, Message, TimelineEvent, Timer
from bot.pipeline import Pipeline
from bot.promises.timers import job_for
from workers.routes import Route, choose_route

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]
MAX_DELIVERY_TRIES = 8


async def fire_timer(ctx: Ctx, conversation_id: int, kind: str, token: int) -> None:
    """A conversation timer is due: run it through the conversation's ordered inbox."""
    pipeline: Pipeline = ctx["pipeline"]
    await pipeline.push(conversation_id, [TimerFired(TimerKind(kind), token)])
    await pipeline.process_now([conversation_id])


async def deliver_message(ctx: Ctx, message_id: int) -> str:
    """Deliver a conversation's pending provider messages, oldest first, up to and past this one.

    Jobs run concurrently, but a customer must read replies in order: one job at a time holds
    the conversation's delivery lock and sends every pending message in id order; a job that
    finds the lock taken leaves its message to the holder, which looks again after releasing.
    A transient failure stops the run (and retries the job) so nothing overtakes that message.
    """
    sessions = ctx["sessions"]
    redis = ctx["redis"]
    async with sessions() as session:
        conversation_id = (
            await session.execute(select(Message.conversation_id).where(Message.id == message_id))
        ).scalar_one_or_none()
    if conversation_id is None:
        return "skipped"
    lock, token, outcomes = redis_keys.delivery_lock(conversation_id), secrets.token_hex(8), []
    while await _pending_ids(sessions, conversation_id, limit=1):
        if not await redis.set(lock, token, nx=True, px=120_000):
            return "left to the delivery in progress"
        try:
            while pending := await _pending_ids(sessions, conversation_id, limit=20):
                for pending_id in pending:
                    outcomes.append(await _deliver_one(ctx, pending_id))
        finally:
            if (await redis.get(lock)) in (token, token.encode()):
                await redis.delete(lock)
    return "; ".join(outcomes) or "nothing pending"


async def _pending_ids(sessions: Any, conversation_id: int, limit: int) -> list[int]:
    async with sessions() as session:
        rows = await session.execute(
            select(Message.id)
            .where(
                Message.conversation_id == conversation_id,
                Message.direction == "out",
                Message.delivery_status == "pending",
            )
            .order_by(Message.id)
            .limit(limit)
        )
        return list(rows.scalars())


async def _deliver_one(ctx: Ctx, message_id: int) -> str:
    """Send one pending message through its channel's adapter (or the window's fallback).

    A channel with no adapter marks the message failed with the reason, never silently drops it.
    """
    sessions = ctx["sessions"]
    adapters: dict[str, ChannelAdapter] = ctx.get("adapters", {})
    now = ctx["clock"]()
    async with sessions() as session, session.begin():
        row = (
            await session.execute(
                select(Message, ChannelIdentity.external_id, Conversation.identity_id, Customer.phone)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .join(ChannelIdentity, ChannelIdentity.id == Conversation.identity_id)
                .join(Customer, Customer.id == Conversation.customer_id)
                .where(Message.id == message_id)
            )
        ).first()
        if row is None or row[0].delivery_status != "pending":
            return "skipped"
        message, recipient, identity_id, phone = row
        adapter = adapters.get(message.channel)
        if adapter is None:
            message.delivery_status = "failed"
            log.error("deliver.no_adapter", message_id=message_id, channel=message.channel)
            return "failed: no adapter for this channel"
        text, conversation_id = message.text, message.conversation_id
        route = Route.DIRECT
        if message.channel == ChannelName.WECHAT:
            last_in, sent = await _window_usage(session, identity_id)
            route = choose_route(
                message.channel,
                now,
                last_in,
                sent,
                ctx["config"].channels.wechat,
                phone_known=bool(phone),
                sms_available=ChannelName.SMS in adapters,
            )
    try:
        provider_id = await _send(ctx, adapters, route, adapter, recipient, phone, text, message_id)
    except DeliveryError as error:
        if not error.permanent and ctx.get("job_try", 1) < MAX_DELIVERY_TRIES:
            log.warning("deliver.retry", message_id=message_id, error=str(error), attempt=ctx.get("job_try", 1))
            raise Retry(defer=min(2 ** ctx.get("job_try", 1), 300)) from error
        await _finish(sessions, message_id, conversation_id, "failed", None, now, route, str(error))
        log.error("deliver.failed", message_id=message_id, error=str(error), permanent=error.permanent)
        return f"failed: {error}"
    await _finish(sessions, message_id, conversation_id, "sent", provider_id, now, route, None)
    return "sent" if route is Route.DIRECT else f"sent by {route.value}"


async def _window_usage(session: Any, identity_id: int) -> tuple[dt.datetime | None, int]:
    """When the customer last wrote on this identity, and how many messages went out since."""
    last_in = (
        await session.execute(
            select(func.max(Message.created_at))
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.identity_id == identity_id, Message.direction == "in")
        )
    ).scalar_one_or_none()
    if last_in is None:
        return None, 0
    sent = (
        await session.execute(
            select(func.count())
            .select_from(Message)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(
                Conversation.identity_id == identity_id,
                Message.direction == "out",
                Message.delivery_status.in_(("sent", "delivered")),
                Message.created_at >= last_in,
            )
        )
    ).scalar_one()
    return last_in, int(sent)


async def _send(
    ctx: Ctx,
    adapters: dict[str, ChannelAdapter],
    route: Route,
    adapter: ChannelAdapter,
    recipient: str,
    phone: str | None,
    text: str,
    message_id: int,
) -> str:
    if route is Route.DIRECT:
        return await adapter.send(recipient, OutboundMessage(text=text), message_id)
    if route is Route.TEMPLATE:
        window = ctx["config"].channels.wechat
        assert isinstance(adapter, WechatAdapter) and window.template_id
        return await adapter.send_template(recipient, window.template_id, window.template_field, text)
    if route is Route.SMS and phone:
        return "sms:" + await adapters[ChannelName.SMS].send(phone, OutboundMessage(text=text), message_id)
    raise DeliveryError("outside the WeChat window, with no template and no phone to fall back to", permanent=True)


async def _finish(
    sessions: Any,
    message_id: int,
    conversation_id: int,
    status: str,
    provider_id: str | None,
    now: dt.datetime,
    route: Route,
    error: str | None,
) -> None:
    async with sessions() as session, session.begin():
        values: dict[str, Any] = {"delivery_status": status}
        if provider_id is not None:
            values["provider_message_id"] = provider_id
        await session.execute(update(Message).where(Message.id == message_id).values(**values))
        if route is not Route.DIRECT or error:
            session.add(
                TimelineEvent(
                    conversation_id=conversation_id,
                    kind="delivery_fallback" if route is not Route.DIRECT else "delivery_failed",
                    actor="worker",
                    detail={"message_id": message_id, "route": route.value, "error": error},
                    created_at=now,
                )
            )


async def reconcile(ctx: Ctx) -> None:
    """Cron: re-queue stored-but-unprocessed messages and due timers that lost their job; rebuild
    the live queue."""
    pipeline: Pipeline = ctx["pipeline"]
    await pipeline.reconcile()
    # The live queue is rebuilt from the database so any drift heals, and waiting customers
    # hear a position that changed without an event (aging).
    await ctx["live_queue"].rebuild()
    await ctx["live_queue"].request_announcement()
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
            job_for(timer.kind),
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
