"""arq worker settings: ``arq workers.settings.WorkerSettings`` or ``python -m bot worker``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import aiohttp
from arq import cron
from arq.connections import RedisSettings
from arq.cron import CronJob
from arq.typing import WorkerCoroutine
from arq.worker import Function, func

from bot.channels.registry import build_adapters, close_adapters
from bot.clock import utc_now
from bot.config import ServiceConfig, load_config
from bot.db import Database
from bot.engine import ConversationEngine
from bot.gateway import DELIVER_JOB, OutboundGateway
from bot.handoff.live_queue import LiveQueue
from bot.pipeline import Pipeline
from bot.settings import Settings
from workers.dead_letters import dead_lettered
from workers.jobs import MAX_DELIVERY_TRIES, deliver_message, fire_timer, reconcile
from workers.promises import fire_case_timer
from workers.queue import announce_queue, detect_clusters, supervise
from workers.reports import daily_report
from workers.timers import TimerPump

FUNCTIONS: list[Function] = [
    func(fire_timer, max_tries=5),
    func(deliver_message, max_tries=MAX_DELIVERY_TRIES),
    func(fire_case_timer, max_tries=5),
    # No kept result: the fixed job id must be free again as soon as a run ends.
    func(announce_queue, keep_result=0, max_tries=3),
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
            timeout_s=settings.job_timeout if function.name == DELIVER_JOB else function.timeout_s,
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


async def on_startup(ctx: dict[str, Any]) -> None:
    settings = Settings.from_env()
    config = load_config(settings.config_dir)
    database = Database(settings.database_url, lock_timeout=settings.db_lock_timeout)
    live_queue = LiveQueue(ctx["redis"], database.sessions, utc_now, config.queue)
    gateway = OutboundGateway(ctx["redis"], settings.instance_id, on_queue_changed=live_queue.changed)
    pipeline = Pipeline(
        database,
        ctx["redis"],
        ConversationEngine(config),
        gateway,
        utc_now,
        settings.batch_max,
        lock_ttl=settings.lock_ttl,
    )
    await pipeline.start()
    http = aiohttp.ClientSession()
    adapters = build_adapters(settings, settings.sms, http, ctx["redis"])
    pump = TimerPump(ctx["redis"], utc_now)
    pump.start()
    ctx.update(
        timer_pump=pump,
        http=http,
        adapters=adapters,
        settings=settings,
        config=config,
        database=database,
        sessions=database.sessions,
        pipeline=pipeline,
        gateway=gateway,
        clock=utc_now,
        live_queue=live_queue,
    )


async def on_shutdown(ctx: dict[str, Any]) -> None:
    await ctx["timer_pump"].stop()
    await ctx["pipeline"].stop()
    await ctx["database"].dispose()
    await close_adapters(ctx["adapters"])
    await ctx["http"].close()


def redis_settings() -> RedisSettings:
    url = Settings.from_env().redis_url
    if url is None:
        raise SystemExit("BOT_REDIS_URL is required for a separate worker process (e.g. redis://127.0.0.1:6379/0)")
    return RedisSettings.from_dsn(url)


_SETTINGS = Settings.from_env()
_CONFIG = load_config(_SETTINGS.config_dir)


class WorkerSettings:
    functions: ClassVar[list[Function | WorkerCoroutine]] = worker_functions(_SETTINGS)
    cron_jobs = worker_cron_jobs(_CONFIG)
    timezone = worker_timezone(_CONFIG)
    job_timeout = _SETTINGS.job_timeout
    on_startup = on_startup
    on_shutdown = on_shutdown
    redis_settings = redis_settings() if Settings.from_env().redis_url else RedisSettings()
