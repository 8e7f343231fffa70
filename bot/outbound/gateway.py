"""The one outbound gateway: every committed message leaves through here.

Web chat messages go straight to the customer's sockets (on this instance directly, on others
through Redis pub/sub); they are already stored, so a reconnect replays them. Messages for a
provider's API become arq jobs, one per conversation of a commit, keyed by its first message's id;
the job sends that message and the conversation's later ones in order.
Timers go into one Redis sorted set that the workers' timer pump drains.

:meth:`OutboundGateway.commit` is the one place a committed transaction's effects are carried out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

import structlog
from arq import ArqRedis

from bot import json_text
from bot.channels.webchat.adapter import WebchatHub, message_frame
from bot.core import redis_keys
from bot.core.clock import Clock, utc_now
from bot.core.messages import ChannelName, Sender
from bot.observability.metrics import Metrics
from bot.outbound.effects import Delivery, Dispatcher, Effects, TimerSchedule, due_times
from bot.staff.events import publish

log = structlog.get_logger(__name__)

DELIVER_JOB = "deliver_message"
DELIVER_MANY_JOB = "deliver_messages"
CONVERSATIONS_PER_JOB = 16
"""A commit's conversations share a delivery job up to this many: their sends run side by side
in it, with one lock round trip and one pair of transactions for all (a job's run stays short)."""
SHARED_JOB_NAMED_FOR = 3600
"""Seconds a conversation names the shared job carrying it (see ``redis_keys.delivery_job``); a job
still queued after that may get a redundant late job from reconcile, which the lock makes harmless."""


QueueChanged = Callable[[Sequence[int]], Awaitable[None]]


class OutboundGateway(Dispatcher):
    def __init__(
        self,
        redis: ArqRedis,
        instance_id: str,
        hub: WebchatHub | None = None,
        on_queue_changed: QueueChanged | None = None,
        *,
        metrics: Metrics | None = None,
        clock: Clock = utc_now,
    ) -> None:
        """``on_queue_changed`` (the live queue's ``changed``) re-reads conversations whose tickets changed.
        ``metrics`` counts the web chat replies handed over here (providers' are counted by the delivery job)."""
        self._redis = redis
        self._instance_id = instance_id
        self._hub = hub
        self._on_queue_changed = on_queue_changed
        self._metrics = metrics
        self._clock = clock
        self._listener: asyncio.Task[None] | None = None
        self._reply_waiters: dict[int, asyncio.Future[list[Delivery]]] = {}

    def status_on_commit(self, channel: str) -> str:
        return "sent" if channel == ChannelName.WEBCHAT else "pending"

    async def commit(self, effects: Effects) -> None:
        # The live queue holds a new ticket before the bot's replies (which may say it waits) go out.
        if effects.queue_changed and self._on_queue_changed is not None:
            await self._on_queue_changed(effects.queue_changed)
        await self.deliver(effects.deliveries, effects.timers)
        await publish(self._redis, *effects.staff_events)

    async def deliver(self, deliveries: Sequence[Delivery], timers: Sequence[TimerSchedule] = ()) -> None:
        """Hand the deliveries over and arm ``timers``: the web chat frames' PUBLISH and the timers
        go to Redis in one round trip."""
        # Each frame is encoded once, for the local sockets and for one PUBLISH per call that
        # carries all of them: "<origin>\n" then a "<identity id>\t<frame>" line per frame.
        webchat = [
            (delivery.identity_id, encode_frame(delivery))
            for delivery in deliveries
            if delivery.channel == ChannelName.WEBCHAT
        ]
        await self._publish_and_arm(webchat, timers)
        if webchat:
            await self._send_here(webchat)
            if self._metrics is not None:
                now = self._clock()
                for delivery in deliveries:
                    if delivery.channel == ChannelName.WEBCHAT and delivery.sender is not Sender.CUSTOMER:
                        self._metrics.reply_sent(delivery.channel, delivery.received_at, now)
        by_request: dict[int, list[Delivery]] = {}
        to_enqueue: list[Delivery] = []
        for delivery in deliveries:
            if delivery.channel == ChannelName.WEBCHAT or delivery.sender is Sender.CUSTOMER:
                continue
            waiter = self._reply_waiters.get(delivery.in_reply_to or 0)
            if waiter is not None and not waiter.done():
                by_request.setdefault(delivery.in_reply_to or 0, []).append(delivery)
                continue
            to_enqueue.append(delivery)
        await self.enqueue_deliveries(to_enqueue)
        late: list[Delivery] = []
        for inbound_id, replies in by_request.items():
            waiter = self._reply_waiters.get(inbound_id)
            if waiter is None or waiter.done():  # its request stopped waiting meanwhile: the worker sends them
                late.extend(replies)
            else:
                waiter.set_result(replies)
        await self.enqueue_deliveries(late)

    async def push_webchat(self, frames: Sequence[tuple[int, str]]) -> None:
        """Send encoded frames (identity id, JSON text) to the customers' sockets, here and on
        every other instance; nothing is stored, so a socket that is not open misses them."""
        await self._publish_and_arm(frames, ())
        await self._send_here(frames)

    async def _send_here(self, frames: Sequence[tuple[int, str]]) -> None:
        if self._hub is not None:
            for identity_id, text in frames:
                await self._hub.send_text(identity_id, text)

    async def _publish_and_arm(self, frames: Sequence[tuple[int, str]], timers: Sequence[TimerSchedule]) -> None:
        """Publish ``frames`` to every instance and arm ``timers`` (the workers' timer pump turns
        due ones into jobs), in one round trip."""
        if frames and timers:
            async with self._redis.pipeline(transaction=False) as redis_pipe:
                redis_pipe.publish(redis_keys.WEBCHAT_OUTBOUND_CHANNEL, self._frames_payload(frames))
                redis_pipe.zadd(redis_keys.DUE_TIMERS, due_times(timers))
                await redis_pipe.execute()
        elif frames:
            await self._redis.publish(redis_keys.WEBCHAT_OUTBOUND_CHANNEL, self._frames_payload(frames))
        elif timers:
            await self._redis.zadd(redis_keys.DUE_TIMERS, due_times(timers))

    def _frames_payload(self, frames: Sequence[tuple[int, str]]) -> str:
        return "\n".join([self._instance_id, *(f"{identity_id}\t{text}" for identity_id, text in frames)])

    async def enqueue_deliveries(self, deliveries: Sequence[Delivery]) -> None:
        """A delivery job sends its conversations' unfinished messages in order from its message
        on, so a conversation's committed messages ride with its first; the conversations of one
        commit share jobs of up to ``CONVERSATIONS_PER_JOB`` (a job keyed by its first message)."""
        first_by_conversation: dict[int, int] = {}
        for delivery in deliveries:
            known = first_by_conversation.get(delivery.conversation_id)
            if known is None or delivery.message_id < known:
                first_by_conversation[delivery.conversation_id] = delivery.message_id
        firsts = [(message_id, conversation_id) for conversation_id, message_id in first_by_conversation.items()]
        for start in range(0, len(firsts), CONVERSATIONS_PER_JOB):
            chunk = firsts[start : start + CONVERSATIONS_PER_JOB]
            job_id = f"deliver:{chunk[0][0]}"
            if len(chunk) == 1:
                await self._redis.enqueue_job(DELIVER_JOB, *chunk[0], _job_id=job_id)
                continue
            # Reconcile finds a job by its messages' ids; the others of a shared job are named here.
            async with self._redis.pipeline(transaction=False) as redis_pipe:
                for _, conversation_id in chunk[1:]:
                    redis_pipe.set(redis_keys.delivery_job(conversation_id), job_id, ex=SHARED_JOB_NAMED_FOR)
                await redis_pipe.execute()
            await self._redis.enqueue_job(DELIVER_MANY_JOB, chunk, _job_id=job_id)

    async def replies_to(self, inbound_id: int, within: float) -> list[Delivery]:
        """The provider replies to a stored inbound message if they are ready ``within`` seconds
        (for a passive reply on the same request); otherwise none, and they go by the worker.

        Only processing on this instance can hand replies over; elsewhere they go by the worker.
        """
        future: asyncio.Future[list[Delivery]] = asyncio.get_running_loop().create_future()
        self._reply_waiters[inbound_id] = future
        try:
            return await asyncio.wait_for(asyncio.shield(future), within)
        except TimeoutError:
            if future.done():  # handed over as the time ran out: send them the usual way
                await self.enqueue_deliveries(future.result())
            return []
        finally:
            self._reply_waiters.pop(inbound_id, None)

    # ------------------------------------------------------------------ other instances' web chat

    async def start_listening(self) -> None:
        """Forward web chat frames published by other instances to sockets connected here."""
        ready = asyncio.get_running_loop().create_future()
        self._listener = asyncio.create_task(self._listen(ready), name="webchat-listener")
        await ready

    async def stop_listening(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def _listen(self, ready: asyncio.Future[None]) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(redis_keys.WEBCHAT_OUTBOUND_CHANNEL)
                    if not ready.done():
                        ready.set_result(None)
                    async for item in pubsub.listen():
                        if item.get("type") == "message":
                            await self._forward(item["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("gateway.listener_failed")
                if not ready.done():
                    ready.set_result(None)
                await asyncio.sleep(1)

    async def _forward(self, data: bytes | str) -> None:
        text = data.decode() if isinstance(data, bytes) else data
        origin, _, lines = text.partition("\n")
        if origin == self._instance_id or self._hub is None:
            return  # our own frames went to our sockets before the PUBLISH returned
        for line in lines.split("\n"):
            raw_identity, _, frame = line.partition("\t")
            identity_id = int(raw_identity)
            if self._hub.has(identity_id):
                await self._hub.send_text(identity_id, frame)


def encode_frame(delivery: Delivery) -> str:
    """The JSON text of a delivery's web chat frame (JSON never holds a raw newline or tab)."""
    frame = message_frame(
        delivery.message_id,
        delivery.sender,
        delivery.text,
        delivery.created_at,
        delivery.provider_message_id,
        delivery.options,
        delivery.media,
        delivery.closes,
    )
    return json_text.dumps(frame)
