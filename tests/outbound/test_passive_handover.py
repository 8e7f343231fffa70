"""Replies a webhook waited for (a WeChat passive reply) that become ready just as it stops
waiting go by the worker: never dropped, whichever of the two happens first."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from arq import ArqRedis
from redis.asyncio import Redis

from bot.core.messages import ChannelName, Sender
from bot.outbound.effects import Delivery
from bot.outbound.gateway import OutboundGateway

NOW = dt.datetime(2026, 12, 7, 6, tzinfo=dt.UTC)


def _reply(message_id: int, in_reply_to: int | None) -> Delivery:
    return Delivery(message_id, 1, 1, ChannelName.WECHAT, Sender.BOT, "您好", NOW, in_reply_to=in_reply_to)


class _SlowQueue(OutboundGateway):
    """Records what would be queued for the worker; queueing takes long enough for a waiting
    request to give up meanwhile."""

    def __init__(self, redis: ArqRedis) -> None:
        super().__init__(redis, "instance-a")
        self.queued: list[int] = []

    async def enqueue_deliveries(self, deliveries: Sequence[Delivery]) -> None:
        await asyncio.sleep(0.05)
        self.queued.extend(delivery.message_id for delivery in deliveries)


async def test_replies_ready_as_their_request_stops_waiting_are_queued_for_the_worker(redis: Redis) -> None:
    gateway = _SlowQueue(ArqRedis(connection_pool=redis.connection_pool))
    waiting = asyncio.create_task(gateway.replies_to(7, within=0.02))
    await asyncio.sleep(0)  # the request waits for its replies
    # Another conversation's reply is queued first; the request's wait ends meanwhile.
    await gateway.deliver([_reply(100, in_reply_to=None), _reply(101, in_reply_to=7)])
    assert await waiting == []  # the request answered without them...
    assert sorted(gateway.queued) == [100, 101]  # ...and the worker sends them


async def test_replies_ready_in_time_are_handed_to_the_waiting_request(redis: Redis) -> None:
    gateway = _SlowQueue(ArqRedis(connection_pool=redis.connection_pool))
    waiting = asyncio.create_task(gateway.replies_to(8, within=1.0))
    await asyncio.sleep(0)
    await gateway.deliver([_reply(200, in_reply_to=8)])
    assert [reply.message_id for reply in await waiting] == [200]
    assert gateway.queued == []
