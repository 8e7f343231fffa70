"""The console's history (real Chromium): a WeChat follow and a Telegram /start read as a small
line of their own ("客户关注了公众号", "客户开始了对话"; in English for who reads English), never
as an empty speech bubble."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.channels import telegram_helpers as tg
from tests.channels import wechat_helpers as wx
from tests.conftest import AppFactory
from tests.helpers import settled
from tests.staff import add_user, sign_in
from tests.web.channel_customers import channels_app, conversation_of

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

EMPTY_BUBBLES = """() => [...document.querySelectorAll("#messages li")].filter((item) =>
  !item.classList.contains("event") && !item.querySelector(".text").textContent.trim() && !item.querySelector(".photos")
).length"""


async def open_conversation(page: Any, conversation_id: int) -> None:
    await page.evaluate(f"location.hash = '#conversation={conversation_id}'")
    await expect(page.locator("#messages li").first).to_be_visible(timeout=10_000)


async def test_a_follow_and_a_start_are_lines_in_the_history_never_empty_bubbles(make_client: AppFactory) -> None:
    client = await channels_app(make_client)
    await add_user(client, "zhou", Role.SUPERVISOR)
    await add_user(client, "grace", Role.SUPERVISOR)
    csrf = await sign_in(client, "grace")
    assert (await client.put("/api/me/locale", json={"locale": "en"}, headers={"X-CSRF-Token": csrf})).status == 200
    now = wx.now_of(client)
    await wx.push(client, wx.subscribe_xml(now))
    await wx.push(client, wx.text_xml("小区电梯坏了三天了", 8201, created=now + 10))
    await tg.post_update(client, tg.update(1, "/start"))
    await tg.post_update(client, tg.update(2, "楼道灯不亮"))
    await settled(client)
    wechat, telegram = await conversation_of(client, "wechat"), await conversation_of(client, "telegram")

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "zhou")
        await open_conversation(page, wechat)
        history = page.locator("#messages li")
        # The follow came first: the line heads the history, before the bot's greeting.
        await expect(history.first).to_contain_text("客户关注了公众号")
        await expect(page.locator("#messages li.event")).to_have_count(1)
        await expect(page.locator("#messages .from-customer", has_text="小区电梯坏了三天了")).to_have_count(1)
        assert await page.evaluate(EMPTY_BUBBLES) == 0

        await open_conversation(page, telegram)
        await expect(history.first).to_contain_text("客户开始了对话")
        await expect(page.locator("#messages .from-customer", has_text="楼道灯不亮")).to_have_count(1)
        assert await page.evaluate(EMPTY_BUBBLES) == 0

        english = await laptop_console(browser, str(client.make_url("/console/")), "grace")
        await open_conversation(english, wechat)
        await expect(english.locator("#messages li").first).to_contain_text(
            "The customer followed the official account"
        )
        await open_conversation(english, telegram)
        await expect(english.locator("#messages li").first).to_contain_text("The customer started the conversation")
        await browser.close()
