"""The agent console in two tabs of one browser (real Chromium): a conversation claimed and answered
in one tab is not marked 新消息 in the other when the customer wrote nothing new."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_asks_for_a_person, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser


async def test_a_conversation_answered_in_another_tab_is_not_new_here(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        context = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        first = await context.new_page()
        await first.goto(str(client.make_url("/console/")))
        await sign_in(first, "li.agent")
        await expect(first.locator("#queue .claim")).to_have_count(1, timeout=10_000)
        second = await context.new_page()
        await second.goto(str(client.make_url("/console/")))
        await expect(second.locator("#queue .claim")).to_have_count(1, timeout=10_000)  # signed in already

        await second.locator("#queue .claim").click()
        await expect(second.locator("#reply-text")).to_be_focused(timeout=10_000)
        await second.fill("#reply-text", "您好,我来帮您处理")
        await second.locator("#reply-text").press("Control+Enter")
        await expect(customer.locator(".msg-agent")).to_contain_text("我来帮您处理", timeout=10_000)

        mine = first.locator("#mine li[data-conversation]")
        await expect(mine).to_have_count(1, timeout=10_000)
        await first.wait_for_timeout(1_000)  # the reply's events reach this tab too
        await expect(mine.locator(".badge")).to_have_count(0)
        await expect(mine).not_to_have_class("unread")
        await expect(first.locator("#mine-unread")).to_be_hidden()
        await browser.close()
