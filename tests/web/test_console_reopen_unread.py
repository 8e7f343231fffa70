"""我处理的会话's 新消息 after a reopening: a case given back to the agent who resolved it counts
only what the customer wrote after the agent last read it, on this browser or any other."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, laptop_console, playwright_api
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket
from tests.promises.support import claim_and_resolve, promised_case, run_due, staff

pytestmark = pytest.mark.browser


async def _supervisor_reopens(client: Any, conversation_id: int) -> None:
    headers, _ = await staff(client, "wang.sup", Role.SUPERVISOR)
    response = await client.post(
        f"/api/conversations/{conversation_id}/reopen", json={"reason": "客户来电说还没处理好"}, headers=headers
    )
    assert response.status == 200, await response.text()


async def _rates(socket: ChatSocket) -> None:
    await socket.until_bot_says("1到5分")
    await socket.send("5分")
    await socket.until_bot_says("意见或建议")
    await socket.send("师傅处理很及时")
    await socket.until_bot_says("感谢您对我们工作的支持")


async def test_a_rating_read_in_the_resolved_conversation_is_not_new_when_the_case_comes_back(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await claim_and_resolve(client, conversation_id, "li.agent")
    clock.advance(hours=2)
    await run_due(client)
    await _rates(socket)  # the 回访 answered: the conversation is closed
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        resolved = page.locator("#resolved li", has_text=f"会话 {conversation_id}")
        await expect(resolved.locator(".unread")).to_have_text("新消息", timeout=10_000)
        await resolved.get_by_role("button").click()
        await expect(page.locator("#messages")).to_contain_text("师傅处理很及时", timeout=10_000)

        # Read: not new when the agent comes back to the console, nor once the case is theirs again.
        await page.goto(str(client.make_url("/console/")))
        await expect(page.locator("body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await expect(resolved).to_be_visible(timeout=10_000)
        await expect(resolved.locator(".unread")).to_have_count(0)
        clock.advance(minutes=30)
        await _supervisor_reopens(client, conversation_id)
        mine = page.locator("#mine li", has_text=f"会话 {conversation_id}")
        await expect(mine).to_be_visible(timeout=10_000)
        await expect(mine.locator(".unread")).to_have_count(0)
        await expect(page.locator("#mine-unread")).to_be_hidden()
        await browser.close()
    await socket.close()


async def test_a_case_reopened_is_new_on_another_browser_only_for_what_the_customer_wrote_since(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    clock.advance(minutes=20)
    await claim_and_resolve(client, conversation_id, "li.agent")
    clock.advance(minutes=30)
    await _supervisor_reopens(client, conversation_id)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        # a browser that never had it open: what the customer wrote before the resolution was read
        page = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        mine = page.locator("#mine li", has_text=f"会话 {conversation_id}")
        await expect(mine).to_be_visible(timeout=10_000)
        await expect(mine.locator(".unread")).to_have_count(0)
        await expect(page.locator("#mine-unread")).to_be_hidden()

        # The customer's message reaches the page as soon as its events socket is open, though the
        # server applies the page's watch list later (the page refetches once it has).
        await expect(page.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
        clock.advance(minutes=5)
        await socket.send("垃圾还在楼道里")
        await expect(mine.locator(".unread")).to_have_text("新消息", timeout=10_000)
        await expect(page.locator("#mine-unread")).to_have_text("1 条新消息")
        await page.screenshot(path="/tmp/c3/reopen-new-since.png")
        await browser.close()
    await socket.close()
