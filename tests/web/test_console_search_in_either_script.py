"""The console's search in either script (real Chromium): a supervisor typing 金星阁 finds the
Hong Kong customer's case at 金星閣, and the hit shows the place as the customer wrote it."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_a_place_searched_in_simplified_is_found_and_shown_as_written(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    for text, answer in [("太古城金星閣15樓B室 部電梯壞咗三日", "電話"), ("9123 4567", "正確"), ("對", "TS")]:
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.close()

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await browser.new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "zhou")
        await page.locator("#search-q").fill("金星阁")
        await page.locator("#search-q").press("Enter")
        hit = page.locator("#search-results .search-hit")
        await expect(hit).to_have_count(1, timeout=10_000)
        await expect(hit).to_contain_text(f"会话 {conversation_id}")
        await expect(hit).to_contain_text("匹配地址")
        await expect(hit.locator(".search-place")).to_have_text("地址：太古城金星閣15樓B室")
        await browser.close()
