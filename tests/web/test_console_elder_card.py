"""An elderly customer's ticket says so on its queue card (长者优先: it is why the card stands ahead of
others of the same urgency), in real Chromium."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory
from tests.helpers import confirmed_complaint
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_an_elders_ticket_says_elder_on_its_card(make_client: AppFactory) -> None:
    client = await make_client()
    younger, _ = await confirmed_complaint(client, "停水了 阳光花园3栋 13800138000")
    elder, _ = await confirmed_complaint(client, "我妈78岁了 停水两天了 阳光花园5栋 13900139000")
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        badge = page.locator(f'.ticket[data-conversation="{elder}"] .badge.elder')
        await expect(badge).to_have_text("长者", timeout=10_000)
        assert await badge.get_attribute("title") == "长者优先"
        await expect(page.locator(f'.ticket[data-conversation="{younger}"] .badge.elder')).to_have_count(0)
        await page.screenshot(path="/tmp/elder-card.png")
        await browser.close()
