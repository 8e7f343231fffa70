"""Provider deliveries that lose nothing: an attempt marker before each call, outcomes after.

Before a provider is called, the message is committed as ``sending`` with its attempt counted.
A run that finds ``sending`` knows an earlier attempt never recorded its outcome (its worker
died, or the job timed out): through a provider that dedupes by the outbound id (the SMS
gateway) it simply resends with the same key; through one that cannot, it resends too and
flags the message ``possibly_duplicated`` with a timeline row — a customer may rarely read a
message twice, never miss one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import replace
from typing import Any

import structlog
from arq import Retry
from arq.jobs import Job, JobStatus

from bot.channels.base import ChannelAdapter, DeliveryError, render_text
from bot.channels.wechat.adapter import WechatAdapter
from bot.core import redis_keys
from bot.core.messages import PHOTO_TEXT, ChannelName, OutboundMessage, Photo, Sender, options_from_json
from bot.core.staff_event import StaffEvent, StaffEventKind
from bot.core.timeline import TimelineKind
from bot.media.files import MediaStoreError
from bot.media.images import EXTENSIONS
from bot.observability.metrics import DeliveryOutcome
from bot.outbound.effects import Effects
from bot.outbound.gateway import DELIVER_JOB
from bot.resources import resources
from bot.storage import deliveries
from bot.storage.conversations import add_timeline_event
from bot.storage.deliveries import UNFINISHED
from bot.storage.media import photos_to_send
from bot.storage.metrics import answered_inbound_time
from bot.storage.windows import window_usage
from workers.routes import Route, choose_route

log = structlog.get_logger(__name__)

Ctx = dict[str, Any]
MAX_DELIVERY_TRIES = 8
MAX_BACKOFF_SECONDS = 300.0
RECONCILE_PENDING_AFTER = dt.timedelta(seconds=30)


def job_timeout(ctx: Ctx) -> float:
    return resources(ctx).settings.job_timeout


def backoff(ctx: Ctx, job_try: int) -> float:
    """Seconds before the next try: the configured first wait, doubling each try, capped."""
    first = resources(ctx).settings.retry_backoff
    return float(min(first * 2 ** (job_try - 1), MAX_BACKOFF_SECONDS))


async def deliver_message(ctx: Ctx, message_id: int) -> str:
    """Deliver a conversation's unfinished provider messages, oldest first, up to and past this one.

    Jobs run concurrently, but a customer must read replies in order: one job at a time holds
    the conversation's delivery lock and sends every unfinished message in id order; a job that
    finds the lock taken leaves its message to the holder, which looks again after releasing.
    A transient failure stops the run (and retries the job) so nothing overtakes that message.
    The lock lives as long as a job may run, so it outlives a killed worker by at most that.
    """
    sessions, redis = resources(ctx).sessions, resources(ctx).redis
    async with sessions() as session:
        conversation_id = await session.run_sync(deliveries.conversation_of_message, message_id)
    if conversation_id is None:
        return "skipped"
    structlog.contextvars.bind_contextvars(conversation_id=conversation_id)  # this job's task only
    lock, token, outcomes = redis_keys.delivery_lock(conversation_id), secrets.token_hex(8), []
    lock_ms = int(job_timeout(ctx) * 1000)
    while await _unfinished_ids(sessions, conversation_id, limit=1):
        if not await redis.set(lock, token, nx=True, px=lock_ms):
            return "left to the delivery in progress"
        try:
            while pending := await _unfinished_ids(sessions, conversation_id, limit=20):
                for pending_id in pending:
                    await redis.pexpire(lock, lock_ms)
                    outcomes.append(await _deliver_one(ctx, pending_id))
        finally:
            if (await redis.get(lock)) in (token, token.encode()):
                await redis.delete(lock)
    return "; ".join(outcomes) or "nothing pending"


async def _unfinished_ids(sessions: Any, conversation_id: int, limit: int) -> list[int]:
    async with sessions() as session:
        ids: list[int] = await session.run_sync(deliveries.unfinished_ids, conversation_id, limit)
        return ids


async def _deliver_one(ctx: Ctx, message_id: int) -> str:
    """Send one unfinished message through its channel's adapter (or the window's fallback).

    A channel with no adapter marks the message failed with the reason, never silently drops it.
    """
    res = resources(ctx)
    sessions, adapters, now = res.sessions, res.adapters, res.clock()
    job_try = int(ctx.get("job_try", 1))
    async with sessions() as session, session.begin():
        attempt = await session.run_sync(deliveries.lock_for_attempt, message_id)
        if attempt is None or attempt.message.delivery_status not in UNFINISHED:
            return "skipped"
        message, recipient, identity_id, phone = attempt.message, attempt.recipient, attempt.identity_id, attempt.phone
        options, options_text = options_from_json(message.options)
        outbound = OutboundMessage(text=message.text, options=options, options_text=options_text)
        conversation_id = message.conversation_id
        interrupted = message.delivery_status == "sending"
        adapter = adapters.get(message.channel)
        if adapter is None:
            error = f"no adapter for the channel {message.channel!r} (is it configured on the workers?)"
            await session.run_sync(deliveries.fail_attempt, message, error, now, job_try, DELIVER_JOB)
            _count(ctx, message.channel, DeliveryOutcome.FAILED, dead_letter=True)
            log.error("deliver.no_adapter", message_id=message_id, channel=message.channel)
            return "failed: no adapter for this channel"
        route = Route.DIRECT
        if message.channel == ChannelName.WECHAT:
            last_in, sent = await session.run_sync(window_usage, identity_id)
            route = choose_route(
                message.channel,
                now,
                last_in,
                sent,
                res.config.channels.wechat,
                phone_known=bool(phone),
                sms_available=ChannelName.SMS in adapters,
            )
        if interrupted:
            log.warning("deliver.interrupted_attempt", message_id=message_id, attempts=message.attempts)
        duplicate = interrupted and not _sender(adapters, route, adapter).accepts_idempotency_key
        await session.run_sync(deliveries.start_attempt, message, now, duplicate)
        channel, received_at = message.channel, None
        if message.sender == Sender.BOT:
            received_at = await session.run_sync(answered_inbound_time, conversation_id, message_id)
        photos = await session.run_sync(photos_to_send, message_id) if message.kind == "image" else []
    # The marker is committed: from here on a crash leaves "sending" for the next run to see.
    try:
        if photos:
            outbound = await _with_photo(ctx, outbound, photos, _sender(adapters, route, adapter), route)
        route, provider_id = await _send(ctx, adapters, route, adapter, recipient, phone, outbound, message_id)
    except DeliveryError as error:
        if not error.permanent and job_try < MAX_DELIVERY_TRIES:
            await _record_retry(sessions, message_id, str(error))
            _count(ctx, channel, DeliveryOutcome.RETRIED)
            log.warning("deliver.retry", message_id=message_id, error=str(error), attempt=job_try)
            raise Retry(defer=backoff(ctx, job_try)) from error
        await _finish(ctx, message_id, conversation_id, "failed", None, now, route, str(error))
        _count(ctx, channel, DeliveryOutcome.FAILED, dead_letter=True)
        log.error("deliver.failed", message_id=message_id, error=str(error), permanent=error.permanent)
        return f"failed: {error}"
    except Exception as error:
        # An adapter bug or an answer it cannot read: retrying cannot help, and a message left
        # "sending" would hold back every later reply of the conversation.
        reason = f"unexpected error: {type(error).__name__}: {error}"
        await _finish(ctx, message_id, conversation_id, "failed", None, now, route, reason)
        _count(ctx, channel, DeliveryOutcome.FAILED, dead_letter=True)
        log.exception("deliver.unexpected_error", message_id=message_id)
        return f"failed: {reason}"
    await _finish(ctx, message_id, conversation_id, "sent", provider_id, now, route, None)
    _count(ctx, channel, DeliveryOutcome.SENT)
    res.metrics.reply_sent(channel, received_at, res.clock())
    return "sent" if route is Route.DIRECT else f"sent by {route.value}"


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
) -> tuple[Route, str]:
    """Send by ``route``; a template the provider refuses for good falls back to SMS when a
    phone is known. Returns the route taken and the provider's message id."""
    if route is Route.DIRECT:
        return route, await adapter.send(recipient, message, message_id)
    if route is Route.TEMPLATE:
        window = resources(ctx).config.channels.wechat
        assert isinstance(adapter, WechatAdapter) and window.template_id
        try:
            return route, await adapter.send_template(
                recipient, window.template_id, window.template_field, render_text(message)
            )
        except DeliveryError as error:
            if not error.permanent or not phone or ChannelName.SMS not in adapters:
                raise
            log.warning("deliver.template_refused", message_id=message_id, error=str(error))
            route = Route.SMS
    if route is Route.SMS and phone:
        return route, "sms:" + await adapters[ChannelName.SMS].send(phone, message, message_id)
    raise DeliveryError("outside the WeChat window, with no template and no phone to fall back to", permanent=True)


async def _record_retry(sessions: Any, message_id: int, error: str) -> None:
    """A transient failure: the attempt's outcome is known (not delivered), so back to pending."""
    async with sessions() as session, session.begin():
        await session.run_sync(deliveries.back_to_pending, message_id, error)


async def _finish(
    ctx: Ctx,
    message_id: int,
    conversation_id: int,
    status: str,
    provider_id: str | None,
    now: dt.datetime,
    route: Route,
    error: str | None,
) -> None:
    """Record the outcome; a failure also leaves a dead letter for a manager to retry."""
    timeline = False
    async with resources(ctx).sessions() as session, session.begin():
        values: dict[str, Any] = {"delivery_status": status}
        if provider_id is not None:
            values["provider_message_id"] = provider_id
        if error is not None:
            values["last_error"] = error
        message = await session.run_sync(deliveries.record_outcome, message_id, values)
        if route is not Route.DIRECT or error:
            timeline = True
            kind = TimelineKind.DELIVERY_FALLBACK if route is not Route.DIRECT else TimelineKind.DELIVERY_FAILED
            detail = {"message_id": message_id, "route": route.value, "error": error}
            await session.run_sync(add_timeline_event, conversation_id, kind, "worker", detail, now)
        if status == "sent" and message.possibly_duplicated:
            timeline = True
            detail = {
                "message_id": message_id,
                "attempts": message.attempts,
                "why": "resent after an attempt whose outcome is unknown; the provider cannot dedupe",
            }
            kind = TimelineKind.POSSIBLY_DUPLICATED
            await session.run_sync(add_timeline_event, conversation_id, kind, "worker", detail, now)
        if status == "failed" and error is not None:
            tries = int(ctx.get("job_try", 1))
            await session.run_sync(
                deliveries.add_dead_letter, DELIVER_JOB, [message_id], error, tries, now, message_id, conversation_id
            )
    if timeline:
        event = StaffEvent(StaffEventKind.CONVERSATION, conversation_ids=(conversation_id,))
        await resources(ctx).gateway.commit(Effects(staff_events=[event]))


async def reconcile_deliveries(ctx: Ctx) -> int:
    """Cron: re-enqueue provider messages that lost their job — left ``pending`` (the process
    died between the commit and the enqueue) or ``sending`` past the job timeout (the worker
    died mid-attempt). One interrupted too often is failed into the dead letters. Returns how
    many were re-enqueued."""
    res = resources(ctx)
    now, redis = res.clock(), res.redis
    stuck_before = now - dt.timedelta(seconds=job_timeout(ctx))
    async with res.sessions() as session:
        rows = await session.run_sync(deliveries.lost_deliveries, now - RECONCILE_PENDING_AFTER, stuck_before)
    enqueued = 0
    for message_id, conversation_id, status, attempts in rows:
        if status == "sending" and attempts >= MAX_DELIVERY_TRIES:
            await _give_up(ctx, message_id, conversation_id, attempts, now)
            continue
        job = Job(f"deliver:{message_id}", redis)
        if await job.status() in (JobStatus.queued, JobStatus.deferred, JobStatus.in_progress):
            continue
        bucket = int(now.timestamp()) // 60
        if await redis.enqueue_job(DELIVER_JOB, message_id, _job_id=f"deliver:{message_id}:late:{bucket}"):
            enqueued += 1
            log.warning("deliver.reconciled", message_id=message_id, status=status)
    return enqueued


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
