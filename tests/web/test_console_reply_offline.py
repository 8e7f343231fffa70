"""A reply that fails offline (real Chromium): the console says it was not sent and is kept in the
box, in the console's language, and the words go once the network is back."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_asks_for_a_person, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser


async def _offline_reply(browser: Any, client: Any, locale: str) -> Any:
    page = await (await browser.new_context(viewport={"width": 1366, "height": 768})).new_page()
    await page.goto(str(client.make_url("/console/")))
    await sign_in(page, "li.agent")
    if locale != "zh-CN":
        await page.select_option("#app .ui-locale", locale)
        await expect(page.locator(f"html[lang={locale}] body[data-ready=true]")).to_have_count(1, timeout=10_000)
    await page.locator("#queue .claim").click()
    await expect(page.locator("#reply-text")).to_be_focused(timeout=10_000)
    await page.context.set_offline(True)
    await page.fill("#reply-text", "您好,我来帮您处理")
    await page.locator("#reply-text").press("Control+Enter")
    return page


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("zh-CN", "网络错误，回复未发送，已保留在输入框"),
        ("en", "Network error: the reply was not sent and is kept in the box"),
    ],
)
async def test_a_reply_failed_offline_says_it_was_not_sent_until_the_network_is_back(
    make_client: AppFactory, locale: str, said: str
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        page = await _offline_reply(browser, client, locale)
        message = page.locator("#conversation-message")
        await expect(message).to_have_text(said, timeout=10_000)
        await expect(page.locator("#reply-text")).to_have_value("您好,我来帮您处理")

        await page.context.set_offline(False)
        await expect(message).not_to_have_text(said, timeout=10_000)
        await expect(page.locator("#reply-text")).to_have_value("您好,我来帮您处理")
        await browser.close()
