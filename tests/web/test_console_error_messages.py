"""A refused value is said in the staff's language, naming the field as the page names it, not as
the API's English with a key path and an HTTP code; the audit log says it the same way."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


async def test_a_refused_deadline_or_phrase_is_said_in_chinese_with_the_field_s_name(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/deadlines")), "boss"
        )
        message = page.locator("#std-message")
        cell = page.locator("[data-cell='simple.standard']")
        await expect(cell).to_have_value("12", timeout=10_000)
        await page.fill("#std-note", "试一试")
        for typed, said in [
            ("-5", "答复时限·简单·标准客户：不能小于0.5小时"),
            ("100000", "答复时限·简单·标准客户：不能大于720小时"),
            ("", "答复时限·简单·标准客户：请填写数字"),
        ]:
            await cell.fill(typed)
            await page.click("#std-save")
            await expect(message).to_have_text(said, timeout=10_000)
        await expect(message).not_to_contain_text("422")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / "standards-refused-deadline.png"))

        page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))  # leave the refused draft
        await page.click("[data-section=phrases]")
        await page.fill("#phrase-filter", "电话")
        ask_phone = page.locator("[data-phrase=ask_phone]")
        await ask_phone.fill("请留下您的电话 {phone_number}")
        await page.fill("#std-note", "加上号码")
        await page.click("#std-save")
        await expect(message).to_have_text(
            "用语「询问联系电话」：不能使用占位符 {phone_number}；可用的占位符：无", timeout=10_000
        )
        # the search that showed the phrase is kept, and the phrase with it
        await expect(page.locator("#phrase-filter")).to_have_value("电话")
        await expect(ask_phone).to_be_in_viewport()

        page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
        await page.click("[data-tab=audit]")
        refusal = page.locator("#audit-table tbody tr", has_text="拒绝 422").first
        await expect(refusal).to_contain_text("不能使用占位符 {phone_number}", timeout=10_000)
        await expect(page.locator("#audit-table")).to_contain_text("答复时限·简单·标准客户：不能小于0.5小时")
        await expect(page.locator("#audit-table")).not_to_contain_text("Input should be")
        assert errors == []
        await browser.close()


async def test_the_api_names_the_code_field_and_limit_of_a_refusal(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    csrf = await api_sign_in(client, "boss")
    current = await (await client.get("/api/standards/deadlines")).json()
    body = current["body"]
    body["table"]["simple"]["standard"] = 100000
    answer = await client.put(
        "/api/standards/deadlines",
        json={"body": body, "note": "太长", "base_version": current["version"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status == 422
    refusal = await answer.json()
    assert refusal["code"] == "less_than_equal"
    assert refusal["field"] == "deadlines.table.simple.standard"
    assert refusal["limit"] == 720
    assert refusal["error"].startswith("deadlines.table.simple.standard:")


async def test_a_category_a_rule_still_names_is_refused_naming_the_rule_as_the_rules_page_does(
    make_client: AppFactory,
) -> None:
    """The staff tester renamed the category id billing and read "保存失败 (422):
    rules.13.when.categories: unknown category 'billing'", in English too, the rule one off."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    csrf = await api_sign_in(client, "boss")
    rules = (await (await client.get("/api/rules")).json())["rules"]
    billing_rule = {"name": "收费投诉进收费组", "when": {"categories": ["billing"]}, "then": {"queue": "billing"}}
    saved = await client.put(
        "/api/rules", json={"rules": [*rules, billing_rule], "note": "收费"}, headers={"X-CSRF-Token": csrf}
    )
    assert saved.status == 200, await saved.text()
    number = len(rules) + 1
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/classification")), "boss"
        )
        ids = page.locator("#std-form input[data-path^='classification.categories.'][data-path$='.id']")
        await expect(ids.first).to_be_visible(timeout=10_000)
        path = await ids.evaluate_all("boxes => boxes.find((box) => box.value === 'billing').dataset.path")
        category_id = page.locator(f"#std-form input[data-path='{path}']")
        await category_id.fill("fees")
        await category_id.dispatch_event("input")
        await page.fill("#std-note", "改类别编号")
        await page.click("#std-save")
        message = page.locator("#std-message")
        await expect(message).to_contain_text(
            f"分派规则 #{number}：「收费投诉进收费组」仍在使用类别「billing」", timeout=10_000
        )
        await expect(message).not_to_contain_text("422")
        await expect(message).not_to_contain_text("unknown")

        page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))  # leave the refused draft
        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await expect(category_id).to_have_value("billing", timeout=10_000)
        await category_id.fill("fees")
        await category_id.dispatch_event("input")
        await page.fill("#std-note", "rename")
        await page.click("#std-save")
        await expect(message).to_contain_text(
            f"Routing rule #{number}: “收费投诉进收费组” still uses the Category “billing”", timeout=10_000
        )
        assert errors == []
        await browser.close()
