"""The rules page asks before another tab throws away rules edited and not saved."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.staff import add_user, sign_in


async def test_leaving_edited_rules_asks_first(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/#rules")), "boss")
        name = page.locator("#rules .rule-name").first
        await expect(name).to_be_visible(timeout=10_000)
        # nothing edited: no question
        await page.click("[data-tab=dashboard]")
        await expect(page.locator("#tab-dashboard")).to_be_visible()
        await page.click("[data-tab=rules]")
        await expect(name).to_be_visible(timeout=10_000)
        # typed at once, before the rules' reload has arrived: kept, and leaving is asked about
        await name.fill("夜间紧急")

        asked: list[str] = []
        for accept in (False, True):
            answered = asyncio.get_running_loop().create_future()

            async def answer(dialog: Any, accept: bool = accept, answered: Any = answered) -> None:
                asked.append(dialog.message)
                await (dialog.accept() if accept else dialog.dismiss())
                answered.set_result(None)

            page.once("dialog", lambda dialog, answer=answer: asyncio.ensure_future(answer(dialog)))
            await page.click("[data-tab=dashboard]")
            await asyncio.wait_for(answered, 10)  # a question never asked fails, not waits forever
            if not accept:
                await expect(page.locator("#tab-rules")).to_be_visible()
                await expect(name).to_have_value("夜间紧急")
        await expect(page.locator("#tab-dashboard")).to_be_visible()
        assert asked == ["当前修改尚未保存，确定离开吗"] * 2
        # Back on the tab, the edit thrown away is gone: the stored rules are drawn again.
        await sign_in(client, "boss")
        stored = await (await client.get("/api/rules")).json()
        await page.click("[data-tab=rules]")
        await expect(name).to_have_value(stored["rules"][0]["name"])
        assert errors == []
        await browser.close()
