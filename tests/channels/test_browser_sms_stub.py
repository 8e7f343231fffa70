"""The SMS stub page in a real headless Chromium (issue 15): Chinese by default, both directions
of the conversation in the order they happened, times in the browser's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.embedded_redis import free_port
from tests.browser import CHROMIUM, LAUNCH_ARGS, playwright_api
from tests.conftest import AppFactory

pytestmark = pytest.mark.browser
expect = playwright_api.expect


async def test_a_developer_texts_the_bot_and_reads_the_conversation_in_order(make_client: AppFactory) -> None:
    port = free_port()
    client = await make_client(
        port=port, public_url=f"http://127.0.0.1:{port}", sms_stub=True, in_process_worker=True
    )
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        page = await context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: problems.append(message.text) if "Refused" in message.text else None)
        await page.goto(str(client.make_url("/sms-stub/")))
        await expect(page.locator("h1")).to_contain_text("短信模拟网关")
        await expect(page.locator("#phone-send")).to_have_text("发送")
        await expect(page.locator("#empty")).to_have_text("还没有短信。")

        await page.fill("#phone-body", "小区门口的路灯坏了一个星期了")
        await page.click("#phone-send")
        sms = page.locator("#conversation .sms")
        await expect(page.locator(".sms-out", has_text="地址")).to_have_count(1, timeout=15_000)
        await page.fill("#phone-body", "阳光花园5栋")
        await page.click("#phone-send")
        await expect(page.locator(".sms-out", has_text="是否正确")).to_have_count(1, timeout=15_000)

        directions = await sms.evaluate_all("items => items.map(li => li.classList.contains('sms-in') ? 'in' : 'out')")
        texts = await sms.locator(".sms-body").all_text_contents()
        first, second = texts.index("小区门口的路灯坏了一个星期了"), texts.index("阳光花园5栋")
        assert directions[first] == directions[second] == "in"
        # the bot's answers to the first SMS sit between the two, the answer to the second after it
        assert first < next(i for i, text in enumerate(texts) if "地址" in text) < second
        assert second < next(i for i, text in enumerate(texts) if "是否正确" in text)
        assert set(directions) == {"in", "out"}

        shanghai = ZoneInfo("Asia/Shanghai")
        for time in await page.locator("#conversation time").all():
            stamp = dt.datetime.fromisoformat(await time.get_attribute("datetime") or "")
            assert await time.text_content() == stamp.astimezone(shanghai).strftime("%H:%M:%S")
        await page.screenshot(path="/tmp/widget-sms-stub.png", full_page=True)
        assert problems == []
        await browser.close()
