"""The web chat widget in a real headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, LAUNCH_ARGS, playwright_api
from tests.conftest import AppFactory

pytestmark = pytest.mark.browser


async def test_a_customer_completes_a_complaint_in_the_browser(make_client: AppFactory, tmp_path: Path) -> None:
    client = await make_client()
    url = str(client.make_url("/chat"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await browser.new_page(locale="zh-CN")
        await page.goto(url)
        await page.evaluate("window.complaintChat.ready")
        bot = page.locator(".msg-bot")
        await playwright_api.expect(bot.first).to_contain_text("下午好", timeout=10_000)

        async def say(text: str, expect_bot_messages: int) -> None:
            await page.fill("#chat-input", text)
            await page.click("#chat-send")
            await playwright_api.expect(bot).to_have_count(expect_bot_messages, timeout=10_000)

        await say("小区楼道的垃圾三天没人清理", 4)
        await say("13800138000", 5)
        await say("阳光花园3栋", 7)
        await say("对", 11)
        promise = page.locator(".msg-bot", has_text="给您明确的答复")
        await playwright_api.expect(promise).to_contain_text("并在明天下午5点前给您明确的答复")
        await playwright_api.expect(page.locator(".msg-bot", has_text=re.compile("TS20261123"))).to_have_count(1)
        await playwright_api.expect(page.locator(".msg-customer")).to_have_count(4)
        await page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)

        # A reload resumes the same conversation from history.
        await page.reload()
        await page.evaluate("window.complaintChat.ready")
        await playwright_api.expect(page.locator(".msg-customer")).to_have_count(4, timeout=10_000)
        await browser.close()


async def test_customer_text_is_shown_as_text_not_html(make_client: AppFactory) -> None:
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await browser.new_page(locale="zh-CN")
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        await page.goto(str(client.make_url("/chat")))
        await page.evaluate("window.complaintChat.ready")
        await page.fill("#chat-input", "<img src=x onerror=alert(1)>")
        await page.click("#chat-send")
        customer = page.locator(".msg-customer")
        await playwright_api.expect(customer).to_contain_text("<img src=x onerror=alert(1)>", timeout=10_000)
        assert await page.locator("#chat-messages img").count() == 0
        assert dialogs == []
        await browser.close()


@pytest.mark.parametrize(
    ("browser_locale", "greeting", "page_language"),
    [
        ("en-US", "Good afternoon", "en"),
        ("zh-CN", "为您服务", "zh-CN"),
        ("zh-TW", "為您服務", "zh-TW"),
        ("zh-HK", "為您服務", "zh-TW"),
        ("fr-FR", "为您服务", "zh-CN"),
    ],
)
async def test_the_widget_starts_in_the_browsers_language(
    make_client: AppFactory, browser_locale: str, greeting: str, page_language: str
) -> None:
    """English and Chinese browsers get their language (Taiwan's and Hong Kong's in traditional
    characters, labels and greeting); any other gets the service's default."""
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await browser.new_page(locale=browser_locale)
        await page.goto(str(client.make_url("/chat")))
        await page.evaluate("window.complaintChat.ready")
        await playwright_api.expect(page.locator(".msg-bot").first).to_contain_text(greeting, timeout=10_000)
        await playwright_api.expect(page.locator("html")).to_have_attribute("lang", page_language)
        assert await page.locator("#chat-locale").input_value() == page_language
        await browser.close()


async def test_the_page_can_name_the_language(make_client: AppFactory) -> None:
    """A page embedding the chat for English speakers says so; the browser's language then does not count."""
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await browser.new_page(locale="zh-CN")

        async def english_page(route: Any) -> None:
            response = await route.fetch()
            html = (await response.text()).replace('<html lang="zh-CN">', '<html lang="zh-CN" data-chat-locale="en">')
            await route.fulfill(response=response, body=html)

        await page.route("**/chat", english_page)
        await page.goto(str(client.make_url("/chat")))
        await page.evaluate("window.complaintChat.ready")
        await playwright_api.expect(page.locator(".msg-bot").first).to_contain_text("Good afternoon", timeout=10_000)
        await playwright_api.expect(page.locator("#chat-send")).to_have_text("Send")
        await browser.close()
