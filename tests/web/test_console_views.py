"""What staff see in the consoles: readable names, local times, and only their role's controls."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.keys import resources
from bot.staff.accounts import Role
from tests.browser import (
    CHROMIUM,
    LAUNCH_ARGS,
    customer_asks_for_a_person,
    customer_files_a_complaint,
    customer_in_chat,
    customer_says_each,
    sign_in,
)
from tests.channels.conftest import PHONE, app_with_sms_stub
from tests.conftest import AppFactory, FixedClock
from tests.helpers import eventually
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def staff_page(browser: Any, url: str, username: str) -> Any:
    # A browser far from Shanghai: the consoles must still show the service's local time.
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, timezone_id="America/New_York")
    page = await context.new_page()
    await page.goto(url)
    await sign_in(page, username)
    return page


async def test_an_agent_reads_the_complaint_in_chinese_and_in_shanghai_time(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        # A recorded complaint waits for a person without the customer asking.
        await customer_files_a_complaint(browser, str(client.make_url("/chat")))

        agent = await staff_page(browser, str(client.make_url("/console/")), "li.agent")
        ticket = agent.locator("#queue .ticket").first
        await expect(ticket).to_contain_text("综合投诉", timeout=10_000)
        await ticket.locator(".claim").click()
        complaint = agent.locator("#complaint")
        await expect(complaint.locator("dt", has_text="编号")).to_have_count(1, timeout=10_000)
        await expect(complaint).to_contain_text("TS20261123")
        await expect(complaint).to_contain_text("物业服务")
        await expect(complaint).not_to_contain_text("[object")
        # The clock stands at 14:00 Shanghai (06:00 UTC, 01:00 in New York); the promise is 12
        # service hours: 17:00 tomorrow.
        await expect(complaint.locator("dd", has_text="2026-11-24 17:00")).to_have_count(1)
        await expect(agent.locator("#messages .from-customer").first).to_contain_text("2026-11-23 14:00")
        await expect(agent.locator("#timeline")).to_contain_text("2026-11-23 14:00")
        await expect(agent.locator("#conversation-meta")).to_contain_text("网页聊天")
        # the claim's row: its header names the claimer, the line says what they did, once
        claimed = agent.locator("#timeline > li", has_text="认领")
        await expect(claimed).to_contain_text("我（li.agent）")
        await expect(claimed).not_to_contain_text("认领 li.agent")
        await expect(agent.locator("#timeline")).not_to_contain_text("agent:")

        # Past the deadline, the manager's dashboard lists the case as breached, with its handler by name.
        clock.advance(hours=28)
        manager = await staff_page(browser, str(client.make_url("/manager/")), "boss")
        breached = manager.locator("#dash-breached")
        await expect(breached).to_contain_text("TS20261123", timeout=10_000)
        await expect(breached).to_contain_text("li.agent")
        await expect(breached).not_to_contain_text("agent:")
        await browser.close()


async def test_each_role_sees_only_its_own_controls(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    await add_user(client, "boss", Role.MANAGER)
    console_url, manager_url = str(client.make_url("/console/")), str(client.make_url("/manager/"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_asks_for_a_person(browser, str(client.make_url("/chat")))

        agent = await staff_page(browser, console_url, "li.agent")
        await expect(agent.locator("#manager-link")).to_be_hidden()
        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#reply-text")).to_be_visible(timeout=10_000)
        assert await agent.locator("#extend").count() == 0

        agent_in_manager = await staff_page(browser, manager_url + "#rules", "li.agent")
        await expect(agent_in_manager.locator("#denied")).to_contain_text("仅限主管和经理")
        await expect(agent_in_manager.locator("#rules-save")).to_have_count(0)
        await expect(agent_in_manager.locator("[data-tab=rules]")).to_be_hidden()

        supervisor = await staff_page(browser, manager_url + "#dead-letters", "zhou.sup")
        await expect(supervisor.locator("[data-tab=dead-letters]")).to_be_hidden()
        await expect(supervisor.locator("#tab-dashboard")).to_be_visible()
        await supervisor.click("[data-tab=rules]")
        await expect(supervisor.locator("#rules-readonly")).to_be_visible()
        await expect(supervisor.locator("#rules-save")).to_be_hidden()
        await expect(supervisor.locator(".rule-name").first).to_be_disabled(timeout=10_000)

        manager = await staff_page(browser, manager_url + "#rules", "boss")
        await expect(manager.locator("#rules-save")).to_be_enabled(timeout=10_000)
        await expect(manager.locator("#rules-readonly")).to_be_hidden()
        await expect(manager.locator("[data-tab=dead-letters]")).to_be_visible()
        await browser.close()


async def test_a_supervisor_reads_an_appeal_and_what_came_after_it_and_opens_its_conversation(
    make_client: AppFactory,
) -> None:
    """A web chat customer names the number of a case filed by SMS and repeats its problem: the
    case's queue entry reads 客户申诉; its claim opens the chat the customer appealed from (where the
    supervisor answers), which links to the case; the case's timeline shows the appeal and the
    message after it, and links back to the conversation they came from."""
    client, stub = await app_with_sms_stub(make_client)
    await add_user(client, "zhou.sup", Role.SUPERVISOR)
    for text, answer in (("楼道的垃圾三天没人清理", "小区或地址"), ("阳光花园3栋", "是否正确"), ("对", "投诉编号")):
        await stub.phone_sends(text, sender=PHONE)

        async def answered(fragment: str = answer) -> bool:
            return any(fragment in reply for reply in stub.texts_to(PHONE))

        await eventually(answered, timeout=15)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        chat_url = str(client.make_url("/chat"))
        again = await customer_in_chat(browser, chat_url)
        [case_number] = {found for reply in stub.texts_to(PHONE) for found in re.findall(r"TS\w+", reply)}
        await customer_says_each(again, [f"{case_number} 楼道的垃圾还是没人清理"])
        # Another channel: the case's phone's last digits first.
        await expect(again.locator(".msg-bot", has_text="完整联系电话")).to_have_count(1, timeout=10_000)
        await customer_says_each(again, ["13800138000"])
        await expect(again.locator(".msg-bot", has_text="让您等了这么久")).to_have_count(1, timeout=10_000)
        # proven by the case's phone, the customer is not asked for one: the supervisor calls it
        await expect(again.locator(".msg-bot", has_text="值班主管会直接与您联系")).to_have_count(1, timeout=10_000)
        await customer_says_each(again, ["臭味都飘到家里了"])

        supervisor = await staff_page(browser, str(client.make_url("/console/")), "zhou.sup")
        ticket = supervisor.locator("#queue .ticket").first
        await expect(ticket).to_contain_text("客户申诉", timeout=10_000)
        await expect(ticket).not_to_contain_text("appeal")
        await ticket.locator(".claim").click()
        await expect(supervisor.locator("#conversation-title")).to_have_text("会话 2", timeout=10_000)
        await expect(supervisor.locator("#messages")).to_contain_text("臭味都飘到家里了")
        await expect(supervisor.locator("#reply-text")).to_be_enabled()
        timeline = supervisor.locator("#timeline")
        await timeline.locator("button", has_text="打开会话 1").first.click()
        await expect(timeline).to_contain_text("楼道的垃圾还是没人清理", timeout=10_000)
        await expect(timeline).to_contain_text("客户转人工后客户留言 「臭味都飘到家里了」")
        await expect(timeline).not_to_contain_text("customer")
        await timeline.locator("button", has_text="打开会话 2").first.click()
        await expect(supervisor.locator("#messages")).to_contain_text("臭味都飘到家里了", timeout=10_000)
        await browser.close()
    await stub.server.close()


async def test_a_colleague_s_conversation_opens_from_the_address_bar_read_only_with_chinese_errors(
    make_client: AppFactory,
) -> None:
    """A non-owner gets no reply box but a hint why; #conversation=N typed into the address bar
    opens that conversation; the API's English errors are said in Chinese; the queue's waiting
    times move on by themselves."""
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await add_user(client, "wang.agent", Role.AGENT)
    console_url = str(client.make_url("/console/"))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        li = await staff_page(browser, console_url, "li.agent")
        await li.locator("#queue .claim").first.click()
        await expect(li.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        owned = int(await li.evaluate("window.agentConsole.state.conversationId"))
        await expect(li.locator("#reply-text")).to_be_enabled()
        await expect(li.locator("#reply-hint")).to_be_hidden()

        li.set_default_timeout(10_000)
        await li.fill("#transfer-target", "nosuchuser")
        await li.locator("#transfer-target").press("Enter")  # Enter transfers
        await expect(li.locator("#conversation-message")).to_have_text("没有在职的用户「nosuchuser」，请从列表中选择")

        context = await browser.new_context(viewport={"width": 1400, "height": 900})
        wang = await context.new_page()
        errors: list[str] = []
        wang.on("pageerror", lambda error: errors.append(str(error)))
        await wang.add_init_script(
            "window.tones = 0;"
            "window.AudioContext = class { constructor() { window.tones += 1; throw new Error('no audio'); } };"
        )
        await wang.clock.install(time=resources(client.app).clock())  # the service's (fixed) time
        await wang.goto(console_url)
        await sign_in(wang, "wang.agent")
        waited = wang.locator("#queue .waited").first
        await expect(waited).to_have_text("已转人工 0分钟", timeout=10_000)
        await wang.clock.fast_forward("05:00")  # five quiet minutes: nothing else changes the queue
        await expect(waited).to_have_text("已转人工 5分钟", timeout=10_000)

        await wang.evaluate(f"location.hash = '#conversation={owned}'")
        await expect(wang.locator("#conversation-title")).to_have_text(f"会话 {owned}", timeout=10_000)
        await expect(wang.locator("#reply-text")).to_be_disabled()
        await expect(wang.locator("#reply-hint")).to_contain_text("只有处理人可以回复")
        await expect(wang.locator("#resolve")).to_be_disabled()
        await expect(wang.locator("#transfer")).to_be_disabled()
        await expect(wang.locator("#note-add")).to_be_enabled()  # a note is still theirs to add

        # li hands it to wang, picked from the colleagues: wang is told, and may reply at once.
        await expect(li.locator("#transfer-options option[value='wang.agent']")).to_have_count(1)
        await expect(li.locator("#transfer-options option[value='li.agent']")).to_have_count(0)
        assert await wang.evaluate("window.tones") == 0
        await li.fill("#transfer-target", "wang.agent")
        await li.click("#transfer")
        await expect(li.locator("#conversation-message")).to_have_text("已转交给 wang.agent")
        await expect(wang.locator("#notifications .notification-kind")).to_have_text("转给您处理", timeout=10_000)
        await expect(wang.locator("#reply-text")).to_be_enabled(timeout=10_000)
        assert await wang.evaluate("window.tones") == 1  # the tone, as for a new customer
        assert errors == []
        await browser.close()
