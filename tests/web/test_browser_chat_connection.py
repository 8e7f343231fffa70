"""The web chat widget tells the truth about its connection and loses nothing, in a real headless
Chromium: offline it says so and holds messages as waiting; a message not yet sent survives a
closed tab and goes once on the next visit; a text over the length limit stays in the box."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select

from bot.keys import resources
from bot.storage.models import Message, WebchatToken
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_in_chat, customer_says_each, playwright_api
from tests.conftest import AppFactory
from tests.helpers import eventually

pytestmark = pytest.mark.browser
expect = playwright_api.expect

PHONE = {"width": 390, "height": 844}


async def _stored_customer_texts(client: Any) -> list[str]:
    async with resources(client.app).sessions() as session:
        rows = await session.execute(select(Message.text).where(Message.sender == "customer").order_by(Message.id))
        return list(rows.scalars())


async def test_offline_the_chat_says_so_and_sends_once_the_network_is_back(make_client: AppFactory) -> None:
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await customer_in_chat(browser, str(client.make_url("/chat")))
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        status = page.locator("#chat-status")
        await expect(status).to_have_text("已连接")

        await page.context.set_offline(True)
        await expect(status).to_have_text("网络已断开，恢复后自动发送", timeout=2_000)
        await page.fill("#chat-input", "小区门口的路灯坏了一个星期了")
        await page.click("#chat-send")
        mine = page.locator(".msg-customer", has_text="路灯坏了")
        await expect(mine.locator(".msg-state")).to_have_text("等待发送")
        await expect(page.locator("#chat-typing")).to_be_hidden()  # nothing left, so nobody is answering
        await page.set_viewport_size(PHONE)
        await page.screenshot(path="/tmp/chat-offline.png")
        assert await _stored_customer_texts(client) == []

        await page.context.set_offline(False)
        await expect(status).to_have_text("已连接", timeout=10_000)
        await expect(page.locator(".msg-bot", has_text="电话")).to_have_count(1, timeout=10_000)
        await expect(mine.locator(".msg-state")).to_have_text("")
        assert await _stored_customer_texts(client) == ["小区门口的路灯坏了一个星期了"]
        assert errors == []
        await browser.close()


async def test_a_message_not_sent_when_the_tab_closed_goes_on_the_next_visit(make_client: AppFactory) -> None:
    client = await make_client()
    url = str(client.make_url("/chat"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await customer_in_chat(browser, url)
        context = page.context
        await context.set_offline(True)
        await expect(page.locator("#chat-status")).to_have_text("网络已断开，恢复后自动发送", timeout=2_000)
        await page.fill("#chat-input", "楼道的灯坏了，电话13800138000")
        await page.click("#chat-send")
        await expect(page.locator(".msg-customer .msg-state")).to_have_text("等待发送")
        client_id = await page.evaluate("JSON.parse(localStorage.getItem('complaintbot.outbox')).messages[0].id")
        await page.close()  # the tab is closed with the message unsent
        await context.set_offline(False)
        assert await _stored_customer_texts(client) == []

        again = await context.new_page()
        await again.goto(url)
        await again.evaluate("window.complaintChat.ready")
        mine = again.locator(".msg-customer", has_text="楼道的灯坏了")
        await expect(mine).to_have_count(1)
        await expect(mine.locator(".msg-state")).to_have_text("", timeout=10_000)
        await expect(again.locator(".msg-bot", has_text="地址")).to_have_count(1, timeout=10_000)
        assert await again.evaluate("localStorage.getItem('complaintbot.outbox')") is None
        sent = await again.evaluate(
            """async () => {
              const token = localStorage.getItem('complaintbot.token');
              const answer = await fetch('/chat/messages', {headers: {Authorization: `Bearer ${token}`}});
              return (await answer.json()).messages.filter((m) => m.from === 'customer').map((m) => m.client_id);
            }"""
        )
        assert sent == [client_id]  # the same id: had it gone before, the server would not store it twice

        # A reload now sends nothing again.
        await again.reload()
        await again.evaluate("window.complaintChat.ready")
        await expect(again.locator(".msg-customer")).to_have_count(1, timeout=10_000)
        assert await _stored_customer_texts(client) == ["楼道的灯坏了，电话13800138000"]
        await browser.close()


async def test_a_text_over_the_limit_stays_in_the_box_with_a_warning(make_client: AppFactory) -> None:
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await customer_in_chat(browser, str(client.make_url("/chat")))
        await page.set_viewport_size(PHONE)
        count = page.locator("#chat-count")
        await expect(count).to_be_hidden()

        pasted = "楼道" * 1000 + "，我的电话13800138000"  # 2,016 characters, the phone number last
        await page.fill("#chat-input", pasted)
        assert await page.locator("#chat-input").input_value() == pasted  # nothing cut
        await expect(count).to_have_text("超出2000字，请分段发送 2016/2000")
        await page.click("#chat-send")
        await expect(page.locator("#chat-notice")).to_have_text("超出2000字，请分段发送")
        assert await page.locator("#chat-input").input_value() == pasted
        await expect(page.locator(".msg-customer")).to_have_count(0)
        await page.screenshot(path="/tmp/chat-too-long.png")

        # Counted as the service counts: an emoji is one character, so 2,000 of them with text go.
        exactly = "😀" * 10 + "灯" * 1990
        await page.fill("#chat-input", exactly)
        await expect(count).to_have_text("2000/2000")
        await page.click("#chat-send")
        await expect(page.locator(".msg-customer .msg-state")).to_have_text("", timeout=10_000)
        await expect(page.locator("#chat-input")).to_have_value("")
        await expect(count).to_be_hidden()
        assert await _stored_customer_texts(client) == [exactly]
        await browser.close()


async def test_while_the_service_is_down_the_chat_says_it_is_reconnecting(make_client: AppFactory) -> None:
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await customer_in_chat(browser, str(client.make_url("/chat")))
        status = page.locator("#chat-status")
        await expect(status).to_have_text("已连接")
        polls: list[str] = []
        page.on("requestfailed", lambda request: polls.append(request.url) if "/chat/messages" in request.url else None)

        await client.server.close()  # its sockets close; reconnecting and the HTTP fallback both fail
        await expect(status).to_have_text("正在重新连接…", timeout=5_000)
        await page.fill("#chat-input", "还在吗")
        await page.click("#chat-send")
        await expect(page.locator(".msg-customer .msg-state")).to_have_text("等待发送")

        async def polled() -> bool:
            return bool(polls)

        await eventually(polled, timeout=15)
        await expect(status).to_have_text("正在重新连接…")  # the fallback's polls fail: not "connected"
        await expect(page.locator("#chat-typing")).to_be_hidden()
        await browser.close()


async def test_a_message_waiting_when_the_session_is_forgotten_goes_in_the_new_one(make_client: AppFactory) -> None:
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await customer_in_chat(browser, str(client.make_url("/chat")))
        await page.context.set_offline(True)
        await page.fill("#chat-input", "小区门口的路灯坏了一个星期了")
        await page.click("#chat-send")
        await expect(page.locator(".msg-customer .msg-state")).to_have_text("等待发送")
        async with resources(client.app).sessions() as session, session.begin():
            await session.execute(delete(WebchatToken))  # the token is unknown from now on (401)

        await page.context.set_offline(False)
        mine = page.locator(".msg-customer", has_text="路灯坏了")
        await expect(page.locator(".msg-bot", has_text="电话")).to_have_count(1, timeout=20_000)
        await expect(mine).to_have_count(1)
        await expect(mine.locator(".msg-state")).to_have_text("")
        assert await _stored_customer_texts(client) == ["小区门口的路灯坏了一个星期了"]
        await browser.close()


# How far the list is from its bottom each time the "…" line appears or goes (it sits under the list).
WATCH_TYPING = """
window.typingGaps = [];
document.addEventListener("DOMContentLoaded", () => {
  const typing = document.getElementById("chat-typing");
  const list = document.getElementById("chat-messages");
  new MutationObserver(() => {
    window.typingGaps.push(list.scrollHeight - list.scrollTop - list.clientHeight);
  }).observe(typing, { attributes: true, attributeFilter: ["hidden"] });
});
"""


async def test_the_typing_line_never_hides_the_newest_message(make_client: AppFactory) -> None:
    client = await make_client()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = await browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 420})
        await context.add_init_script(WATCH_TYPING)
        page = await context.new_page()
        await page.goto(str(client.make_url("/chat")))
        await page.evaluate("window.complaintChat.ready")
        await expect(page.locator(".msg-bot").first).to_contain_text("客服代表", timeout=10_000)
        await customer_says_each(page, ["小区门口的路灯坏了一个星期了", "13800138000", "阳光花园3栋"])
        gaps = await page.evaluate("window.typingGaps")
        assert len(gaps) >= 6 and all(gap < 2 for gap in gaps), gaps  # shown and hidden at the bottom
        await browser.close()
