"""A manager saving a rule called as another rule is told so in the console's language, the rule
named by its number on the page and its name field ready for another (not the server's
"rules[1].name: another rule is already called …" in English on a Chinese page)."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser


async def test_a_rule_named_as_another_is_refused_in_the_manager_s_language(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/#rules")), "boss")
        message = page.locator("#rules-message")
        await expect(page.locator("#rule-add")).to_be_enabled(timeout=10_000)
        taken = await page.locator("#rules .rule .rule-name").first.input_value()
        count = await page.locator("#rules .rule").count()

        await page.click("#rule-add")
        added = page.locator(f"#rules .rule[data-rule='{count}']")
        await added.locator(".rule-name").fill(taken)
        await added.locator("[data-field='then.queue']").select_option(index=1)
        await page.fill("#rules-note", "新增一条")
        await page.click("#rules-save")
        said = f"规则 #{count + 1}：已有另一条规则叫「{taken}」，请换一个名称"
        await expect(message).to_have_text(said, timeout=10_000)
        await expect(added.locator(".rule-error")).to_have_text(said)
        await expect(added.locator(".rule-name")).to_be_focused()
        await page.screenshot(path="/tmp/console4-rule-name.png")
        await expect(page.locator("#rules-version")).to_contain_text("版本 1 ")  # nothing was saved
        # renamed: the mark goes, and the save goes through
        await added.locator(".rule-name").fill(f"{taken}（夜间）")
        await expect(added.locator(".rule-error")).to_have_count(0)
        await page.click("#rules-save")
        await expect(page.locator("#rules-version")).to_contain_text("版本 2 ", timeout=10_000)

        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await page.click("[data-tab=rules]")
        await expect(page.locator("#rule-add")).to_be_enabled(timeout=10_000)
        await page.click("#rule-add")
        added = page.locator(f"#rules .rule[data-rule='{count + 1}']")
        await added.locator(".rule-name").fill(taken)
        await added.locator("[data-field='then.queue']").select_option(index=1)
        await page.fill("#rules-note", "one more")
        await page.click("#rules-save")
        await expect(message).to_have_text(
            f"Rule #{count + 2}: Another rule is already called “{taken}”: choose another name", timeout=10_000
        )
        assert errors == []
        await browser.close()
