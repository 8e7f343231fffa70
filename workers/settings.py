"""arq worker settings, built from the settings and config given (nothing is read at import):
``worker_settings`` for ``python -m bot worker``, ``in_process_worker`` for the app's own."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from arq import create_pool, cron
from arq.cron import CronJob
from arq.typing import WorkerCoroutine
from arq.worker import Function, Worker, func

from bot.config import ServiceConfig
from bot.core.clock import Clock, utc_now
from bot.outbound.gateway import DELIVER_JOB, DELIVER_MANY_JOB
from bot.resources import Resources, build_resources, job_ctx, redis_settings, resources
from bot.settings import Settings
from workers.dead_letters import dead_lettered
from workers.health import health_settings
from workers.jobs import MAX_DELIVERY_TRIES, deliver_message, deliver_messages, fire_timer, reconcile
from workers.media import MAX_FETCH_TRIES, fetch_media  # issue 15 (photos)
from workers.promises import fire_case_timer
from workers.queue import announce_queue, detect_clusters, supervise
from workers.reports import daily_report
from workers.timers import TimerPump

log = structlog.get_logger(__name__)

FUNCTIONS: list[Function] = [
    func(fire_timer, max_tries=5),
    func(deliver_message, max_tries=MAX_DELIVERY_TRIES),
    func(deliver_messages, max_tries=MAX_DELIVERY_TRIES),
    func(fire_case_timer, max_tries=5),
    # No kept result: the fixed job id must be free again as soon as a run ends.
    func(announce_queue, keep_result=0, max_tries=3),
    func(fetch_media, max_tries=MAX_FETCH_TRIES),  # issue 15 (photos)
]
CRON_JOBS = [
    cron(reconcile, second={0}, run_at_startup=True, unique=True),
    cron(supervise, second={10}, unique=True),
    cron(detect_clusters, second={20}, unique=True),
]


def worker_functions(settings: Settings) -> list[Function | WorkerCoroutine]:
    """``FUNCTIONS`` as the workers run them: each leaves a dead letter when it fails for good,
    and deliveries time out after ``settings.job_timeout`` (arq runs a killed worker's job
    again 10 s after the longest job timeout)."""
    return [
        dataclasses.replace(
            function,
            coroutine=dead_lettered(function.coroutine, function.max_tries or 5),
            timeout_s=settings.job_timeout if function.name in (DELIVER_JOB, DELIVER_MANY_JOB) else function.timeout_s,
        )
        for function in FUNCTIONS
    ]


def worker_cron_jobs(config: ServiceConfig) -> list[CronJob]:
    """``CRON_JOBS`` and the daily report, at times in the service time zone (``worker_timezone``)."""
    at: dt.time = config.reports.daily_at
    report = cron(daily_report, hour={at.hour}, minute={at.minute}, second={at.second}, unique=True)
    return [*CRON_JOBS, report]


def worker_timezone(config: ServiceConfig) -> ZoneInfo:
    return ZoneInfo(config.service.timezone)


def _schedule(settings: Settings, config: ServiceConfig) -> dict[str, Any]:
    """The ``Worker`` arguments every worker of this service shares: its jobs and when they run."""
    return {
        "functions": worker_functions(settings),
        "cron_jobs": worker_cron_jobs(config),
        "timezone": worker_timezone(config),
        "job_timeout": settings.job_timeout,
    }


def worker_settings(settings: Settings, config: ServiceConfig, clock: Clock = utc_now) -> dict[str, Any]:
    """arq settings for a separate worker process (``run_worker(worker_settings(...))``): its
    ``on_startup`` builds the ``Resources`` jobs read through ``resources(ctx)``."""
    health = health_settings(settings)
    pump: TimerPump | None = None
    stop_metrics: Callable[[], None] | None = None

    async def on_startup(ctx: dict[str, Any]) -> None:
        nonlocal pump, stop_metrics
        shared = await build_resources(settings, config, clock, redis=ctx["redis"])
        ctx.update(job_ctx(shared))
        if settings.worker_metrics_port:
            where = {"host": settings.host, "port": settings.worker_metrics_port}
            try:
                stop_metrics = shared.metrics.serve(settings.host, settings.worker_metrics_port)
            except OSError as error:
                # The jobs matter more than their metrics; Prometheus shows the target down.
                log.error("worker.metrics_unavailable", error=str(error), **where)
            else:
                log.info("worker.metrics_serving", **where)
        pump = TimerPump(shared.redis, clock)
        pump.start()

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        if stop_metrics is not None:
            stop_metrics()
        if pump is not None:
            await pump.stop()
        await resources(ctx).close()

    return {
        **_schedule(settings, config),
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        **health,
    }


@contextlib.asynccontextmanager
async def in_process_worker(shared: Resources) -> AsyncIterator[None]:
    """An arq worker and the timer pump inside the app process, on the app's ``Resources``
    (the embedded single-command setup; ``create_app(..., worker=in_process_worker)``)."""
    worker = Worker(
        **_schedule(shared.settings, shared.config),
        redis_pool=await create_pool(redis_settings(shared.redis_url)),
        ctx=job_ctx(shared),
        handle_signals=False,
        poll_delay=0.2,
    )
    task = asyncio.create_task(worker.async_run(), name="arq-worker")
    pump = TimerPump(shared.redis, shared.clock)
    pump.start()
    yield
    await pump.stop()
    # close() cancels running jobs (arq runs them again later) and closes the worker's own pool;
    # the cancelled jobs surface here as CancelledError.
    with contextlib.suppress(asyncio.CancelledError):
        await worker.close()
    with contextlib.suppress(asyncio.CancelledError):
        await task
