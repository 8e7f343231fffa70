"""延长时限 (real Chromium): hours the API would refuse (-3, 9999) are refused in the console's
language beside the box, naming the field and the limit in the unit the case's hours count in;
the box itself keeps to the hours an extension may be."""

from __future__ import annotations

import re

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user, sign_in

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_hours_out_of_range_are_refused_in_chinese_beside_the_box(make_client: AppFactory) -> None:
    client = await make_client()
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    await socket.send("阳光花园5栋楼道灯坏了 电话13812345678")
    await socket.until_bot_says("是否正确")
    await socket.send("对")
    await socket.until_bot_says("投诉编号")
    await add_user(client, "boss", Role.SUPERVISOR)

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "boss")
        await page.evaluate(f"location.hash = '#conversation={conversation_id}'")
        hours = page.locator("#extend-hours")
        await expect(hours).to_have_value(re.compile(r"^\d+$"), timeout=10_000)
        assert (await hours.get_attribute("min"), await hours.get_attribute("max")) == ("1", "720")
        error = page.locator("#extend-error")
        await page.fill("#extend-reason", "等待配件")
        for typed, said in (("-3", "延长时限：不能小于1服务小时"), ("9999", "延长时限：不能大于720服务小时")):
            await hours.fill(typed)
            await page.click("#extend")
            await expect(error).to_have_text(said)
            await expect(error).to_be_visible()
            await expect(hours).to_be_focused()
            await expect(page.locator("#extend-preview")).to_be_hidden()
        await page.locator("#case-actions").screenshot(path="/tmp/console-extend-hours.png")
        assert "a number" not in await page.locator("body").inner_text()
        # a valid number clears the refusal and previews
        await hours.fill("24")
        await expect(error).to_be_hidden()
        await page.click("#extend")
        await expect(page.locator("#extend-message")).to_contain_text("还需要一些时间处理")
        await browser.close()

    # The API codes its refusal as the body's are, for any console to say it in its own language.
    await sign_in(client, "boss")
    for hours_asked, code, limit in (("-3", "greater_than", 0), ("9999", "less_than_equal", 720)):
        refused = await client.get(f"/api/conversations/{conversation_id}/extend?hours={hours_asked}")
        assert refused.status == 400
        assert {key: (await refused.json())[key] for key in ("field", "code", "limit")} == {
            "field": "hours",
            "code": code,
            "limit": limit,
        }
    await socket.close()
