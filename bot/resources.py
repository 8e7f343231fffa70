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
from bot.media.decoding import Decoding
from bot.media.files import MediaFiles, open_media_files
from bot.observability.metrics import Metrics
from bot.outbound.gateway import OutboundGateway
from bot.promises.tracker import Tracker
from bot.settings import Settings
from bot.standards.live import StandardsInForce
from bot.storage.db import Database
from bot.storage.deliveries import mark_sent_passively
from bot.storage.group_commit import GroupCommit
from bot.understanding.guard import ForbiddenGuard
from bot.understanding.guard_model import GuardModel
from bot.understanding.reader import MessageReader

CTX_KEY = "resources"

log = structlog.get_logger(__name__)


REDIS_CONNECT_TIMEOUT_SECONDS = 5
"""arq's default of 1 s fails a new pool connection whenever the process is starved of CPU for a
second; the pool retries, a job's own connection would not."""


def redis_settings(url: str) -> RedisSettings:
    """arq's connection settings for ``url``, with a connect timeout that survives a busy machine."""
    return dataclasses.replace(RedisSettings.from_dsn(url), conn_timeout=REDIS_CONNECT_TIMEOUT_SECONDS)


@dataclasses.dataclass(frozen=True)
class Resources:
    """The shared, long-lived objects of one process; ``close()`` releases what was opened."""

    settings: Settings
    standards: StandardsInForce
    """The service standards in force (issue 14): ``config``, ``engine``, ``tracker``, ``reader``,
    ``guard`` and ``guard_model`` read its current snapshot, so a manager's change applies at once."""
    clock: Clock
    redis: ArqRedis
    redis_url: str
    database: Database
    adapters: dict[str, ChannelAdapter]
    gateway: OutboundGateway
    live_queue: LiveQueue
    pipeline: Pipeline
    hub: WebchatHub | None
    metrics: Metrics
    """This process's Prometheus registry and series (an in-process worker shares the app's)."""
    media: MediaFiles
    """Where customers' photos are kept (outside the database)."""
    passive_replies: GroupCommit[int]
    """Marks replies handed to WeChat in a webhook's answer as sent, concurrent webhooks' together."""
    image_decoding: Decoding
    """Bounds the photos decoded at once in this process, and those waiting for it
    (``BOT_IMAGE_DECODES``, ``BOT_IMAGE_DECODE_QUEUE``, ``BOT_IMAGE_DECODE_WAIT_SECONDS``)."""
    _exit: contextlib.AsyncExitStack = dataclasses.field(repr=False)

    @property
    def config(self) -> ServiceConfig:
        return self.standards.now.config

    @property
    def engine(self) -> ConversationEngine:
        return self.standards.now.engine

    @property
    def tracker(self) -> Tracker:
        return self.standards.now.tracker

    @property
    def reader(self) -> MessageReader:
        """Customers' messages read by the rules, and by the model when ``BOT_LLM_*`` configures one."""
        return self.standards.now.reader

    @property
    def guard(self) -> ForbiddenGuard:
        return self.standards.now.guard

    @property
    def guard_model(self) -> GuardModel | None:
        """The model's second opinion on agents' replies the guard finds clean; None without a model."""
        return self.standards.now.guard_model

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
            redis = await create_pool(redis_settings(redis_url))
            stack.push_async_callback(redis.aclose)
        elif redis_url is None:
            raise ValueError("a worker's Redis needs settings.redis_url")
        database = Database(settings.database_url, lock_timeout=settings.db_lock_timeout)
        stack.push_async_callback(database.dispose)
        http = aiohttp.ClientSession()
        stack.push_async_callback(http.close)
        adapters = build_adapters(settings, http, redis)
        stack.push_async_callback(close_adapters, adapters)
        media = await stack.enter_async_context(open_media_files(settings))  # issue 15 (photos)
        decoding = Decoding(
            settings.image_decodes,
            settings.image_decode_queue,
            settings.image_decode_wait_seconds,
            max_pixels=round(config.channels.max_image_megapixels * 1_000_000),
        )
        stack.callback(decoding.close)
        metrics = Metrics()
        if hub is not None:
            metrics.watch_connections(hub.__len__)
        # The tiers served first among equals are the deadline table's urgent tiers in force (a
        # manager may change them at any time); ``standards`` exists before any ordering is read.
        live_queue = LiveQueue(
            redis, database.sessions, clock, config.queue, lambda: standards.now.config.deadlines.urgent_tiers
        )
        gateway = OutboundGateway(redis, settings.instance_id, hub, live_queue.changed, metrics=metrics, clock=clock)
        engine = engine if engine is not None else ConversationEngine(config)
        # Logs calendar.beyond_data now if this year or the next lies past the holiday data.
        engine.calendar.source_status(clock().astimezone(engine.calendar.timezone).date())
        standards = StandardsInForce(config, engine, database, llm=settings.llm, metrics=metrics)
        stack.push_async_callback(standards.aclose)
        try:
            await standards.follow_config(clock())
            await standards.refresh()
        except Exception:
            # The database may not be migrated yet; the refresh task tries again.
            log.exception("standards.first_refresh_failed")
        standards.start(settings.standards_refresh_seconds)
        pipeline = Pipeline(
            database,
            redis,
            engine,
            gateway,
            clock,
            settings.batch_max,
            on_stored=gateway.deliver if hub is not None else None,
            lock_ttl=settings.lock_ttl,
            metrics=metrics,
            in_force=lambda: standards.now,
        )
        if hub is not None:
            await gateway.start_listening()
            stack.push_async_callback(gateway.stop_listening)
        await pipeline.start()
        stack.push_async_callback(pipeline.stop)
        return Resources(
            settings=settings,
            standards=standards,
            clock=clock,
            redis=redis,
            redis_url=redis_url,
            database=database,
            adapters=adapters,
            gateway=gateway,
            live_queue=live_queue,
            pipeline=pipeline,
            hub=hub,
            metrics=metrics,
            media=media,
            passive_replies=GroupCommit(database, mark_sent_passively),
            image_decoding=decoding,
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
