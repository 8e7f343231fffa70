"""A manager saving routing rules that send complaints to a queue nobody takes is told so, in the
console's language, and the rules are saved all the same."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.staff import add_user, set_queues

pytestmark = pytest.mark.browser


async def test_saving_rules_names_the_queues_nobody_takes_in_either_language(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "li", Role.AGENT)
    await set_queues(client, "li", ["general", "real_estate"])  # the supervisor queue has nobody
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/#rules")), "boss")
        message = page.locator("#rules-message")
        await expect(page.locator("#rules-save")).to_be_enabled(timeout=10_000)

        await page.fill("#rules-note", "重新保存")
        await page.click("#rules-save")

        await expect(message).to_contain_text("已保存，版本 2", timeout=10_000)
        await expect(message).to_contain_text("「值班主管」目前没有成员客服")
        await expect(message).not_to_contain_text("地产公司客户组")

        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await page.click("[data-tab=rules]")
        await expect(page.locator("#rules-save")).to_be_enabled(timeout=10_000)
        await page.fill("#rules-note", "again")
        await page.click("#rules-save")

        await expect(message).to_contain_text("Saved, version 3", timeout=10_000)
        await expect(message).to_contain_text('no agent is in "Duty supervisor" yet')
        assert errors == []
        await browser.close()


async def test_the_rules_page_warns_of_a_queue_whose_agents_no_rule_feeds(make_client: AppFactory) -> None:
    """A new queue given agents but named by no rule gets no cases: the manager is told on the rules
    page, before saving anything, as of a queue the rules feed that nobody takes."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "li", Role.AGENT)
    await set_queues(client, "li", ["general", "network", "real_estate"])
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(browser, str(client.make_url("/manager/#rules")), "boss")
        warnings = page.locator("#rules-warnings")
        await expect(warnings).to_contain_text("「网络组」有成员客服，但没有规则把投诉分派到那里", timeout=10_000)
        await expect(warnings).to_contain_text("规则把投诉分派到「值班主管」，但那里没有成员客服")
        await expect(warnings).not_to_contain_text("综合投诉")  # the flow's own queue needs no rule
        await expect(warnings).not_to_contain_text("地产公司客户组")  # a rule feeds it, li takes it
        await page.screenshot(path="/tmp/manager-rules-queue-warnings.png")

        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await page.click("[data-tab=rules]")
        await expect(warnings).to_contain_text("Network team has agents, but no rule sends complaints there")
        assert errors == []
        await browser.close()
