"""The manager console says what staff did and what is wrong in the staff's language (real
Chromium): audit details by label and display name, a forbidden phrase in a standard phrase named
as the page names it, placeholders previewed with sample values, a deadline table that would make
a VIP wait longer warned about before saving, and the reports' unassigned cases in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.conftest import AppFactory
from tests.promises.support import claim_and_reply, promised_case, staff
from tests.staff import PASSWORD

browser_helpers = pytest.importorskip("tests.browser")  # skips without Chromium or playwright
expect = browser_helpers.expect
pytestmark = pytest.mark.browser

SHOTS = Path("/tmp")


async def _browser(playwright: Any) -> Any:
    return await playwright.chromium.launch(
        executable_path=str(browser_helpers.CHROMIUM), args=browser_helpers.LAUNCH_ARGS
    )


async def _audit_row(page: Any, action: str) -> Any:
    row = page.locator(f"#audit-table tbody tr[data-action={action}]")
    await expect(row).to_have_count(1, timeout=10_000)
    return row


async def test_audit_details_name_each_value_by_its_label_in_both_languages(make_client: AppFactory) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await socket.close()
    headers, _ = await staff(client, "boss", Role.MANAGER)
    new_account = {"username": "ag2", "role": "agent", "queues": ["engineering"], "password": PASSWORD}
    assert (await client.post("/api/users", json=new_account, headers=headers)).status == 201
    path = f"/api/conversations/{conversation_id}"
    assert (await client.put(f"{path}/customer/tier", json={"tier": "vip"}, headers=headers)).status == 200
    extended = await client.post(f"{path}/extend", json={"hours": 12, "reason": "等厂家配件"}, headers=headers)
    assert extended.status == 200

    async with browser_helpers.playwright_api.async_playwright() as playwright:
        browser = await _browser(playwright)
        url = str(client.make_url("/manager/#audit"))
        page, errors = await browser_helpers.signed_in_manager_page(browser, url, "boss")
        account = await _audit_row(page, "account_create")
        await expect(account).to_contain_text("账号: ag2 · 角色: 客服 · 队列: 工程维修组")
        await expect(account).not_to_contain_text("转交给")
        tier = await _audit_row(page, "customer_tier_change")
        await expect(tier).to_contain_text(f"会话 {conversation_id}")
        await expect(tier).to_contain_text("原客户类别: 标准客户 · 新客户类别: VIP客户")
        extend = await _audit_row(page, "extend_deadline")
        await expect(extend).to_contain_text("延长小时数: 12 · 原因: 等厂家配件 · 原时限: 2026-")
        await expect(extend).to_contain_text("新时限: 2026-")
        table = await page.locator("#audit-table").inner_text()
        for raw in ("customer ", "previous_tier", "tier:", "vip", "agent ·", "engineering", "why", "deadline_at"):
            assert raw not in table, raw
        await page.screenshot(path=str(SHOTS / "console2-audit-zh.png"), full_page=True)

        # The same rows for a manager reading English.
        assert (await client.put("/api/me/locale", json={"locale": "en"}, headers=headers)).status == 200
        english, _ = await browser_helpers.signed_in_manager_page(browser, url, "boss")
        account = await _audit_row(english, "account_create")
        await expect(account).to_contain_text("Account: ag2 · Role: Agent · Queue: Engineering and repairs")
        await expect(account).not_to_contain_text("Transfer to")
        tier = await _audit_row(english, "customer_tier_change")
        await expect(tier).to_contain_text("Previous tier: Standard · New tier: VIP")
        extend = await _audit_row(english, "extend_deadline")
        await expect(extend).to_contain_text("Reason: 等厂家配件 · Previous deadline: 2026-")
        await english.screenshot(path=str(SHOTS / "console2-audit-en.png"), full_page=True)
        assert errors == []
        await browser.close()


async def test_standards_say_a_forbidden_phrase_in_chinese_and_preview_every_placeholder(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await staff(client, "boss", Role.MANAGER)
    async with browser_helpers.playwright_api.async_playwright() as playwright:
        browser = await _browser(playwright)
        url = str(client.make_url("/manager/#standards/phrases"))
        page, errors = await browser_helpers.signed_in_manager_page(browser, url, "boss")
        await expect(page.locator("[data-phrase=invite_complaint]")).to_be_visible(timeout=10_000)
        await expect(page.locator(".std-toolbar")).to_contain_text("{…} 由机器人填入；预览使用示例值。")
        await expect(page.locator(".std-toolbar")).not_to_contain_text("。 {…")
        phones = page.locator("[data-phrase-row=restate_phones] .std-preview")
        await expect(phones).to_contain_text("13800138000（备用：13900139000）")
        case_number = page.locator("[data-phrase-row=withdraw_ask_case_number] .std-preview")
        await expect(case_number).to_contain_text("以TS开头")
        chips = await page.locator("[data-phrase-row=restate_phones] .chip").all_inner_texts()
        assert sorted(chips) == ["{alternative} 备用电话", "{phone} 电话"]

        await page.fill("[data-phrase=confirmed_thanks]", "对不起,我们的规定就是这样的")
        await page.fill("#std-note", "试一下")
        await page.click("#std-save")
        message = page.locator("#std-message")
        await expect(message).to_have_text(
            "用语「确认后致谢」：含有服务忌语「我们的规定就是这样的」，请改说「您看这个解决方案如何？」", timeout=10_000
        )
        await page.screenshot(path=str(SHOTS / "console2-forbidden.png"))
        assert errors == []
        await browser.close()


async def test_a_table_making_a_vip_wait_longer_is_warned_about_and_saved_once_confirmed(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await staff(client, "boss", Role.MANAGER)
    async with browser_helpers.playwright_api.async_playwright() as playwright:
        browser = await _browser(playwright)
        url = str(client.make_url("/manager/#standards/deadlines"))
        page, errors = await browser_helpers.signed_in_manager_page(browser, url, "boss")
        cell = page.locator("[data-cell='complex.standard']")
        await expect(cell).to_be_visible(timeout=10_000)
        warnings = page.locator("#deadline-warnings")
        await expect(warnings).to_be_hidden()  # the shipped table promises VIPs sooner
        await page.locator("[data-cell='simple.standard']").fill("6")  # a simple one never longer than a complex one
        await cell.fill("6")
        await expect(warnings).to_be_visible()
        await expect(warnings).to_contain_text(
            "VIP客户·复杂 8小时，比标准客户·复杂 6小时还长：VIP客户会比标准客户等得更久"
        )
        await page.fill("#std-note", "复杂投诉缩短到6小时")
        await page.click("#std-save")
        await expect(page.locator("#std-message")).to_contain_text("请确认后再保存")
        await page.screenshot(path=str(SHOTS / "console2-deadline-warning.png"), full_page=True)
        body = await (await client.get("/api/standards/deadlines")).json()
        assert (body["version"], body["body"]["table"]["complex"]["standard"]) == (1, 24)  # nothing saved yet

        await page.click("#std-save-anyway")  # a warning, not a refusal
        await expect(page.locator("#std-message")).to_contain_text("v2", timeout=10_000)
        body = await (await client.get("/api/standards/deadlines")).json()
        assert (body["version"], body["body"]["table"]["complex"]["standard"]) == (2, 6)
        assert errors == []
        await browser.close()


async def test_english_reports_name_unassigned_cases_in_english(make_client: AppFactory) -> None:
    client = await make_client()
    _, socket = await promised_case(client)  # filed, never claimed
    await socket.close()
    headers, _ = await staff(client, "boss", Role.MANAGER)
    assert (await client.put("/api/me/locale", json={"locale": "en"}, headers=headers)).status == 200
    async with browser_helpers.playwright_api.async_playwright() as playwright:
        browser = await _browser(playwright)
        url = str(client.make_url("/manager/#reports"))
        page, errors = await browser_helpers.signed_in_manager_page(browser, url, "boss")
        await expect(page.locator("body[data-reports=drawn]")).to_have_count(1, timeout=10_000)
        await expect(page.locator("#report-agents")).to_contain_text("Unassigned")
        await expect(page.locator("#report-agents")).not_to_contain_text("未分配")
        labels = await page.evaluate("window.managerReports.charts['chart-agent'].data.labels")
        assert labels == ["Unassigned"]
        await page.screenshot(path=str(SHOTS / "console2-reports-en.png"), full_page=True)
        assert errors == []
        await browser.close()


async def test_an_english_console_finds_a_chinese_customers_phrase_by_its_english_words(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    headers, _ = await staff(client, "li.agent", Role.AGENT)
    assert (await client.put("/api/me/locale", json={"locale": "en"}, headers=headers)).status == 200
    await claim_and_reply(client, conversation_id, headers)
    async with browser_helpers.playwright_api.async_playwright() as playwright:
        browser = await _browser(playwright)
        page = await browser_helpers.laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await page.locator("#mine li", has_text=f"{conversation_id}").get_by_role("button").click()
        await page.click("#phrase-toggle")
        await page.fill("#phrase-search", "sorry")
        apology = page.locator("#phrase-list button.phrase", has_text="Apologise")
        await expect(apology.first).to_be_visible(timeout=10_000)
        await page.locator("#phrase-list button.phrase").filter(has_text="对不起，请您原谅。").click()
        # The customer reads it in their language.
        await expect(page.locator("#reply-text")).to_have_value("对不起，请您原谅。")
        await browser.close()
    await socket.close()
