"""Quick replies in the web chat widget, in a real headless Chromium (issue 12 item 9): the options
a bot message offers are buttons under it, a click sends the option's value as the customer's
message, and only the newest message keeps its buttons (seed 000 四(五): the callback's rating)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.keys import resources
from bot.storage.models import Conversation, Satisfaction
from tests.browser import CHROMIUM, LAUNCH_ARGS, playwright_api
from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually
from tests.promises.support import claim_and_resolve, run_due

pytestmark = pytest.mark.browser
expect = playwright_api.expect


async def _only_conversation(client: Any) -> int:
    async with resources(client.app).sessions() as session:
        return int((await session.execute(select(Conversation.id))).scalar_one())


async def test_the_customer_confirms_and_rates_with_quick_reply_buttons(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await browser.new_page(locale="zh-CN")
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        # (a missing favicon is a console error too: only what the CSP refused counts here)
        page.on("console", lambda message: problems.append(message.text) if "Refused" in message.text else None)
        await page.goto(str(client.make_url("/chat")))
        await page.evaluate("window.complaintChat.ready")
        bot = page.locator(".msg-bot")
        await expect(bot.first).to_contain_text("客服代表", timeout=10_000)
        steps = (("小区门口的路灯坏了一个星期了", "电话"), ("13800138000", "地址"), ("阳光花园5栋", "是否正确"))
        for text, answer in steps:
            await page.fill("#chat-input", text)
            await page.click("#chat-send")
            await expect(page.locator(".msg-bot", has_text=answer).last).to_be_visible(timeout=10_000)

        buttons = page.locator(".msg-options .msg-option")
        await expect(buttons).to_have_text(["对", "不对"], timeout=10_000)
        await buttons.first.click()
        await expect(page.locator(".msg-bot", has_text="投诉编号")).to_have_count(1, timeout=10_000)
        await expect(page.locator(".msg-customer .msg-text").last).to_have_text("对")
        await expect(buttons).to_have_count(0)

        conversation_id = await _only_conversation(client)
        await claim_and_resolve(client, conversation_id)
        clock.advance(hours=2)

        async def asked() -> bool:
            await run_due(client)
            return await page.locator(".msg-bot", has_text="1到5分").count() == 1

        await eventually(asked, timeout=15)
        rating = page.locator(".msg-bot", has_text="1到5分")
        await expect(rating.locator(".msg-option")).to_have_text(["1", "2", "3", "4", "5"])
        await rating.locator(".msg-option", has_text="5").click()
        await expect(page.locator(".msg-bot", has_text="意见或建议")).to_have_count(1, timeout=10_000)
        await expect(page.locator(".msg-options")).to_have_count(0)

        await page.fill("#chat-input", "路灯已经亮了")
        await page.click("#chat-send")
        await expect(page.locator(".msg-bot", has_text="感谢您对我们工作的支持")).to_have_count(1, timeout=10_000)
        async with resources(client.app).sessions() as session:
            [rated] = (await session.execute(select(Satisfaction))).scalars().all()
        assert (rated.rating, rated.resolved) == (5, True)
        assert problems == []  # no script error, nothing the CSP refused
        await browser.close()
