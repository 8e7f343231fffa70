"""Typing indicators both ways in real Chromium (issue 15): a customer's page on one app instance
and the agent's console on another, in the same browser."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from bot.staff.event_socket import staff_hub_key
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_asks_for_a_person, sign_in
from tests.conftest import AppFactory
from tests.helpers import eventually
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def console(browser: Any, url: str, username: str) -> tuple[Any, list[str]]:
    page = await (await browser.new_context(viewport={"width": 1280, "height": 720})).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(url)
    await sign_in(page, username)
    return page, errors


async def types(page: Any, selector: str, text: str) -> None:
    """Type as a person does, for longer than the 2.5 s between two typing signals (one may have
    gone out just before, as the chat's earlier messages were typed)."""
    await page.locator(selector).press_sequentially(text, delay=3200 // max(len(text) - 1, 1))


async def test_each_side_sees_the_other_typing_across_instances(make_client: AppFactory) -> None:
    customer_side, agent_side = await make_client(), await make_client()
    await add_user(customer_side, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(customer_side.make_url("/chat")))
        agent, errors = await console(browser, str(agent_side.make_url("/console/")), "li.agent")
        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        await expect(agent.locator("#live")).to_have_attribute("data-state", "live")
        conversation_id = int(await agent.evaluate("window.agentConsole.state.conversationId"))

        async def console_reads_it() -> bool:
            return any(conversation_id in staff.readable for staff in agent_side.app[staff_hub_key]._sockets)

        await eventually(console_reads_it)

        # The customer types without sending: the agent sees it, and it goes once they send.
        typing_customer = agent.locator("#customer-typing")
        await types(customer, "#chat-input", "楼道灯")
        await expect(typing_customer).to_be_visible(timeout=10_000)
        await expect(typing_customer).to_have_text("客户正在输入…")
        await agent.screenshot(path="/tmp/typing-console-customer.png")
        await customer.locator("#chat-input").press_sequentially("坏了", delay=50)
        await customer.click("#chat-send")
        await expect(agent.locator("#messages")).to_contain_text("楼道灯坏了", timeout=10_000)
        await expect(typing_customer).to_be_hidden()

        # The agent types: the customer sees "客服正在输入…" until the reply arrives.
        shown = customer.locator("#chat-typing")
        await agent.locator("#reply-text").press_sequentially("我们马上", delay=50)
        await expect(shown).to_be_visible(timeout=10_000)
        await expect(shown).to_have_text("客服正在输入…")
        await agent.screenshot(path="/tmp/typing-console.png")
        await customer.screenshot(path="/tmp/typing-chat.png")
        await agent.locator("#reply-text").press_sequentially("派人处理", delay=50)
        await agent.click("#reply-send")
        await expect(customer.locator(".msg-agent")).to_contain_text("我们马上派人处理", timeout=10_000)
        await expect(shown).to_be_hidden()

        # Without new signals an indicator goes by itself after a few seconds.
        await types(customer, "#chat-input", "谢谢")
        await expect(typing_customer).to_be_visible(timeout=10_000)
        await expect(typing_customer).to_be_hidden(timeout=10_000)
        assert errors == []
        await browser.close()
