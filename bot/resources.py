"""``Resources``: what the app and the workers share, built once by ``build_resources``.

The app keeps one under ``resources_key``; an arq worker (separate or in-process) keeps one in
its ``ctx``, and jobs read it with ``resources(ctx)``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping
from typing import Any

import aiohttp
import structlog
from arq import ArqRedis, create_pool
from arq.connections import RedisSettings
from opencc import OpenCC
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import ChannelAdapter
from bot.channels.registry import build_adapters, close_adapters
from bot.channels.webchat.adapter import WebchatHub
from bot.config import ServiceConfig
from bot.core.clock import Clock
from bot.core.engine import ConversationEngine
from bot.core.pipeline import Pipeline
from bot.embedded_redis import EmbeddedRedis
from bot.handoff.live_queue import LiveQueue
from bot.observability.metrics import Metrics
from bot.outbound.gateway import OutboundGateway
from bot.promises.tracker import Tracker
from bot.settings import Settings
from bot.storage.db import Database
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.guard_model import GuardModel, build_guard_model
from bot.understanding.model import build_model_understander
from bot.understanding.reader import MessageReader

CTX_KEY = "resources"

log = structlog.get_logger(__name__)


@dataclasses.dataclass(frozen=True)
class Resources:
    """The shared, long-lived objects of one process; ``close()`` releases what was opened."""

    settings: Settings
    config: ServiceConfig
    clock: Clock
    redis: ArqRedis
    redis_url: str
    database: Database
    engine: ConversationEngine
    tracker: Tracker
    adapters: dict[str, ChannelAdapter]
    gateway: OutboundGateway
    live_queue: LiveQueue
    pipeline: Pipeline
    hub: WebchatHub | None
    reader: MessageReader
    """Customers' messages read by the rules, and by the model when ``BOT_LLM_*`` configures one."""
    guard: ForbiddenGuard
    guard_model: GuardModel | None
    """The model's second opinion on agents' replies the guard finds clean; None without a model."""
    metrics: Metrics
    """This process's Prometheus registry and series (an in-process worker shares the app's)."""
    _exit: contextlib.AsyncExitStack = dataclasses.field(repr=False)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.database.sessions

    async def close(self) -> None:
        """Stop the pipeline and the gateway, close the adapters, the database and owned Redis."""
        await self._exit.aclose()


async def build_resources(
    settings: Settings,
    config: ServiceConfig,
    clock: Clock,
    *,
    redis: ArqRedis | None = None,
    hub: WebchatHub | None = None,
    engine: ConversationEngine | None = None,
) -> Resources:
    """Open everything in dependency order; on failure, close what was opened.

    ``redis`` is a pool the caller owns (arq's, in a worker); without it a pool is opened on
    ``settings.redis_url``, or on an embedded Redis when that is unset. ``hub`` is the app's
    webchat hub: its gateway then pushes replies to open chats and listens for other instances'
    frames, and the pipeline delivers a stored customer message's replies at once. A worker has none.
    ``engine`` defaults to a ``ConversationEngine`` over ``config``.
    """
    stack = contextlib.AsyncExitStack()
    try:
        redis_url = settings.redis_url
        if redis is None:
            if redis_url is None:
                embedded = EmbeddedRedis(settings.var_dir / "redis")
                await embedded.start()
                stack.push_async_callback(embedded.stop)
                redis_url = embedded.url
                log.info("redis.embedded_started", url=redis_url)
            redis = await create_pool(RedisSettings.from_dsn(redis_url))
            stack.push_async_callback(redis.aclose)
        elif redis_url is None:
            raise ValueError("a worker's Redis needs settings.redis_url")
        database = Database(settings.database_url, lock_timeout=settings.db_lock_timeout)
        stack.push_async_callback(database.dispose)
        http = aiohttp.ClientSession()
        stack.push_async_callback(http.close)
        adapters = build_adapters(settings, http, redis)
        stack.push_async_callback(close_adapters, adapters)
        metrics = Metrics()
        if hub is not None:
            metrics.watch_connections(hub.__len__)
        live_queue = LiveQueue(redis, database.sessions, clock, config.queue)
        gateway = OutboundGateway(
            redis, settings.instance_id, hub, live_queue.changed, metrics=metrics, clock=clock
        )
        engine = engine if engine is not None else ConversationEngine(config)
        # Logs calendar.beyond_data now if this year or the next lies past the holiday data.
        engine.calendar.source_status(clock().astimezone(engine.calendar.timezone).date())
        reader = MessageReader(
            engine.understander,
            build_model_understander(settings.llm, config.classification),
            on_model_missing=metrics.nlu_fallbacks.labels(reason="model").inc,
        )
        stack.push_async_callback(reader.aclose)
        guard = ForbiddenGuard(config.forbidden, OpenCC("t2s").convert)
        guard_model = build_guard_model(settings.llm, config.forbidden, guard)
        if guard_model is not None:
            stack.push_async_callback(guard_model.aclose)
        pipeline = Pipeline(
            database,
            redis,
            engine,
            gateway,
            clock,
            settings.batch_max,
            on_stored=gateway.deliver if hub is not None else None,
            lock_ttl=settings.lock_ttl,
            reader=reader if reader.uses_model else None,
            metrics=metrics,
        )
        if hub is not None:
            await gateway.start_listening()
            stack.push_async_callback(gateway.stop_listening)
        await pipeline.start()
        stack.push_async_callback(pipeline.stop)
        return Resources(
            settings=settings,
            config=config,
            clock=clock,
            redis=redis,
            redis_url=redis_url,
            database=database,
            engine=engine,
            tracker=Tracker(config, engine.calendar),
            adapters=adapters,
            gateway=gateway,
            live_queue=live_queue,
            pipeline=pipeline,
            hub=hub,
            reader=reader,
            guard=guard,
            guard_model=guard_model,
            metrics=metrics,
            _exit=stack,
        )
    except BaseException:
        await stack.aclose()
        raise


def job_ctx(shared: Resources) -> dict[str, Any]:
    """The arq ``ctx`` entries a worker's jobs need (arq adds its own, such as ``job_try``)."""
    return {CTX_KEY: shared}


def resources(ctx: Mapping[str, Any]) -> Resources:
    """The ``Resources`` in an arq job's ``ctx``."""
    shared = ctx[CTX_KEY]
    if not isinstance(shared, Resources):
        raise TypeError(f"ctx[{CTX_KEY!r}] is {type(shared).__name__}, not Resources")
    return shared
