"""``create_app(settings)``: the aiohttp application with its resources and routes."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import structlog
from aiohttp import web

from bot.channels.sms import routes as sms_routes
from bot.channels.sms.adapter import SmsAdapter, SmsSettings
from bot.channels.sms.routes import sms_adapter_key
from bot.channels.sms.stub import StubConfig, create_stub_app
from bot.channels.telegram import routes as telegram_routes
from bot.channels.telegram.adapter import TelegramAdapter
from bot.channels.telegram.routes import telegram_adapter_key
from bot.channels.webchat import routes as chat
from bot.channels.webchat.adapter import WebchatHub
from bot.channels.wechat import routes as wechat_routes
from bot.channels.wechat.adapter import WechatAdapter
from bot.channels.wechat.routes import wechat_adapter_key
from bot.config import ServiceConfig, load_config
from bot.core.clock import Clock, utc_now
from bot.core.engine import ConversationEngine
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
    resources_key,
    sessions_key,
    settings_key,
    tracker_key,
)
from bot.resources import Resources, build_resources
from bot.settings import Settings
from bot.staff import api, auth, console, deliveries, rules_api
from bot.staff import event_socket as events
from bot.web.security_headers import security_headers

STUB_NUMBER = "10690000"

log = structlog.get_logger(__name__)

InProcessWorker = Callable[[Resources], AbstractAsyncContextManager[None]]
"""Runs an arq worker and the timer pump on the app's ``Resources`` while the app runs
(``workers.settings.in_process_worker``)."""


def _resources_context(sms: SmsSettings | None) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        hub = WebchatHub()
        settings, config, clock = app[settings_key], app[config_key], app[clock_key]
        shared = await build_resources(settings, config, clock, sms=sms, hub=hub, engine=app[engine_key])
        app[resources_key], app[hub_key] = shared, hub
        _publish_keys(app, shared)
        log.info("channels.on", channels=["webchat", *(str(name) for name in shared.adapters)])
        yield
        await shared.close()

    return context


def _publish_keys(app: web.Application, shared: Resources) -> None:
    """The per-resource keys handlers read: views onto ``shared``."""
    app[redis_url_key] = shared.redis_url
    app[redis_key] = shared.redis
    app[database_key] = shared.database
    app[sessions_key] = shared.sessions
    app[gateway_key] = shared.gateway
    app[live_queue_key] = shared.live_queue
    app[pipeline_key] = shared.pipeline
    app[tracker_key] = shared.tracker
    app[adapters_key] = shared.adapters
    for adapter in shared.adapters.values():
        if isinstance(adapter, SmsAdapter):
            app[sms_adapter_key] = adapter
        elif isinstance(adapter, TelegramAdapter):
            app[telegram_adapter_key] = adapter
        elif isinstance(adapter, WechatAdapter):
            app[wechat_adapter_key] = adapter


def _worker_context(worker: InProcessWorker | None) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        shared = app[resources_key]
        if worker is None or not shared.settings.in_process_worker:
            yield
            return
        async with worker(shared):
            yield

    return context


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


def create_app(
    settings: Settings,
    config: ServiceConfig | None = None,
    clock: Clock = utc_now,
    worker: InProcessWorker | None = None,
) -> web.Application:
    """Build the application; resources start with the app and close with it.

    ``worker`` runs inside the app when ``settings.in_process_worker`` is on; the caller that
    composes the process passes it (``bot.app`` does not import ``workers``).

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
            _resources_context(sms),
            events.staff_events_context,
            _worker_context(worker),
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
