"""Inserting a suggested expression (the forbidden-phrase guard's 插入建议) or a standard phrase (the
phrase picker) only puts it in the reply box, where the cursor is: nothing reaches the customer until
the agent sends, however the agent picks it (a click, Enter, Ctrl+Enter)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_asks_for_a_person, laptop_console
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_inserting_a_suggestion_or_a_phrase_sends_nothing(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        agent = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        sent: list[str] = []

        def watch(request: Any) -> None:
            if request.method == "POST" and "/messages" in request.url:
                sent.append(request.post_data or "")

        agent.on("request", watch)
        box = agent.locator("#reply-text")
        await box.fill("这个我不知道")
        await agent.click("#reply-send")
        await expect(agent.locator("#guard")).to_be_visible(timeout=10_000)
        await agent.click("#guard-use")
        expression = "对不起，请您留下可以联系到您的联系方式，我们查询后将尽快与您联系，好吗？"
        await expect(box).to_have_value(f"这个，{expression}")
        await expect(box).to_be_focused()
        # by the keyboard: Enter on the button, and Space
        for key in ("Enter", " "):
            await box.fill("我不知道")
            await agent.click("#reply-send")
            await expect(agent.locator("#guard-use")).to_be_visible(timeout=10_000)
            await agent.press("#guard-use", key)
            await expect(box).to_have_value(expression)
            await expect(box).to_be_focused()
        assert len(sent) == 3  # the three refused replies

        # the phrase picker: by a click, by Enter and by Ctrl+Enter in its search
        for pick in ("click", "Enter", "Control+Enter"):
            await box.fill("您好，")
            await box.evaluate("box => box.setSelectionRange(box.value.length, box.value.length)")
            await agent.click("#phrase-toggle")
            await agent.fill("#phrase-search", "请稍候")
            if pick == "click":
                await agent.locator("#phrase-list button.phrase").first.click()
            else:
                await agent.press("#phrase-search", pick)
            await expect(box).to_have_value("您好，请稍候。")
            await expect(box).to_be_focused()
        await agent.wait_for_timeout(1000)
        assert len(sent) == 3, sent
        assert await customer.locator(".msg-agent").count() == 0
        await agent.screenshot(path="/tmp/console4-insert.png")
        await browser.close()
