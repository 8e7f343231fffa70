"""A ticket held back at P3 (too many cases from one client network address) says why on its queue
card and in its timeline, worded as the network (IP) address, never as a street address (real
Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.config import ServiceConfig, WebchatLimits
from bot.settings import AuthSettings
from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory
from tests.helpers import confirmed_complaint
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

FLOODER = "198.51.100.7"


async def _flood_client(make_client: AppFactory, service_config: ServiceConfig) -> TestClient[Any, Any]:
    behind_proxy = AuthSettings(trusted_proxies=("127.0.0.1/32",))  # the test client plays the proxy
    channels = service_config.channels.model_copy(update={"webchat": WebchatLimits(cases_per_address=1)})
    return await make_client(config=service_config.model_copy(update={"channels": channels}), auth=behind_proxy)


async def test_a_held_back_ticket_says_why_on_its_card(make_client: AppFactory, service_config: ServiceConfig) -> None:
    client = await _flood_client(make_client, service_config)
    first, _ = await confirmed_complaint(client, "停水了 阳光花园3栋 13800138000", forwarded_for=FLOODER)
    held, _ = await confirmed_complaint(client, "停水了 阳光花园3栋 13800138000", forwarded_for=FLOODER)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "zhou.sup")
        held_card = page.locator(f'.ticket[data-conversation="{held}"]')
        tag = held_card.locator(".badge.held-back")
        await expect(tag).to_have_text("同一IP投诉过多", timeout=10_000)
        assert "网络地址（IP）" in (await tag.get_attribute("title") or "")
        await expect(page.locator(f'.ticket[data-conversation="{first}"] .badge.held-back')).to_have_count(0)
        await page.screenshot(path="/tmp/staffsmall-held-back.png")
        await held_card.get_by_role("button", name="查看").click()
        timeline = page.locator("#timeline")
        await expect(timeline).to_contain_text("同一网络地址（IP）投诉过多·排在其他客户之后")
        await expect(timeline).to_contain_text("该网络地址（IP）已有")
        await browser.close()
