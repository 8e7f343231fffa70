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


async def test_the_refused_rule_is_brought_into_view_with_its_error_however_long_the_page(
    make_client: AppFactory,
) -> None:
    """保存 at the bottom of a long rules page, refused for rule #1 far above: the page scrolls to
    that rule, says the error in its card and puts the cursor on its queue, so 保存 never looks
    like it did nothing."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/#rules")), "boss")
        await expect(page.locator("#rule-add")).to_be_enabled(timeout=10_000)
        for number in range(6):  # a page of many rules, as a real rule book grows
            await page.click("#rule-add")
            last = page.locator("#rules .rule").last
            await last.locator(".rule-name").fill(f"补充规则 {number + 1}")
            await last.locator("[data-field='then.queue']").select_option(index=1)
        count = await page.locator("#rules .rule").count()
        await page.click("#rule-add")
        for index in range(count, 0, -1):  # the rule that does nothing moved to the top
            await page.locator(f"#rules .rule[data-rule='{index}'] button[title='上移']").click()
        height = await page.evaluate("document.documentElement.scrollHeight")
        assert height > 3 * 900, height

        await page.fill("#rules-note", "新增一条")
        await page.click("#rules-save")
        first = page.locator("#rules .rule[data-rule='0']")
        error = first.locator(".rule-error")
        await expect(error).to_contain_text("规则 #1「新规则」没有设置任何动作")
        await expect(error).to_be_in_viewport()
        await expect(first.locator("[data-field='then.queue']")).to_be_focused()
        await page.screenshot(path="/tmp/manager-rule-refused.png")

        # giving it a queue clears the error, and the save goes through
        await first.locator("[data-field='then.queue']").select_option(index=1)
        await expect(error).to_have_count(0)
        await page.click("#rules-save")
        await expect(page.locator("#rules-message")).to_contain_text("已保存", timeout=10_000)
        assert errors == []
        await browser.close()
