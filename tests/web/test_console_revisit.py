"""The agent console after the customer of a resolved case wrote again: the resolved list marks it
新消息, and the case names the callback in Chinese (the rating's channel, why it closed), not by
the API's ids."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory, FixedClock
from tests.promises.support import claim_and_resolve, promised_case, run_due

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_a_rated_callback_reads_in_chinese_and_marks_the_resolved_conversation(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await claim_and_resolve(client, conversation_id, "li.agent")
    clock.advance(hours=2)
    await run_due(client)
    await socket.until_bot_says("1到5分")
    clock.advance(minutes=5)
    await socket.send("5分，师傅处理很及时")
    await socket.until_bot_says("感谢您对我们工作的支持")

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page: Any = await (await browser.new_context(viewport={"width": 1366, "height": 768})).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "li.agent")
        item = page.locator("#resolved li", has_text=f"会话 {conversation_id}")
        await expect(item.locator(".unread")).to_have_text("新消息", timeout=10_000)
        await item.get_by_role("button").click()
        await expect(page.locator("#complaint")).to_contain_text("5 师傅处理很及时 (网页聊天)", timeout=10_000)
        await expect(page.locator("#complaint")).not_to_contain_text("webchat")
        await expect(page.locator("#timeline")).to_contain_text("会话结束 (回访已评价)")
        await expect(page.locator("#timeline")).not_to_contain_text("satisfaction_recorded")
        await browser.close()
    await socket.close()
