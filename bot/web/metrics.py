"""``GET /metrics``: this instance's Prometheus metrics, the shared gauges refreshed first.

Open by default (as ``/healthz``): keep it off the public load balancer's routes, or set
``BOT_METRICS_TOKEN`` to require ``Authorization: Bearer <token>`` (docs/operations.md, "Metrics").
"""

from __future__ import annotations

import secrets

import structlog
from aiohttp import web

from bot.keys import resources
from bot.observability.metrics import CONTENT_TYPE
from bot.resources import Resources
from bot.staff.dashboard import deadline_state
from bot.storage import metrics as metrics_store
from bot.web.responses import api_error

log = structlog.get_logger(__name__)

PATH = "/metrics"


async def refresh_gauges(shared: Resources) -> None:
    """Queues from the live queue (one HGETALL); overdue timers and open promises from the database."""
    metrics, now = shared.metrics, shared.clock()
    by_queue: dict[str, tuple[int, float]] = {}
    for ticket in await shared.live_queue.waiting():
        count, oldest = by_queue.get(ticket.queue, (0, 0.0))
        by_queue[ticket.queue] = (count + 1, max(oldest, (now - ticket.created_at).total_seconds()))
    metrics.set_queues(by_queue)
    settings = shared.config.queue.dashboard
    async with shared.sessions() as session:
        metrics.timers_overdue.set(await session.run_sync(metrics_store.overdue_timer_count, now))
        deadlines = await session.run_sync(metrics_store.open_deadlines)
    states = [deadline_state(deadline, promised, now, settings) for deadline, promised in deadlines]
    metrics.promises_breached.set(states.count("breached"))
    metrics.promises_at_risk.set(states.count("at_risk"))


async def serve_metrics(request: web.Request) -> web.Response:
    shared = resources(request)
    token = shared.settings.metrics_token
    if token is not None:
        given = request.headers.get("Authorization", "")
        if not secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise api_error(401, "metrics need Authorization: Bearer <BOT_METRICS_TOKEN>")
    try:
        await refresh_gauges(shared)
    except Exception:
        # The counters are still worth a scrape; the shared gauges keep their last values.
        log.exception("metrics.refresh_failed")
    return web.Response(body=shared.metrics.render(), headers={"Content-Type": CONTENT_TYPE})


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH, serve_metrics)
