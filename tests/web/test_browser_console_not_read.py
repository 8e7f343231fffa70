"""The console's history (real Chromium) tells the agent what the bot did not read of a text: a
long one read by its beginning and end only ("机器人只读了开头和结尾，请完整阅读"), and one past its
sender's characters a minute not at all ("机器人未读此消息（发送过多），请人工阅读"), in English for
who reads English; a text the bot read whole has no such label."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import ServiceConfig
from bot.settings import TelegramBotSettings
from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.channels import telegram_helpers as tg
from tests.conftest import AppFactory
from tests.helpers import settled
from tests.staff import add_user, sign_in
from tests.web.channel_customers import NOWHERE, conversation_of

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

READ_WHOLE = "锦绣家园12栋楼道灯坏了一个星期了"
LONG = "你们物业到底管不管事？" + "楼上漏水已经一个多月了，天花板都发霉了。" * 20 + "我电话13566667777"
TOO_MUCH = "我再说一遍，" + "楼上漏水没人管，" * 8


async def _app(make_client: AppFactory, service_config: ServiceConfig) -> Any:
    """Telegram on, the bot reading 100 + 50 characters of a text and 200 a minute of a sender."""
    channels = service_config.channels.model_copy(
        update={
            "understood_head_chars": 100,
            "understood_tail_chars": 50,
            "provider_characters_per_minute_per_sender": 200,
        }
    )
    return await make_client(
        telegram=TelegramBotSettings(tg.TOKEN, tg.SECRET, NOWHERE),
        config=service_config.model_copy(update={"channels": channels}),
    )


async def test_the_agent_is_told_which_texts_the_bot_did_not_read_whole(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await _app(make_client, service_config)
    for update_id, text in enumerate((READ_WHOLE, LONG, TOO_MUCH), start=1):
        await tg.post_update(client, tg.update(update_id, text))
        await settled(client)
    conversation_id = await conversation_of(client, "telegram")
    await add_user(client, "zhou", Role.SUPERVISOR)
    await add_user(client, "grace", Role.SUPERVISOR)
    csrf = await sign_in(client, "grace")
    assert (await client.put("/api/me/locale", json={"locale": "en"}, headers={"X-CSRF-Token": csrf})).status == 200

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "zhou")
        await page.evaluate(f"location.hash = '#conversation={conversation_id}'")
        customer = page.locator("#messages .from-customer")
        await expect(customer).to_have_count(3, timeout=10_000)
        await expect(customer.nth(0).locator(".not-read")).to_have_count(0)
        await expect(customer.nth(1).locator(".not-read")).to_have_text("机器人只读了开头和结尾，请完整阅读")
        await expect(customer.nth(1).locator(".text")).to_have_text(LONG)  # the agent reads it whole
        await expect(customer.nth(2).locator(".not-read")).to_have_text("机器人未读此消息（发送过多），请人工阅读")
        await expect(page.locator("#messages .from-bot .not-read")).to_have_count(0)
        # the opened conversation is fetched again once the server watches it for the page
        await page.wait_for_load_state("networkidle")
        await customer.nth(1).screenshot(path="/tmp/console-read-in-part.png")
        await customer.nth(2).scroll_into_view_if_needed()
        await page.screenshot(path="/tmp/console-not-read.png")

        english = await laptop_console(browser, str(client.make_url("/console/")), "grace")
        await english.evaluate(f"location.hash = '#conversation={conversation_id}'")
        customer = english.locator("#messages .from-customer")
        await expect(customer.nth(1).locator(".not-read")).to_have_text(
            "The bot read only the beginning and the end: please read it all", timeout=10_000
        )
        await expect(customer.nth(2).locator(".not-read")).to_have_text(
            "The bot did not read this message (too much sent at once): please read it yourself"
        )
        await english.screenshot(path="/tmp/console-not-read-en.png")
        await browser.close()
