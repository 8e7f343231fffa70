"""What a tester found working a day in the staff consoles: an extension form left filled in, a
stray "已发送" line, a deadline warning that a second 保存 slipped past, errors on the browser's
console before sign-in."""

from __future__ import annotations

import re

import pytest

from bot.staff.accounts import Role
from tests.browser import (
    CHROMIUM,
    LAUNCH_ARGS,
    customer_asks_for_a_person,
    customer_files_a_complaint,
    laptop_console,
    signed_in_manager_page,
)
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect
SHOTS = "/tmp/console-day-findings-{}.png"


async def test_a_confirmed_extension_empties_the_form(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        supervisor = await laptop_console(browser, str(client.make_url("/console/")), "zhou.sup")
        await supervisor.locator("#queue .claim").click()
        await expect(supervisor.locator("#complaint")).to_contain_text("阳光花园3栋", timeout=10_000)
        await supervisor.fill("#extend-hours", "6")
        await supervisor.fill("#extend-reason", "等待配件")
        await supervisor.click("#extend")
        await supervisor.click("#extend-confirm", timeout=10_000)
        await expect(supervisor.locator("#conversation-message")).to_contain_text("新时限", timeout=10_000)
        await expect(supervisor.locator("#timeline")).to_contain_text("延长时限", timeout=10_000)
        await expect(supervisor.locator("#extend-hours")).to_have_value("")
        await expect(supervisor.locator("#extend-reason")).to_have_value("")
        await supervisor.screenshot(path=SHOTS.format("extended"))
        # 延长… on the emptied form asks for a reason again instead of extending a second time
        await supervisor.click("#extend")
        await expect(supervisor.locator("#conversation-message")).to_have_text("请填写延长原因")
        await expect(supervisor.locator("#extend-preview")).to_be_hidden()
        await browser.close()


async def test_a_sent_reply_says_so_on_its_own_row_not_under_the_title(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        agent = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        await agent.fill("#reply-text", "已为您登记")
        await agent.click("#reply-send")
        await expect(customer.locator(".msg-agent")).to_contain_text("已为您登记", timeout=10_000)
        row = agent.locator("#messages li", has_text="已为您登记")
        await expect(row.locator(".meta")).to_contain_text("已发送", timeout=10_000)
        await expect(agent.locator("#conversation-message")).not_to_contain_text("已发送")
        await agent.screenshot(path=SHOTS.format("sent"))
        await browser.close()


async def test_only_save_anyway_saves_while_the_deadline_warning_stands(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/deadlines")), "boss"
        )
        message = page.locator("#std-message")
        cell = page.locator("[data-cell='simple.high_value']")
        await expect(cell).to_be_visible(timeout=10_000)
        await cell.fill("14")  # longer than the standard customers' 12, within their own complex 16
        await page.fill("#std-note", "高价值客户放宽")
        await page.click("#std-save")
        await expect(message).to_contain_text("请确认后再保存")
        await expect(message).to_contain_text("等得更久")
        await page.click("#std-save")  # 保存 again is not the confirmation
        await expect(message).to_contain_text("请确认后再保存")
        await expect(page.locator("#std-save-anyway")).to_be_visible()
        await page.wait_for_timeout(500)
        await expect(page.locator("#std-version")).to_contain_text("v1")
        await page.screenshot(path=SHOTS.format("deadline-warning"))
        await page.click("#std-save-anyway")
        await expect(page.locator("#std-version")).to_contain_text("v2", timeout=10_000)

        # the same asked of a YAML draft (the server's warning): 保存 asks, only 仍然保存 saves
        await page.click("#std-mode-yaml")
        editor = page.locator("#std-yaml")
        await expect(editor).to_have_value(re.compile("high_value"), timeout=10_000)
        draft = await editor.input_value()
        await editor.fill(draft.replace("vip: 4", "vip: 20", 1).replace("vip: 8", "vip: 24", 1))
        await page.fill("#std-note", "VIP 放宽")
        await page.click("#std-save")
        await expect(message).to_contain_text("VIP客户·简单 20小时", timeout=10_000)
        await page.click("#std-save")
        await expect(message).to_contain_text("请确认后再保存", timeout=10_000)
        await expect(page.locator("#std-version")).to_contain_text("v2")
        await page.click("#std-save-anyway")
        await expect(page.locator("#std-version")).to_contain_text("v3", timeout=10_000)
        assert errors == []
        await browser.close()
