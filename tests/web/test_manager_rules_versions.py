"""A manager opens an earlier version of the routing rules in /manager/, reads what rolling back
would change against the rules in force, and rolls back with a note after confirming; unsaved
edits are not lost silently when switching tabs; a supervisor reads versions without a rollback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.audit.support import one
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.handoff.rules_helpers import BILLING_RULE
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SCREEN = {"width": 1366, "height": 768}


async def billing_rule_saved(client: Any) -> list[dict[str, Any]]:
    """Version 2: the billing rule first; returns version 1's rules."""
    headers = {"X-CSRF-Token": await api_sign_in(client, "boss")}
    original: list[dict[str, Any]] = (await (await client.get("/api/rules")).json())["rules"]
    body = {"rules": [BILLING_RULE, *original], "note": "账单组接手话费投诉"}
    assert (await client.put("/api/rules", json=body, headers=headers)).status == 200
    return original


async def rules_page(browser: Any, client: Any, username: str) -> tuple[Any, list[str]]:
    page = await (await browser.new_context(viewport=SCREEN)).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(str(client.make_url("/manager/#rules")))
    await sign_in(page, username)
    await expect(page.locator("#rules-history tr[data-version='1']")).to_be_visible(timeout=10_000)
    return page, errors


async def test_a_manager_reads_an_old_version_against_the_current_and_rolls_back(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    original = await billing_rule_saved(client)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await rules_page(browser, client, "boss")
        await page.locator("#rules-history tr[data-version='1']").click()
        view = page.locator("#rules-version-view")
        await expect(view).to_contain_text("版本 v1", timeout=10_000)
        await expect(view.locator("table")).to_contain_text(original[0]["name"])
        await expect(view.locator("#rules-against")).to_contain_text("删除 1")
        await expect(view.locator("#rules-against")).to_contain_text(BILLING_RULE["name"])
        await expect(view.locator(".line.del").first).to_contain_text(BILLING_RULE["name"])
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await view.scroll_into_view_if_needed()
        await page.screenshot(path=str(SCREENSHOTS / "manager-rules-version.png"))

        await page.click("#rules-rollback")  # no note: nothing is sent
        await expect(page.locator("#rules-rollback-message")).to_contain_text("请填写修改说明")
        dialogs: list[str] = []

        async def confirm(dialog: Any) -> None:
            dialogs.append(dialog.message)
            await dialog.accept()

        page.on("dialog", confirm)
        await page.fill("#rules-rollback-note", "账单组人手不够")
        await page.click("#rules-rollback")
        await expect(page.locator("#rules-version")).to_contain_text("版本 3", timeout=10_000)
        assert dialogs == ["确定回滚到版本 v1 吗？将生成一个新版本。"]
        await expect(page.locator("#rules-message")).to_contain_text("已回滚到 v1")
        await expect(page.locator("#rules-history tr[data-version='3']")).to_contain_text("回滚到 v1: 账单组人手不够")
        await expect(page.locator("#rules .rule")).to_have_count(len(original))
        await page.screenshot(path=str(SCREENSHOTS / "manager-rules-rolled-back.png"))

        in_force = await (await client.get("/api/rules")).json()
        assert (in_force["version"], in_force["rules"]) == (3, original)
        assert (await one(client, "rules_rollback")).detail["rollback_of"] == 1
        assert errors == []
        await browser.close()


async def test_switching_tabs_with_unsaved_rule_edits_asks_first(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await rules_page(browser, client, "boss")
        name = page.locator("#rules .rule-name").first
        await name.fill("改过的名字")
        answers = iter([False, True])
        asked: list[str] = []

        async def answer(dialog: Any) -> None:
            asked.append(dialog.message)
            await (dialog.accept() if next(answers) else dialog.dismiss())

        page.on("dialog", answer)
        await page.click(".tabs [data-tab=dashboard]")
        await expect(page.locator("#tab-rules")).to_be_visible()
        await expect(name).to_have_value("改过的名字")
        await page.click(".tabs [data-tab=dashboard]")
        await expect(page.locator("#tab-dashboard")).to_be_visible()
        assert asked == ["当前修改尚未保存，确定离开吗"] * 2

        # Saved edits ask nothing.
        await page.click(".tabs [data-tab=rules]")
        await expect(page.locator("#rules .rule-name").first).not_to_have_value("改过的名字", timeout=10_000)
        await page.click(".tabs [data-tab=dashboard]")
        await expect(page.locator("#tab-dashboard")).to_be_visible()
        assert len(asked) == 2 and errors == []
        await browser.close()


async def test_a_supervisor_reads_an_old_version_without_a_rollback(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "super", Role.SUPERVISOR)
    await billing_rule_saved(client)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await rules_page(browser, client, "super")
        await page.locator("#rules-history tr[data-version='1'] .rules-view").click()
        view = page.locator("#rules-version-view")
        await expect(view.locator("#rules-against")).to_contain_text(BILLING_RULE["name"], timeout=10_000)
        await expect(page.locator("#rules-rollback")).to_have_count(0)
        assert errors == []
        await browser.close()
