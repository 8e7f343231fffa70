"""The chat a customer appealed from (申诉, the case filed over SMS) shows the appealed case in the
console (Chromium): its form labelled as the appealed case, a link to its conversation, and the
supervisor extends its deadline from the chat the customer is in."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_in_chat, customer_says_each, sign_in
from tests.channels.conftest import PHONE, app_with_sms_stub
from tests.conftest import AppFactory
from tests.helpers import eventually
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def sms_case_filed(stub: Any) -> str:
    """The SMS customer's complaint about the stairwell light, recorded: its case number."""
    for text, answer in (("楼道灯坏了一个月了", "小区或地址"), ("阳光花园3栋", "是否正确"), ("对", "投诉编号")):
        await stub.phone_sends(text, sender=PHONE)

        async def answered(fragment: str = answer) -> bool:
            return any(fragment in reply for reply in stub.texts_to(PHONE))

        await eventually(answered, timeout=15)
    [case_number] = {found for reply in stub.texts_to(PHONE) for found in re.findall(r"TS\w+", reply)}
    return case_number


async def test_the_supervisor_answering_an_appeal_sees_the_case_and_extends_its_deadline(
    make_client: AppFactory,
) -> None:
    client, stub = await app_with_sms_stub(make_client)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    case_number = await sms_case_filed(stub)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_in_chat(browser, str(client.make_url("/chat")))
        await customer_says_each(customer, [f"{case_number} 楼道灯都一个月了还是没修好，你们到底管不管"])
        # Another channel: the case's phone's last digits first.
        await expect(customer.locator(".msg-bot", has_text="完整联系电话")).to_have_count(1, timeout=10_000)
        await customer_says_each(customer, ["13800138000"])
        await expect(customer.locator(".msg-bot", has_text="让您等了这么久")).to_have_count(1, timeout=10_000)

        page = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
        page.set_default_timeout(10_000)
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "zhou.sup")
        ticket = page.locator("#queue .ticket").first
        await expect(ticket).to_contain_text("客户申诉")
        await ticket.locator(".claim").click()
        await expect(page.locator("#conversation-title")).to_have_text("会话 2")

        appealed = page.locator("#complaint #appealed-case")
        await expect(appealed).to_contain_text(f"客户申诉的投诉 {case_number}")
        await expect(page.locator("#complaint")).not_to_contain_text("尚未登记投诉")
        for shown in (case_number, "楼道灯坏了一个月了", "阳光花园3栋", "13800138000", "答复时限"):
            await expect(appealed).to_contain_text(shown)
        await expect(appealed.locator(".correct-case")).to_have_count(0)  # corrected on its own conversation
        await page.screenshot(path="/tmp/console-appealed-case.png")
        deadline_before = await appealed.locator("dt:text-is('答复时限') + dd").inner_text()

        await page.fill("#extend-hours", "24")
        await page.fill("#extend-reason", "等待灯具到货")
        await page.click("#extend")
        # The preview names both conversations told: the case's own (SMS, promised the old time) first.
        told = page.locator("#extend-told .extend-told")
        await expect(told).to_have_count(2)
        await expect(told.nth(0)).to_contain_text("将立即发给投诉所在的会话 1（短信）：")
        await expect(told.nth(1)).to_contain_text("将立即发给客户申诉所在的会话 2（网页聊天）：")
        await page.locator("#extend-told").screenshot(path="/tmp/console-extend-told.png")
        sms_said = await told.nth(0).locator(".extend-message").inner_text()
        said = await told.nth(1).locator(".extend-message").inner_text()
        assert "很抱歉，您反映的问题还需要一些时间处理" in sms_said and "很抱歉" in said
        await page.click("#extend-confirm")
        # The customer hears the new time in the chat they appealed from, and by SMS where the case is.
        await expect(customer.locator(".msg", has_text=said)).to_have_count(1)

        async def texted() -> bool:
            return sms_said in stub.texts_to(PHONE)

        await eventually(texted, timeout=15)
        await expect(appealed.locator("dt:text-is('答复时限') + dd")).not_to_have_text(deadline_before)

        await appealed.locator("#appealed-case-link").click()
        await expect(page.locator("#conversation-title")).to_have_text("会话 1")
        await expect(page.locator("#timeline")).to_contain_text("延长时限")
        await browser.close()
    await stub.server.close()
