"""``create_app(settings)``: the aiohttp application with its resources and routes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import structlog
from aiohttp import web

from bot.channels.registry import STUB_PATH, channels_off, sms_gateway, stub_config
from bot.channels.sms import routes as sms_routes
from bot.channels.sms.stub import create_stub_app
from bot.channels.telegram import routes as telegram_routes
from bot.channels.webchat import routes as chat
from bot.channels.webchat.adapter import WebchatHub
from bot.channels.wechat import routes as wechat_routes
from bot.config import ServiceConfig, load_config
from bot.core.clock import Clock, utc_now
from bot.core.engine import ConversationEngine
from bot.keys import resources, resources_key
from bot.media import routes as media_routes  # issue 15 (photos)
from bot.resources import Resources, build_resources
from bot.settings import Settings
from bot.staff import accounts_api, api, auth, console, deliveries, reports_api, rules_api, understanding_api
from bot.staff import event_socket as events
from bot.staff.customer_api import add_routes as add_customer_routes  # issue 15 (agent console)
from bot.staff.standards_api import add_routes as add_standards_routes  # issue 14
from bot.staff.typing_api import add_routes as add_typing_routes  # issue 15 (typing)
from bot.web import metrics, request_ids
from bot.web.body_deadline import body_deadline
from bot.web.client_address import ClientAddresses
from bot.web.connections import ConnectionGuard
from bot.web.connections import serve as serve_guarded
from bot.web.security_headers import security_headers
from bot.web.unstorable import refuse_unstorable

log = structlog.get_logger(__name__)

InProcessWorker = Callable[[Resources], AbstractAsyncContextManager[None]]
"""Runs an arq worker and the timer pump on the app's ``Resources`` while the app runs
(``workers.settings.in_process_worker``)."""


def _resources_context(
    settings: Settings, config: ServiceConfig, clock: Clock, engine: ConversationEngine
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        shared = await build_resources(settings, config, clock, hub=WebchatHub(), engine=engine)
        app[resources_key] = shared
        log.info("channels.on", channels=["webchat", *(str(name) for name in shared.adapters)])
        for name, how in channels_off(settings).items():
            log.info("channels.off", channel=name, how_to_turn_on=how)
        yield
        await shared.close()

    return context


def _worker_context(worker: InProcessWorker | None) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        shared = resources(app)
        if worker is None or not shared.settings.in_process_worker:
            yield
            return
        async with worker(shared):
            yield

    return context


async def _close_sockets(app: web.Application) -> None:
    shared = resources(app)
    await shared.pipeline.drained(timeout=10)
    if shared.hub is not None:
        await shared.hub.close_all()


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when the database and Redis both answer."""
    checks: dict[str, str] = {}
    shared = resources(request)
    try:
        await shared.database.ping()
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
    try:
        await asyncio.wait_for(shared.redis.ping(), timeout=2)
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"unreachable: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return web.json_response({"status": "ready" if ready else "not ready", **checks}, status=200 if ready else 503)


def _mount_sms_stub(app: web.Application, settings: Settings) -> None:
    """The stub gateway at ``/sms-stub/``, only when ``BOT_SMS_STUB`` asks for it (development)."""
    stub = stub_config(settings)
    if stub is not None:
        log.warning("sms.stub_mounted", path=f"{STUB_PATH}/", why="BOT_SMS_STUB is on; not for production")
        app.add_subapp(f"{STUB_PATH}/", create_stub_app(stub))


def create_app(
    settings: Settings,
    config: ServiceConfig | None = None,
    clock: Clock = utc_now,
    worker: InProcessWorker | None = None,
    engine: ConversationEngine | None = None,
) -> web.Application:
    """Build the application; resources start with the app and close with it.

    ``worker`` runs inside the app when ``settings.in_process_worker`` is on; the caller that
    composes the process passes it (``bot.app`` does not import ``workers``). ``engine``
    defaults to a ``ConversationEngine`` over ``config``.

    A channel without its settings is off: its routes are not mounted (they answer 404).
    """
    app = web.Application(client_max_size=1024 * 1024)
    request_ids.install(app, ClientAddresses(settings.auth.trusted_proxies))
    app.middlewares.append(refuse_unstorable)
    app.middlewares.append(body_deadline(settings.body_read_seconds, settings.upload_read_seconds))
    config = config if config is not None else load_config(settings.config_dir)
    engine = engine if engine is not None else ConversationEngine(config)
    _mount_sms_stub(app, settings)
    app.cleanup_ctx.extend(
        [
            _resources_context(settings, config, clock, engine),
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
    metrics.add_routes(app)
    chat.add_routes(app)
    api.add_routes(app)
    events.add_routes(app)
    console.add_routes(app)
    deliveries.add_routes(app)
    rules_api.add_routes(app)
    accounts_api.add_routes(app)
    understanding_api.add_routes(app)
    # issue 14 (reports): figures and the work-order export
    reports_api.add_routes(app)
    add_standards_routes(app)  # issue 14 (standards edited in the console)
    media_routes.add_routes(app)  # issue 15 (photos)
    # issue 15 (agent console): the customer panel and the team's canned replies
    add_customer_routes(app)
    add_typing_routes(app)  # issue 15 (typing): the agent's typing route and the typing relay
    if sms_gateway(settings) is not None:
        sms_routes.add_routes(app)
    if settings.telegram is not None:
        telegram_routes.add_routes(app)
    if settings.wechat is not None:
        wechat_routes.add_routes(app)
    return app


def serve(app: web.Application, settings: Settings, **options: Any) -> None:
    """Serve ``app`` on ``settings.host`` and ``settings.port`` until SIGTERM or SIGINT, guarded
    against slow and idle connections (bot/web/connections.py); ``options``: ``shutdown_timeout``
    and aiohttp's request handler's (``access_log_class``)."""
    addresses = ClientAddresses(settings.auth.trusted_proxies, settings.auth.ipv6_limit_prefix)
    guard = ConnectionGuard(settings.connections, addresses)
    serve_guarded(app, settings.host, settings.port, guard, **options)
