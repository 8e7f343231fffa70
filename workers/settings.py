"""arq worker settings: ``arq workers.settings.WorkerSettings`` or ``python -m bot worker``."""

from __future__ import annotations

from typing import Any, ClassVar

import aiohttp
from arq import cron
from arq.connections import RedisSettings
from arq.typing import WorkerCoroutine
from arq.worker import Function, func

from bot.channels.registry import build_adapters, close_adapters
from bot.config import load_config
from bot.db import Database
from bot.engine import ConversationEngine
from bot.gateway import OutboundGateway
from bot.handoff.live_queue import LiveQueue
from bot.pipeline import Pipeline, utc_now
from bot.settings import Settings
from workers.jobs import MAX_DELIVERY_TRIES, deliver_message, fire_timer, reconcile
from workers.promises import fire_case_timer
from workers.queue import announce_queue, detect_clusters, supervise
from workers.timers import TimerPump

FUNCTIONS: list[Function | WorkerCoroutine] = [
    func(fire_timer, max_tries=5),  # type: ignore[arg-type]
    func(deliver_message, max_tries=MAX_DELIVERY_TRIES),  # type: ignore[arg-type]
    func(fire_case_timer, max_tries=5),  # type: ignore[arg-type]
    # No kept result: the fixed job id must be free again as soon as a run ends.
    func(announce_queue, keep_result=0, max_tries=3),  # type: ignore[arg-type]
]
CRON_JOBS = [
    cron(reconcile, second={0}, run_at_startup=True, unique=True),  # type: ignore[arg-type]
    cron(supervise, second={10}, unique=True),  # type: ignore[arg-type]
    cron(detect_clusters, second={20}, unique=True),  # type: ignore[arg-type]
]


async def on_startup(ctx: dict[str, Any]) -> None:
    settings = Settings.from_env()
    config = load_config(settings.config_dir)
    database = Database(settings.database_url)
    gateway = OutboundGateway(ctx["redis"], settings.instance_id)
    live_queue = LiveQueue(ctx["redis"], database.sessions, utc_now, config.queue)
    pipeline = Pipeline(
        database,
        ctx["redis"],
        ConversationEngine(config),
        gateway,
        utc_now,
        settings.batch_max,
        on_queue_changed=live_queue.changed,
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


class WorkerSettings:
    functions: ClassVar[list[Function | WorkerCoroutine]] = FUNCTIONS
    cron_jobs = CRON_JOBS
    on_startup = on_startup
    on_shutdown = on_shutdown
    redis_settings = redis_settings() if Settings.from_env().redis_url else RedisSettings()
