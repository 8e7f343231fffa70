"""The agent console's resolve dialog (real Chromium): a summary holding a forbidden phrase in
disguise ("这不归物业管，您応該去找街道办", 応 the Japanese form of 应) is refused, the console says
which phrase and what to write instead, and the case stays open for a summary written again."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAPTOP, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.promises.support import claim_and_reply, complaint, promised_case, staff

pytestmark = pytest.mark.browser


async def test_a_forbidden_summary_is_refused_in_the_resolve_dialog(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    headers, _ = await staff(client, "li.agent", Role.AGENT)
    await claim_and_reply(client, conversation_id, headers)

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport=LAPTOP, locale="zh-CN")).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "li.agent")
        await page.locator("#mine li", has_text=f"会话 {conversation_id}").get_by_role("button").click()

        await page.fill("#resolve-summary", "这不归物业管，您応該去找街道办")
        await page.click("#resolve")
        await page.click("#resolve-confirm")
        said = page.locator("#conversation-message")
        await expect(said).to_contain_text("含有服务忌语「您应该去找」，请改用：这是我们的责任", timeout=10_000)
        await expect(said).to_have_class("error")
        await expect(page.locator("#resolve-summary")).to_have_value("这不归物业管，您応該去找街道办")
        await expect(page.locator("#resolve-summary")).to_be_focused()
        assert (await complaint(client, conversation_id)).status != "resolved"

        await page.fill("#resolve-summary", "已安排保洁每天清理两次")
        await page.click("#resolve")
        await page.click("#resolve-confirm")
        await expect(page.locator("#conversation-meta")).to_contain_text("已解决", timeout=10_000)
        await browser.close()
    await socket.close()
