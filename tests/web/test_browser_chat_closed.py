"""The web chat (Chromium) after the bot closed the conversation for silence: a divider under the
closing message says it is over, in the customer's language; writing again starts a new one."""

from __future__ import annotations

import pytest

from bot.config import PhraseId, ServiceConfig
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_in_chat
from tests.conftest import AppFactory, FixedClock
from tests.promises.support import run_due

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_the_idle_close_shows_a_divider_and_a_new_message_starts_again(
    make_client: AppFactory, clock: FixedClock, service_config: ServiceConfig
) -> None:
    client = await make_client()
    phrases = service_config.phrases["zh-CN"].phrases
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_in_chat(browser, str(client.make_url("/chat")))
        customer.set_default_timeout(10_000)
        bot = customer.locator(".msg-bot")
        clock.advance(minutes=10)
        await run_due(client)
        await expect(bot.last).to_contain_text(phrases[PhraseId.IDLE_PROMPT][:8])
        await expect(customer.locator(".msg-closed")).to_have_count(0)  # the prompt ends nothing
        clock.advance(hours=1)
        await run_due(client)

        closing = customer.locator(".msg", has_text=phrases[PhraseId.IDLE_CLOSE][:8])
        divider = customer.locator(".msg-closed")
        await expect(divider).to_have_count(1)
        await expect(closing.locator(".msg-closed")).to_have_text("对话已结束，如需帮助请发送新消息")
        await expect(customer.locator("#chat-input")).to_be_enabled()
        await customer.screenshot(path="/tmp/chat-closed.png")
        await customer.select_option("#chat-locale", "en")
        await expect(divider).to_have_text("This conversation has ended. Send a new message if you need help.")
        await customer.select_option("#chat-locale", "zh-CN")

        await customer.reload()  # the replayed history keeps the mark
        await expect(
            customer.locator(".msg", has_text=phrases[PhraseId.IDLE_CLOSE][:8]).locator(".msg-closed")
        ).to_have_count(1)

        greetings = customer.locator(".msg-bot", has_text="客服代表")
        await expect(greetings).to_have_count(1)
        await customer.fill("#chat-input", "你好,我又来了")
        await customer.click("#chat-send")
        await expect(greetings).to_have_count(2)
        texts = await customer.locator(".msg .msg-text").all_inner_texts()
        assert texts.index("你好,我又来了") < max(i for i, text in enumerate(texts) if "客服代表" in text)
        await expect(customer.locator(".msg-closed")).to_have_count(1)
        await browser.close()
