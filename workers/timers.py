"""The timer pump: turns due entries of the Redis timer set into ``fire_timer`` jobs.

Arming a timer is one ZADD in the pipeline's batch (no arq job per message). Each worker runs
a pump; taking due entries is atomic, so two pumps never enqueue the same one, and the job id
makes a repeat harmless anyway. An entry lost between taking and enqueueing (a crash) is found
by the reconcile cron from the ``timers`` table.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from arq import ArqRedis
from redis.commands.core import AsyncScript

from bot.core import redis_keys
from bot.core.clock import Clock
from bot.promises.timers import job_for

log = structlog.get_logger(__name__)

TIMER_JOB = "fire_timer"

_TAKE_DUE = """
local due = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #due > 0 then redis.call('zrem', KEYS[1], unpack(due)) end
return due
"""


def timer_job_id(conversation_id: int, kind: str, token: int) -> str:
    return f"timer:{conversation_id}:{kind}:{token}"


class TimerPump:
    def __init__(self, redis: ArqRedis, clock: Clock, interval: float = 0.5, batch: int = 500) -> None:
        self._redis = redis
        self._clock = clock
        self._interval = interval
        self._batch = batch
        self._take_due: AsyncScript = redis.register_script(_TAKE_DUE)
        self._task: asyncio.Task[None] | None = None

    async def pump_once(self) -> int:
        """Enqueue a job for every timer due now; returns how many."""
        due = await self._take_due(
            keys=[redis_keys.DUE_TIMERS], args=[self._clock().timestamp(), self._batch]
        )
        for raw in due:
            member = raw.decode() if isinstance(raw, bytes) else raw
            conversation_id, kind, token = member.split(":")
            await self._redis.enqueue_job(
                job_for(kind),
                int(conversation_id),
                kind,
                int(token),
                _job_id=timer_job_id(int(conversation_id), kind, int(token)),
            )
        return len(due)

    async def _run(self) -> None:
        while True:
            try:
                if await self.pump_once() >= self._batch:
                    continue
            except Exception:
                log.exception("timers.pump_failed")
            await asyncio.sleep(self._interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="timer-pump")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
