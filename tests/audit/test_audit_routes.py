"""Every route that changes something for staff (and every export) is audited, so a route added
later cannot be forgotten: only the explicit list of non-actions (customer and provider webhooks,
the read-only try-a-sentence box) is left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.channels.sms.adapter import SmsSettings
from bot.channels.telegram.adapter import TelegramSettings
from bot.channels.wechat.adapter import WechatSettings
from bot.config import ServiceConfig
from bot.core.engine import ConversationEngine
from bot.settings import PROJECT_ROOT, Settings
from bot.staff.accounts import Role
from bot.staff.audit import audited
from bot.staff.auth import requires
from tests.audit.routes import NOT_ACTIONS, missed, must_be_audited, routes
from tests.audit.support import logged, one
from tests.conftest import FixedClock
from tests.helpers import eventually
from tests.staff import add_user, sign_in


@pytest.fixture
def every_route_app(tmp_path: Path) -> web.Application:
    """The app with every channel on and the SMS stub mounted (routes only: nothing is started)."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite3'}",
        redis_url="redis://127.0.0.1:9/0",
        config_dir=PROJECT_ROOT / "config",
        var_dir=tmp_path,
        sms=SmsSettings("AC1", "token", "+10000000000", "http://127.0.0.1:9"),
        telegram=TelegramSettings("1:token", "secret", "http://127.0.0.1:9"),
        wechat=WechatSettings("token", "appid", "secret"),
        sms_stub=True,
    )
    return create_app(settings)


def test_every_staff_action_route_is_audited(every_route_app: web.Application) -> None:
    assert missed(every_route_app) == []
    audited_paths = {(method, path) for method, path, _ in routes(every_route_app) if must_be_audited(method, path)}
    assert {("POST", "/api/login"), ("PUT", "/api/rules"), ("POST", "/api/dead-letters/{id}/retry")} <= audited_paths


def test_the_list_of_non_actions_names_only_routes_that_exist(every_route_app: web.Application) -> None:
    registered = {(method, path) for method, path, _ in routes(every_route_app)}
    assert set(NOT_ACTIONS) - registered == set(), "these are not routes any more: take them off NOT_ACTIONS"


async def _handler(request: web.Request) -> web.Response:
    return web.json_response({})


def test_a_route_not_audited_or_audited_inside_the_role_check_is_reported() -> None:
    app = web.Application()
    app.router.add_post("/api/forgotten", _handler)
    app.router.add_delete("/api/inside", requires(Role.MANAGER)(audited("inside")(_handler)))
    app.router.add_put("/api/right", audited("right")(requires(Role.MANAGER)(_handler)))
    app.router.add_get("/api/cases.csv", _handler)
    app.router.add_get("/api/cases.xlsx", audited("export")(requires(Role.MANAGER)(_handler)))
    app.router.add_get("/api/queue", _handler)
    assert missed(app) == [
        "POST /api/forgotten: not @audited",
        "DELETE /api/inside: a decorator sits outside @audited (put @audited first)",
        "GET /api/cases.csv: not @audited",
    ]


async def test_an_audited_export_records_the_filters_it_was_asked_for(
    settings: Settings, service_config: ServiceConfig, clock: FixedClock, conversation_engine: ConversationEngine
) -> None:
    app = create_app(settings, service_config, clock, engine=conversation_engine)
    client: TestClient[web.Request, web.Application] = TestClient(TestServer(app))
    await client.start_server()
    try:
        await add_user(client, "boss", Role.MANAGER)
        await sign_in(client, "boss")
        response = await client.get("/api/cases.csv", params={"from": "2026-11-01", "category": "property_service"})
        assert response.status == 200 and (await response.read()).decode("utf-8-sig").startswith("工单号")

        async def recorded() -> bool:  # written once the streamed download has finished
            return bool(await logged(client, "export"))

        await eventually(recorded)
        entry = await one(client, "export")
        assert (entry.actor, entry.target, entry.status) == ("boss", "cases.csv", 200)
        assert entry.detail == {"query": {"from": "2026-11-01", "category": "property_service"}}
    finally:
        await client.close()
