"""Staff events: what the consoles must refresh, published once and seen by every app instance.

Any process (an app instance handling an API call, the pipeline, a worker) publishes; every app
instance subscribes and forwards the events to the staff websockets connected to it
(``GET /api/events``). Events are hints to refetch, never the data itself, so a lost one costs
at most a stale view until the next.
"""

from __future__ import annotations

from redis.asyncio import Redis

from bot.core import redis_keys
from bot.core.staff_event import StaffEvent


async def publish(redis: Redis, *events: StaffEvent) -> None:
    """Publish events to every app instance's staff sockets (one round trip)."""
    if not events:
        return
    async with redis.pipeline(transaction=False) as pipe:
        for event in events:
            pipe.publish(redis_keys.STAFF_EVENTS_CHANNEL, event.to_json())
        await pipe.execute()
