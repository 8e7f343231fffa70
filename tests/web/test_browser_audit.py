"""A manager reads the audit log in /manager/ (real Chromium): their own sign-in and rules change,
an agent's failed sign-in and refused rules change; filters and "更早 Older" paging."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.staff.accounts import Role
from tests.audit.support import attempt
from tests.conftest import AppFactory
from tests.staff import PASSWORD, add_user, sign_in

browser_helpers = pytest.importorskip("tests.browser")  # skips without Chromium or playwright
expect = browser_helpers.expect
SCREENSHOT = Path("/tmp/aud-audit-tab.png")


@pytest.mark.browser
async def test_the_manager_reads_sign_ins_and_rules_changes_in_the_audit_tab(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    assert await attempt(client, "li.agent", "not-my-password") == 401
    csrf = await sign_in(client, "li.agent")
    refused = await client.put("/api/rules", json={"rules": [], "note": "试试"}, headers={"X-CSRF-Token": csrf})
    assert refused.status == 403
    assert PASSWORD  # the browser signs in with it below

    async with browser_helpers.playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(browser_helpers.CHROMIUM), args=browser_helpers.LAUNCH_ARGS
        )
        page, errors = await browser_helpers.signed_in_manager_page(browser, str(client.make_url("/manager/")), "boss")
        await page.click("[data-tab=rules]")
        await page.fill("#rules-note", "审计演示 VIP 先处理")
        await page.click("#rules-save")
        await expect(page.locator("#rules-message")).to_contain_text("已保存", timeout=10_000)

        await page.click("[data-tab=audit]")
        rows = page.locator("#audit-table tbody tr")
        await expect(rows).to_have_count(5, timeout=10_000)
        newest = rows.nth(0)
        await expect(newest).to_contain_text("修改分派规则")
        await expect(newest).to_contain_text("boss · 经理")
        await expect(newest).to_contain_text("分派规则 v2")
        await expect(newest).to_contain_text("成功 200")
        await expect(newest).to_contain_text("127.0.0.1")
        await expect(newest).to_contain_text("2026-11-23 14:00:00")  # the test clock, in the service time zone
        await expect(rows.nth(1)).to_contain_text("登录")
        await expect(rows.nth(1)).to_contain_text("boss")
        await expect(rows.nth(2)).to_contain_text("li.agent · 客服")
        await expect(rows.nth(2)).to_contain_text("拒绝 403")
        failed = rows.nth(4)
        await expect(failed).to_contain_text("登录失败")
        await expect(failed).to_contain_text("li.agent")
        await expect(failed).to_contain_text("密码错误")
        await page.screenshot(path=str(SCREENSHOT), full_page=True)

        await page.select_option("#audit-action", "rules_change")
        await page.click("#audit-search")
        await expect(rows).to_have_count(2)
        await expect(page.locator("#audit-table tbody tr[data-action=rules_change]")).to_have_count(2)
        await page.select_option("#audit-action", "")
        await page.fill("#audit-actor", "li.agent")
        await page.click("#audit-search")
        await expect(rows).to_have_count(3)

        await page.fill("#audit-actor", "")
        await page.evaluate("window.auditLog.state.pageSize = 2")
        await page.click("#audit-search")
        await expect(rows).to_have_count(2)
        older = page.locator("#audit-older")
        await older.click()
        await expect(rows).to_have_count(4)
        await older.click()
        await expect(rows).to_have_count(5)
        await expect(older).to_be_hidden()
        await expect(rows.nth(4)).to_contain_text("登录失败")
        assert errors == []
        await browser.close()


async def test_a_sign_in_with_a_name_no_account_has_shows_only_its_length(make_client: AppFactory) -> None:
    """A password typed in the username field is not shown to the manager."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    assert await attempt(client, "S3cret-pass!", "boss") == 401

    async with browser_helpers.playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(browser_helpers.CHROMIUM), args=browser_helpers.LAUNCH_ARGS
        )
        page, errors = await browser_helpers.signed_in_manager_page(browser, str(client.make_url("/manager/")), "boss")
        await page.click("[data-tab=audit]")
        failed = page.locator("#audit-table tbody tr[data-action=sign_in_failed]")
        await expect(failed).to_have_count(1, timeout=10_000)
        await expect(failed).to_contain_text("未知用户名（12 个字符）")
        await expect(failed).to_contain_text("无此用户")
        await expect(failed).not_to_contain_text("S3cret")
        await expect(failed).not_to_contain_text("username_chars")
        assert errors == []
        await browser.close()
