"""The console's search (real Chromium) tells an agent when it read only the newest messages
holding the words (``search.agent_candidates``): older conversations may be missing, and more words,
the case number or the address find them; in English for who reads English, and nothing of the
kind when every message holding the words was read."""

from __future__ import annotations

import pytest

from bot.config import ServiceConfig
from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory
from tests.handoff.search_helpers import another_teams_customer_writes, bounded_config
from tests.staff import add_user, customers_waiting, sign_in

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

BOUND = 2
NOTE = "只搜索了含这些字的最近消息，更早的会话可能没有列出：请多输入几个字，或按投诉编号、地址搜索。"
NOTE_EN = (
    "Only the latest messages with these words were searched, so older conversations may be missing: "
    "type more words, or search by case number or address."
)


async def test_an_agent_is_told_their_search_read_only_the_newest_messages_holding_the_words(
    make_client: AppFactory, service_config: ServiceConfig
) -> None:
    client = await make_client(config=bounded_config(service_config, BOUND))
    [(older, _)] = await customers_waiting(client, ["楼道的灯坏了一个星期了"])
    await another_teams_customer_writes(client, ["楼道的灯还是不亮", "楼道的灯又灭了", "楼道的灯什么时候修"])
    [(newest, _)] = await customers_waiting(client, ["楼道的灯一闪一闪的"])
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "grace", Role.AGENT)
    csrf = await sign_in(client, "grace")
    assert (await client.put("/api/me/locale", json={"locale": "en"}, headers={"X-CSRF-Token": csrf})).status == 200

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        results = page.locator("#search-results")
        await page.fill("#search-q", "楼道的灯")
        await page.press("#search-q", "Enter")
        # The newest one of the agent's queue is found; the older one lies past the bound: said so.
        await expect(results.locator(".search-hit")).to_have_count(1, timeout=10_000)
        await expect(results.locator(".search-hit")).to_contain_text(f"会话 {newest}")
        await expect(results.locator(".search-bounded")).to_have_text(NOTE)
        # Read whole in the box, wrapped, not cut off at its edge.
        assert await results.locator(".search-bounded").evaluate("(note) => note.scrollWidth <= note.clientWidth")
        await page.screenshot(path="/tmp/console-search-bounded.png")

        # More words read every message holding them: the older case, and no such note.
        await page.fill("#search-q", "楼道的灯坏了")
        await page.press("#search-q", "Enter")
        await expect(results.locator(".search-hit")).to_contain_text(f"会话 {older}", timeout=10_000)
        await expect(results.locator(".search-bounded")).to_have_count(0)

        english = await laptop_console(browser, str(client.make_url("/console/")), "grace")
        await english.fill("#search-q", "楼道的灯")
        await english.press("#search-q", "Enter")
        await expect(english.locator("#search-results .search-bounded")).to_have_text(NOTE_EN, timeout=10_000)
        await browser.close()
