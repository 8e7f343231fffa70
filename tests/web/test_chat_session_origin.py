"""Another site's page cannot open web chat sessions with its visitors' browsers (and so spend
their address's session budget): ``POST /chat/session`` takes JSON only, and from a browser only
from this site or a widget origin; and the chat page says why it cannot connect when refused."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.config import ServiceConfig, WebchatLimits
from bot.settings import AuthSettings
from tests.browser import CHROMIUM, LAUNCH_ARGS, playwright_api
from tests.conftest import AppFactory
from tests.helpers import new_session

SHOP = "https://shop.example.com"
expect = playwright_api.expect


async def _sessions_left(client: TestClient[Any, Any]) -> int:
    """How many more sessions this address may open: each 201 counts one."""
    opened = 0
    while (await client.post("/chat/session", json={})).status == 201:
        opened += 1
    return opened


def _sessions_per_address(config: ServiceConfig, count: int) -> ServiceConfig:
    channels = config.channels.model_copy(update={"webchat": WebchatLimits(sessions_per_address=count)})
    return config.model_copy(update={"channels": channels})


async def test_a_session_asked_for_as_plain_text_or_a_form_is_refused_and_counts_nothing(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=_sessions_per_address(service_config, 3))
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        refused = await client.post("/chat/session", data=b"{}", headers={"Content-Type": content_type})
        assert refused.status == 415, content_type
    assert (await client.post("/chat/session")).status == 415
    assert await _sessions_left(client) == 3


async def test_a_session_from_another_sites_page_is_refused_and_counts_nothing(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(
        config=_sessions_per_address(service_config, 5), auth=AuthSettings(widget_origins=(SHOP,))
    )
    evil = await client.post("/chat/session", json={}, headers={"Origin": "https://evil.example"})
    assert evil.status == 403 and "this site" in (await evil.json())["error"]
    own = f"http://{client.server.host}:{client.server.port}"
    for origin in (own, SHOP, SHOP.upper() + "/"):
        assert (await client.post("/chat/session", json={}, headers={"Origin": origin})).status == 201, origin
    assert await _sessions_left(client) == 2  # 5, less the three above; the refused one took none


@pytest.mark.browser
async def test_the_chat_says_why_it_cannot_connect_when_its_address_opened_too_many_sessions(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=_sessions_per_address(service_config, 1))
    await new_session(client)  # the address's one session
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(locale="zh-CN")).new_page()
        await page.goto(str(client.make_url("/chat")))
        await expect(page.locator("#chat-status")).to_contain_text("请稍后再试", timeout=10_000)
        await browser.close()
