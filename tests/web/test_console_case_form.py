"""The complaint form in the agent console (Chromium): corrected by its owner (a phone as the bot
reads one from a customer), whole on a 1366×768 screen; a supervisor's extension previewed
(service hours, the new time, the customer's message) before it is sent; and on a phone, what a
tap did shows where the agent is looking."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_files_a_complaint, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

WIDE_LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/console-case-form-{}.png"


async def console_at(browser: Any, client: Any, username: str, viewport: dict[str, int]) -> Any:
    page = await (await browser.new_context(viewport=viewport)).new_page()
    await page.goto(str(client.make_url("/console/")))
    await sign_in(page, username)
    return page


async def claims_the_case(page: Any) -> None:
    await page.locator("#queue .claim").click()
    await expect(page.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
    await expect(page.locator("#complaint")).to_contain_text("阳光花园3栋", timeout=10_000)


async def test_the_owner_corrects_the_place_the_bot_shortened(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        agent = await console_at(browser, client, "li.agent", WIDE_LAPTOP)
        await claims_the_case(agent)

        # At 1366×768 the whole form shows, 地址/区域 and 答复时限 included, without scrolling.
        panel = agent.locator("#complaint-panel")
        for name in ("地址/区域", "答复时限"):
            await expect(panel.locator("dt", has_text=name)).to_be_in_viewport(ratio=1)
        assert await panel.evaluate("node => node.scrollHeight <= node.clientHeight + 1")
        await agent.screenshot(path=SHOTS.format("1366"))

        said = await customer.locator(".msg").count()
        await agent.click(".correct-case")
        await expect(agent.locator("#fix-area")).to_have_value("阳光花园3栋")
        await agent.fill("#fix-area", "阳光花园3栋2单元")
        await agent.select_option("#fix-category", "engineering_repair")
        await agent.fill("#fix-phone", "12345")
        await agent.click("#fix-save")
        await expect(agent.locator("#fix-message")).to_have_text("联系电话：不是电话号码（手机号或座机号）")
        # A city landline without its area code, as the bot takes one from a customer.
        await agent.fill("#fix-phone", "8866 5544")
        await agent.screenshot(path=SHOTS.format("editing"))
        await agent.click("#fix-save")

        await expect(panel.locator("dd", has_text="阳光花园3栋2单元")).to_have_count(1, timeout=10_000)
        await expect(panel.locator("dd", has_text="工程维修")).to_have_count(1)
        await expect(panel.locator("dd", has_text="88665544")).to_have_count(1)
        await expect(agent.locator("#timeline")).to_contain_text(
            "投诉单已更正: 电话 13800138000 → 88665544; 地址 阳光花园3栋 → 阳光花园3栋2单元; 类别 物业服务 → 工程维修"
        )
        await agent.screenshot(path=SHOTS.format("corrected"))
        await customer.wait_for_timeout(500)
        assert await customer.locator(".msg").count() == said  # nothing is sent to the customer
        await browser.close()


async def test_a_supervisor_sees_the_new_time_and_the_customers_message_before_extending(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        supervisor = await console_at(browser, client, "zhou.sup", WIDE_LAPTOP)
        await claims_the_case(supervisor)
        await expect(supervisor.locator("#extend-unit")).to_have_text("服务小时")
        await expect(supervisor.locator("#extend-hours")).to_have_value("12")  # the case's own promise

        said = await customer.locator(".msg").count()
        await supervisor.fill("#extend-hours", "24")
        await supervisor.fill("#extend-reason", "等待电梯配件到货")
        await supervisor.click("#extend")
        preview = supervisor.locator("#extend-preview")
        await expect(preview).to_be_visible(timeout=10_000)
        await expect(preview.locator("#extend-new-deadline")).to_contain_text("新时限")
        message = supervisor.locator("#extend-message")
        await expect(message).to_contain_text("很抱歉，您反映的问题还需要一些时间处理")
        await supervisor.screenshot(path=SHOTS.format("extend-preview"))
        # at 1366×768 the preview leaves the case's 答复时限 in sight
        await expect(supervisor.locator("#complaint-panel dt", has_text="答复时限")).to_be_in_viewport(ratio=1)
        await expect(supervisor.locator("#extend-confirm")).to_be_in_viewport(ratio=1)
        assert await customer.locator(".msg").count() == said  # not sent before 确认

        shown = await message.inner_text()
        await supervisor.click("#extend-confirm")
        await expect(customer.locator(".msg", has_text=shown)).to_have_count(1, timeout=10_000)
        await expect(preview).to_be_hidden()
        await browser.close()


async def test_on_a_phone_a_saved_note_says_so_where_the_agent_is_looking(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        agent = await console_at(browser, client, "li.agent", PHONE)
        await claims_the_case(agent)
        # The tester's screen: scrolled down to the case actions, the conversation's top off the screen.
        await agent.fill("#note-text", "已联系物业经理")
        await agent.locator("#note-text").evaluate("box => scrollTo(0, box.offsetTop - 300)")
        assert await agent.evaluate("document.getElementById('messages').getBoundingClientRect().top < 0")
        await agent.click("#note-add")
        toast = agent.locator("#toast")
        await expect(toast).to_have_text("备注已保存（客户看不到）", timeout=10_000)
        await expect(toast).to_be_in_viewport(ratio=1)
        await agent.screenshot(path=SHOTS.format("phone-note"))
        await expect(toast).to_be_hidden(timeout=10_000)
        await browser.close()
