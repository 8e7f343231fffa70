"""``create_app(settings)``: the aiohttp application with its resources and routes."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import structlog
from aiohttp import web
from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker

from bot.channels.registry import build_adapters, close_adapters
from bot.channels.sms import SmsAdapter, SmsSettings
from bot.channels.telegram import TelegramAdapter
from bot.channels.webchat import WebchatHub
from bot.channels.wechat import WechatAdapter
from bot.clock import Clock, utc_now
from bot.config import ServiceConfig, load_config
from bot.db import Database
from bot.embedded_redis import EmbeddedRedis
from bot.engine import ConversationEngine
from bot.gateway import OutboundGateway
from bot.handoff.live_queue import LiveQueue
from bot.keys import (
    adapters_key,
    clock_key,
    config_key,
    database_key,
    engine_key,
    gateway_key,
    hub_key,
    live_queue_key,
    pipeline_key,
    redis_key,
    redis_url_key,
    sessions_key,
    settings_key,
)
from bot.pipeline import Pipeline
from bot.settings import Settings
from bot.sms_stub import StubConfig, create_stub_app
from bot.web import api, auth, chat, console, deliveries, events, rules_api
from bot.web import sms as sms_routes
from bot.web import telegram as telegram_routes
from bot.web import wechat as wechat_routes
from bot.web.security_headers import security_headers
from bot.web.sms import sms_adapter_key
from bot.web.telegram import telegram_adapter_key
from bot.web.wechat import wechat_adapter_key

STUB_NUMBER = "10690000"

log = structlog.get_logger(__name__)


async def _redis_context(app: web.Application) -> AsyncIterator[None]:
    settings = app[settings_key]
    embedded: EmbeddedRedis | None = None
    url = settings.redis_url
    if url is None:
        embedded = EmbeddedRedis(settings.var_dir / "redis")
        await embedded.start()
        url = embedded.url
        log.info("redis.embedded_started", url=url)
    app[redis_url_key] = url
    app[redis_key] = await create_pool(RedisSettings.from_dsn(url))
    yield
    await app[redis_key].aclose()
    if embedded is not None:
        await embedded.stop()


async def _database_context(app: web.Application) -> AsyncIterator[None]:
    database = Database(app[settings_key].database_url, lock_timeout=app[settings_key].db_lock_timeout)
    app[database_key] = database
    app[sessions_key] = database.sessions
    yield
    await database.dispose()


async def _pipeline_context(app: web.Application) -> AsyncIterator[None]:
    hub = WebchatHub()
    live_queue = LiveQueue(app[redis_key], app[sessions_key], app[clock_key], app[config_key].queue)
    gateway = OutboundGateway(app[redis_key], app[settings_key].instance_id, hub, live_queue.changed)
    app[live_queue_key] = live_queue
    pipeline = Pipeline(
        app[database_key],
        app[redis_key],
        app[engine_key],
        gateway,
        app[clock_key],
        app[settings_key].batch_max,
        on_stored=gateway.deliver,
        lock_ttl=app[settings_key].lock_ttl,
    )
    app[hub_key], app[gateway_key], app[pipeline_key] = hub, gateway, pipeline
    await gateway.start_listening()
    await pipeline.start()
    yield
    await pipeline.stop()
    await gateway.stop_listening()


def worker_resources(app: web.Application) -> dict[str, Any]:
    """The arq ``ctx`` a worker inside this app gets: the same entries ``workers.settings.on_startup``
    gives a separate worker process (arq adds ``redis``)."""
    return {
        "settings": app[settings_key],
        "config": app[config_key],
        "sessions": app[sessions_key],
        "database": app[database_key],
        "pipeline": app[pipeline_key],
        "adapters": app[adapters_key],
        "clock": app[clock_key],
        "gateway": app[gateway_key],
        "live_queue": app[live_queue_key],
    }


async def _worker_context(app: web.Application) -> AsyncIterator[None]:
    """The arq worker inside the app process, for the embedded single-command setup."""
    if not app[settings_key].in_process_worker:
        yield
        return
    from workers.settings import worker_cron_jobs, worker_functions, worker_timezone
    from workers.timers import TimerPump

    worker = Worker(
        functions=worker_functions(app[settings_key]),
        cron_jobs=worker_cron_jobs(app[config_key]),
        # arq annotates a datetime.timezone, but any tzinfo works: the service zone has summer time.
        timezone=worker_timezone(app[config_key]),  # type: ignore[arg-type]
        job_timeout=app[settings_key].job_timeout,
        redis_pool=await create_pool(RedisSettings.from_dsn(app[redis_url_key])),
        ctx=worker_resources(app),
        handle_signals=False,
        poll_delay=0.2,
    )
    task = asyncio.create_task(worker.async_run(), name="arq-worker")
    pump = TimerPump(app[redis_key], app[clock_key])
    pump.start()
    yield
    await pump.stop()
    # close() cancels running jobs (arq runs them again later) and closes the worker's own pool;
    # the cancelled jobs surface here as CancelledError.
    with contextlib.suppress(asyncio.CancelledError):
        await worker.close()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _close_sockets(app: web.Application) -> None:
    await app[pipeline_key].drained(timeout=10)
    await app[hub_key].close_all()


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when the database and Redis both answer."""
    checks: dict[str, str] = {}
    try:
        await request.app[database_key].ping()
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
    try:
        await asyncio.wait_for(request.app[redis_key].ping(), timeout=2)
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"unreachable: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return web.json_response({"status": "ready" if ready else "not ready", **checks}, status=200 if ready else 503)


def _sms_gateway(app: web.Application, settings: Settings) -> SmsSettings | None:
    """The configured gateway, or the stub mounted at ``/sms-stub`` (embedded mode), or none."""
    if settings.sms is not None:
        return settings.sms
    if not settings.sms_stub:
        return None
    base = settings.public_base()
    stub = StubConfig(
        account_sid="AC" + "0" * 32,
        auth_token=secrets.token_hex(16),
        number=STUB_NUMBER,
        webhook_url=f"{base}/channels/sms",
    )
    app.add_subapp("/sms-stub/", create_stub_app(stub))
    return SmsSettings(stub.account_sid, stub.auth_token, stub.number, f"{base}/sms-stub")


def _channels_context(sms: SmsSettings | None) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        http = aiohttp.ClientSession()
        adapters = build_adapters(app[settings_key], sms, http, app[redis_key])
        for adapter in adapters.values():
            if isinstance(adapter, SmsAdapter):
                app[sms_adapter_key] = adapter
            elif isinstance(adapter, TelegramAdapter):
                app[telegram_adapter_key] = adapter
            elif isinstance(adapter, WechatAdapter):
                app[wechat_adapter_key] = adapter
        app[adapters_key] = adapters
        log.info("channels.on", channels=["webchat", *(str(name) for name in adapters)])
        yield
        await close_adapters(adapters)
        await http.close()

    return context


def create_app(settings: Settings, config: ServiceConfig | None = None, clock: Clock = utc_now) -> web.Application:
    """Build the application; resources start with the app and close with it.

    A channel without its settings is off: its routes are not mounted (they answer 404).
    """
    app = web.Application(client_max_size=1024 * 1024)
    app[settings_key] = settings
    app[config_key] = config if config is not None else load_config(settings.config_dir)
    app[clock_key] = clock
    app[engine_key] = ConversationEngine(app[config_key])
    sms = _sms_gateway(app, settings)
    app.cleanup_ctx.extend(
        [
            _redis_context,
            events.staff_events_context,
            _database_context,
            _channels_context(sms),
            _pipeline_context,
            _worker_context,
            auth.auth_context,
            events.session_recheck_context,
        ]
    )
    app.on_response_prepare.append(security_headers(settings.auth))
    app.on_shutdown.append(_close_sockets)
    app.on_shutdown.append(events.close_staff_sockets)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    chat.add_routes(app)
    api.add_routes(app)
    events.add_routes(app)
    console.add_routes(app)
    deliveries.add_routes(app)
    rules_api.add_routes(app)
    if sms is not None:
        sms_routes.add_routes(app)
    if settings.telegram is not None:
        telegram_routes.add_routes(app)
    if settings.wechat is not None:
        wechat_routes.add_routes(app)
    return app
