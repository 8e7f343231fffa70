"""The customer's tier in the agent console: a supervisor sets it in the customer panel, every
queue card of theirs wears it as a badge, and an agent reads it without a way to change it; in
real Chromium at 1280×720."""

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


async def test_a_supervisor_makes_the_customer_vip_and_the_queue_card_shows_it(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await add_user(client, "li.agent", Role.AGENT)
    conversation_id, socket = await confirmed_complaint(client)
    await socket.close()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        url = str(client.make_url(f"/console/#conversation={conversation_id}"))
        supervisor = await laptop_console(browser, url, "zhou.sup")
        card = supervisor.locator(f"#queue li.ticket[data-conversation='{conversation_id}']")
        await expect(card).to_have_count(1, timeout=10_000)
        await expect(card.locator(".badge.tier")).to_have_count(0)
        panel = supervisor.locator("#customer-panel")
        await expect(panel.locator("#customer-tier")).to_have_text("标准客户", timeout=10_000)

        await panel.locator("#customer-tier-select").select_option(label="VIP客户")
        await panel.locator("#customer-tier-save").click()

        await expect(panel.locator("#customer-tier")).to_have_text("VIP客户", timeout=10_000)
        await expect(card.locator(".badge.tier")).to_have_text("VIP客户", timeout=10_000)
        await expect(supervisor.locator("#timeline")).to_contain_text("客户类别变更")
        await expect(supervisor.locator("#timeline")).to_contain_text("标准客户 → VIP客户")
        await supervisor.screenshot(path="/tmp/console-tier-supervisor.png")

        agent = await laptop_console(browser, url, "li.agent")
        await expect(agent.locator("#customer-tier")).to_have_text("VIP客户", timeout=10_000)
        await expect(agent.locator("#customer-tier-select")).to_have_count(0)
        agent_card = agent.locator(f"#queue li.ticket[data-conversation='{conversation_id}']")
        await expect(agent_card.locator(".badge.tier")).to_have_text("VIP客户")
        await browser.close()
