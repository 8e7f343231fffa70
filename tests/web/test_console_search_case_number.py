"""A case searched by its number in the console (real Chromium): the hit shows the words that hold
the number (the bot's promise "…您的投诉编号是TS…"), cut to show it and marked, not the customer's
last message without it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Complaint
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory
from tests.helpers import ChatSocket, new_session
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_a_case_found_by_its_number_shows_the_words_holding_it(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    token, conversation_id = await new_session(client)
    socket = await ChatSocket.open(client, token)
    await socket.until_bot_says("客服代表")
    steps = [("小区楼道的垃圾三天没人清理", "电话"), ("13812345678", "小区"), ("阳光花园3栋", "正确"), ("对", "TS")]
    for text, answer in steps:
        await socket.send(text)
        await socket.until_bot_says(answer)
    await socket.send("好的谢谢")  # the customer's last words: no number in them
    await socket.close()
    async with resources(client.app).sessions() as session:
        case_number = (await session.execute(select(Complaint.case_number))).scalar_one()

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": 1280, "height": 720})).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "zhou")
        typed = case_number[:10].lower()  # part of it, as typed
        await page.locator("#search-q").fill(typed)
        await page.locator("#search-q").press("Enter")
        hit = page.locator("#search-results .search-hit")
        await expect(hit).to_have_count(1, timeout=10_000)
        await expect(hit).to_contain_text(f"会话 {conversation_id}")
        await expect(hit).to_contain_text("匹配编号")
        excerpt = hit.locator(".search-text")
        await expect(excerpt).to_contain_text(case_number)
        await expect(excerpt.locator("mark")).to_have_text(case_number[:10])
        # the number is in sight on the hit's one line, not cut off behind "…"
        mark = await excerpt.locator("mark").bounding_box()
        line = await excerpt.bounding_box()
        assert mark is not None and line is not None and mark["x"] + mark["width"] <= line["x"] + line["width"]
        await page.screenshot(path="/tmp/console4-search.png")
        await browser.close()
