"""The staff consoles' pages (``/console/``, ``/manager/``) and the config they read.

The pages are static files in ``bot/web/static/`` (no build step); they call the staff JSON API
and listen on ``GET /api/events``.
"""

from __future__ import annotations

import html
import string

from aiohttp import web

from bot.keys import resources
from bot.staff.accounts import Role
from bot.staff.auth import requires
from bot.web.responses import STATIC_DIR

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)


def _page(request: web.Request, name: str) -> web.Response:
    """The page with the service time zone in a meta tag, so staff see times in the service's local time."""
    zone = html.escape(str(resources(request).config.service.timezone), quote=True)
    text = (STATIC_DIR / name).read_text(encoding="utf-8")
    meta = f'<meta charset="utf-8">\n  <meta name="service-timezone" content="{zone}">'
    text = text.replace('<meta charset="utf-8">', meta, 1)
    return web.Response(text=text, content_type="text/html", headers={"Cache-Control": "no-cache"})


async def agent_console(request: web.Request) -> web.Response:
    return _page(request, "console.html")


async def manager_console(request: web.Request) -> web.Response:
    return _page(request, "manager.html")


@requires(*STAFF)
async def phrases(request: web.Request) -> web.Response:
    """``GET /api/phrases``: standard phrases, the agent-usable ones named for the picker,
    forbidden phrases and the guard mode."""
    config = resources(request).config
    locale = request.query.get("locale") or config.service.default_locale
    book = config.phrases.get(locale) or config.phrases[config.service.default_locale]
    return web.json_response(
        {
            "locale": book.locale,
            "phrases": [{"id": phrase_id.value, "text": text} for phrase_id, text in book.phrases.items()],
            "agent_phrases": [
                {
                    "id": phrase_id.value,
                    "label": label,
                    "text": book.phrases[phrase_id],
                    "variables": sorted(
                        {name for _, name, _, _ in string.Formatter().parse(book.phrases[phrase_id]) if name}
                    ),
                }
                for phrase_id, label in book.agent_phrases.items()
            ],
            "correct_expressions": list(config.forbidden.correct_expressions),
            "forbidden": [
                {"text": item.text, "instead": item.instead, "locale": item.locale}
                for item in config.forbidden.forbidden
            ],
            "patterns": [
                {"id": item.id, "examples": item.examples, "instead": item.instead, "locale": item.locale}
                for item in config.forbidden.patterns
            ],
            "agent_guard": config.forbidden.agent_guard,
        }
    )


@requires(*STAFF)
async def deadlines(request: web.Request) -> web.Response:
    """``GET /api/config/deadlines``: the reply deadline table (hours by grade × tier), overrides
    and category names, as configured in ``config/deadlines.yaml``; and the business calendar's
    holiday source with the years it has no data for (counted by weekends only). Category names
    and the cluster alerts' problems (``problems``: id, name) in ``?locale=`` (default zh-CN)."""
    shared = resources(request)
    config = shared.config
    body = config.deadlines.model_dump(mode="json", exclude_none=True)
    locale = request.query.get("locale") or config.service.default_locale  # issue 15: the reader's language
    body["categories"] = [
        {"id": category.id, "name": category.name.get(locale)} for category in config.classification.categories
    ]
    # a cluster alert's problem (电梯) in the reader's language
    alerts = config.queue.cluster_alert
    body["problems"] = [{"id": problem, "name": alerts.problem_name(problem, locale)} for problem in alerts.problems]
    calendar = shared.engine.calendar
    status = calendar.source_status(shared.clock().astimezone(calendar.timezone).date())
    body["calendar"] = {
        "source": status.source,
        "covered_from": status.covered_from,
        "covered_until": status.covered_until,
        "beyond_data_years": list(status.beyond_data_years),
        "local_holidays": [day.isoformat() for day in config.calendar.holidays],
        "local_working_days": [day.isoformat() for day in config.calendar.extra_working_days],
    }
    return web.json_response(body)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console", _to_slash)
    app.router.add_get("/console/", agent_console)
    app.router.add_get("/manager", _to_slash)
    app.router.add_get("/manager/", manager_console)
    app.router.add_get("/api/phrases", phrases)
    app.router.add_get("/api/config/deadlines", deadlines)


async def _to_slash(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(request.path + "/")
