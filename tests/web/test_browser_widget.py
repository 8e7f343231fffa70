"""The embeddable chat widget in a real headless Chromium (issue 15): a shop's page on another
origin includes the one-line snippet; its button opens the chat, the customer is greeted and
completes a complaint inside the frame; a page from an origin not configured cannot frame it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.settings import AuthSettings
from tests.browser import CHROMIUM, LAUNCH_ARGS, playwright_api
from tests.conftest import AppFactory
from tests.helpers import eventually

pytestmark = pytest.mark.browser
expect = playwright_api.expect

# The host's own CSS would restyle every button and iframe on its page; the widget must not care.
HOST_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>阳光物业</title>
<style>button {{ background: red !important; font-size: 40px !important; }} iframe {{ display: none; }}</style>
</head><body><h1>阳光物业 · 首页</h1><p>欢迎光临</p>
<script src="{bot}/widget.js" async></script>
</body></html>"""

@pytest.fixture
async def host_site() -> AsyncIterator[Callable[[Callable[[], str]], Any]]:
    """Start a separate aiohttp site (its own port, so its own origin) serving a page with the snippet."""
    servers: list[TestServer] = []

    async def start(bot_url: Callable[[], str]) -> str:
        async def page(request: web.Request) -> web.Response:
            return web.Response(text=HOST_PAGE.format(bot=bot_url()), content_type="text/html")

        app = web.Application()
        app.router.add_get("/", page)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return str(server.make_url("")).rstrip("/")

    yield start
    for server in servers:
        await server.close()


async def test_a_shop_page_embeds_the_chat_and_other_sites_cannot_frame_it(
    make_client: AppFactory, host_site: Callable[[Callable[[], str]], Any]
) -> None:
    bot: dict[str, str] = {}
    shop = await host_site(lambda: bot["url"])
    stranger = await host_site(lambda: bot["url"])
    client = await make_client(auth=AuthSettings(widget_origins=(shop,)))
    bot["url"] = str(client.make_url("")).rstrip("/")
    assert shop != stranger != bot["url"]

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(shop + "/")
        button = page.locator("#complaint-widget button")
        await expect(button).to_have_text("在线客服", timeout=10_000)
        assert await page.locator("#complaint-widget iframe").count() == 0  # no conversation until opened
        await page.screenshot(path="/tmp/widget-closed.png")
        await button.click()
        await expect(button).to_have_text("关闭")

        chat = page.frame_locator("#complaint-widget iframe")
        bot_lines = chat.locator(".msg-bot")
        await expect(bot_lines.first).to_contain_text("客服代表", timeout=10_000)
        steps = (("小区门口的路灯坏了一个星期了", "电话"), ("13800138000", "地址"), ("阳光花园5栋", "是否正确"))
        for text, answer in steps:
            await chat.locator("#chat-input").fill(text)
            await chat.locator("#chat-send").click()
            await expect(chat.locator(".msg-bot", has_text=answer).last).to_be_visible(timeout=10_000)
        await chat.locator(".msg-option", has_text="对").first.click()
        await expect(chat.locator(".msg-bot", has_text="投诉编号")).to_have_count(1, timeout=10_000)
        await page.screenshot(path="/tmp/widget-open.png")
        # The host's CSS did not reach into the widget.
        assert await button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(31, 111, 235)"
        assert errors == []

        other = await (await browser.new_context(locale="zh-CN")).new_page()
        refused: list[str] = []
        other.on("console", lambda message: refused.append(message.text) if "frame-ancestors" in message.text else None)
        await other.goto(stranger + "/")
        await other.locator("#complaint-widget button").click()

        async def blocked() -> bool:
            return bool(refused)

        await eventually(blocked)
        assert await other.frame_locator("#complaint-widget iframe").locator("#chat-input").count() == 0
        await other.screenshot(path="/tmp/widget-blocked.png")
        await browser.close()


WATCH_TYPING = """
window.typingLog = [];
document.addEventListener("DOMContentLoaded", () => {
  const typing = document.getElementById("chat-typing");
  new MutationObserver(() => {
    window.typingLog.push(typing.hidden ? "hidden" : `shown after ${document.querySelectorAll(".msg-bot").length}`);
  }).observe(typing, { attributes: true, attributeFilter: ["hidden"] });
});
"""


async def test_the_customer_sees_the_bot_typing_and_times_in_their_own_zone(make_client: AppFactory) -> None:
    client = await make_client()  # the test clock: Monday 2026-11-23 14:00 in Shanghai (06:00 UTC)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        await context.add_init_script(WATCH_TYPING)
        page = await context.new_page()
        await page.goto(str(client.make_url("/chat?embed=1")))
        await page.evaluate("window.complaintChat.ready")
        bot_lines = page.locator(".msg-bot")
        await expect(bot_lines.first).to_contain_text("客服代表", timeout=10_000)
        greeting_time = bot_lines.first.locator(".msg-time")
        await expect(greeting_time).to_have_text("11月23日 14:00")  # not today in the browser: with the date
        assert "2026年11月23日" in (await greeting_time.get_attribute("title") or "")
        replies = await bot_lines.count()

        await page.fill("#chat-input", "小区门口的路灯坏了一个星期了")
        await page.click("#chat-send")
        await expect(page.locator(".msg-bot", has_text="电话")).to_have_count(1, timeout=10_000)
        await expect(page.locator("#chat-typing")).to_be_hidden()
        log = await page.evaluate("window.typingLog")
        assert log[:2] == [f"shown after {replies}", "hidden"], log  # "…" until the first reply arrived
        await page.screenshot(path="/tmp/widget-times.png")

        elsewhere = await (await browser.new_context(locale="zh-CN", timezone_id="America/New_York")).new_page()
        await elsewhere.goto(str(client.make_url("/chat")))
        await elsewhere.evaluate("window.complaintChat.ready")
        await expect(elsewhere.locator(".msg-bot .msg-time").first).to_have_text("11月23日 01:00", timeout=10_000)
        await browser.close()


async def test_an_english_visitor_gets_the_widget_and_the_chat_in_english(
    make_client: AppFactory, host_site: Callable[[Callable[[], str]], Any]
) -> None:
    bot: dict[str, str] = {}
    shop = await host_site(lambda: bot["url"])
    client = await make_client(auth=AuthSettings(widget_origins=(shop,)))
    bot["url"] = str(client.make_url("")).rstrip("/")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(locale="en-GB")).new_page()
        await page.goto(shop + "/")
        button = page.locator("#complaint-widget button")
        await expect(button).to_have_text("Chat with us", timeout=10_000)
        await button.click()
        chat = page.frame_locator("#complaint-widget iframe")
        await expect(chat.locator(".msg-bot").first).to_contain_text("at your service", timeout=10_000)
        await expect(chat.locator("#chat-send")).to_have_text("Send")
        await button.click()  # "Close" hides the panel; the conversation stays for the next open
        await expect(page.locator("#complaint-widget iframe")).to_be_hidden()
        await browser.close()
