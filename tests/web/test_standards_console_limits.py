"""The manager console shows why the standards editor refuses a value that would break the
service: a deadline beyond 30 days, a phrase placeholder with a format spec; nothing is saved."""

from __future__ import annotations

import asyncio
import re

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, signed_in_manager_page
from tests.conftest import AppFactory
from tests.staff import add_user


async def test_a_refused_value_is_shown_with_its_key_and_the_reason(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page, errors = await signed_in_manager_page(
            browser, str(client.make_url("/manager/#standards/deadlines")), "boss"
        )
        message = page.locator("#std-message")
        cell = page.locator("[data-cell='simple.vip']")
        await expect(cell).to_have_value("4", timeout=10_000)
        await cell.fill("1000000000000")
        await page.fill("#std-note", "VIP 慢一点")
        await page.click("#std-save")
        # a VIP would now wait longer than the others: warned first, then refused by the server
        await expect(message).to_contain_text("请确认后再保存")
        await page.click("#std-save-anyway")
        await expect(message).to_contain_text("答复时限·简单·", timeout=10_000)
        await expect(message).to_contain_text("：不能大于720小时")
        await expect(cell).to_have_class(re.compile(r"\binvalid\b"))
        await expect(page.locator("#std-version")).to_contain_text("v1")

        page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))  # leave the refused draft
        await page.click("[data-section=phrases]")
        opening = page.locator("[data-phrase=greeting_opening]")
        await expect(opening).to_be_visible(timeout=10_000)
        await opening.fill("{salutation}，{organisation}，{work_number:d}号客服代表为您服务。")
        await page.fill("#std-note", "工号按数字")
        await page.click("#std-save")
        await expect(message).to_contain_text("phrases.zh-CN.phrases.greeting_opening", timeout=10_000)
        await expect(message).to_contain_text("{work_number:d}: write a placeholder as {name} alone")
        await expect(opening).to_have_class(re.compile(r"\binvalid\b"))
        await expect(page.locator("#std-version")).to_contain_text("v1")
        assert errors == []
        await browser.close()


async def test_a_simple_complaint_given_longer_than_a_complex_one_is_refused(make_client: AppFactory) -> None:
    """Simple/Standard 30 h against Complex/Standard 24 h contradicts itself: refused as 0 hours
    are, the editor saying which cell and why; nothing is saved."""
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
        await cell.fill("30")
        await page.fill("#std-note", "简单投诉放宽")
        await page.click("#std-save")
        await expect(message).to_contain_text("答复时限·简单·", timeout=10_000)
        await expect(message).to_contain_text("比同类客户的复杂投诉（24小时）还长")
        await expect(cell).to_have_class(re.compile(r"\binvalid\b"))
        await expect(page.locator("#std-version")).to_contain_text("v1")
        assert errors == []
        await browser.close()
