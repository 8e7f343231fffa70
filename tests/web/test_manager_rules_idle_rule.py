"""A manager who adds a rule and saves before giving it anything to do is told which rule, in the
console's words and language, before anything is sent (not the server's `rules[12]` in English)."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser


async def test_a_rule_that_does_nothing_is_named_before_saving(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/#rules")), "boss")
        message = page.locator("#rules-message")
        await expect(page.locator("#rule-add")).to_be_enabled(timeout=10_000)
        count = await page.locator("#rules [data-field=stop]").count()

        await page.click("#rule-add")
        await page.fill("#rules-note", "新增一条")
        await page.click("#rules-save")
        await expect(message).to_contain_text(f"规则 #{count + 1}「新规则」没有设置任何动作", timeout=10_000)
        await expect(message).not_to_contain_text("rules[")
        await expect(page.locator("#rules-version")).to_contain_text("版本 1 ")  # nothing was saved

        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await page.click("[data-tab=rules]")
        await expect(page.locator("#rule-add")).to_be_enabled(timeout=10_000)
        await page.click("#rule-add")
        await page.fill("#rules-note", "one more")
        await page.click("#rules-save")
        await expect(message).to_contain_text(f"Rule #{count + 1}", timeout=10_000)
        await expect(message).to_contain_text("does nothing")
        assert errors == []
        await browser.close()
