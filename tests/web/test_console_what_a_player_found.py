"""What a player of the staff console found (Chromium, 1366×768 and 390×844): a case resolved and
then taken over by the supervisor still listed 已解决; 认领 offered in a queue the agent is not in,
its refusal told out of sight; an urgent notice pinned after its ticket was claimed; a line
("投诉单已更正（客户看不到）") still standing after signing in again; a transfer alone 新消息."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, customer_files_a_complaint, sign_in
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx, ticket_of
from tests.promises.support import claim_and_resolve, promised_case, staff
from tests.staff import add_user, claimed_conversation, set_queues
from tests.staff import sign_in as api_sign_in
from workers.queue import supervise

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


async def console_at(browser: Any, client: Any, username: str, viewport: dict[str, int], hash_: str = "") -> Any:
    page = await (await browser.new_context(viewport=viewport)).new_page()
    await page.goto(str(client.make_url("/console/")) + hash_)
    await sign_in(page, username)
    return page


async def test_a_resolved_case_taken_over_by_the_supervisor_is_listed_in_hand_not_resolved(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    conversation_id, socket = await promised_case(client)
    await claim_and_resolve(client, conversation_id, "zhang.agent")
    headers, _ = await staff(client, "wangzg", Role.SUPERVISOR)
    reopened = await client.post(
        f"/api/conversations/{conversation_id}/reopen", json={"reason": "还是没修好"}, headers=headers
    )
    assert reopened.status == 200, await reopened.text()
    await socket.send("路灯晚上还是不亮")
    taken = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "wangzg"}, headers=headers
    )
    assert taken.status == 200, await taken.text()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await console_at(browser, client, "zhang.agent", WIDE)
        row = page.locator("#resolved li", has_text=f"会话 {conversation_id}")
        await expect(row).to_contain_text(f"会话 {conversation_id} · 处理中（wangzg）", timeout=10_000)
        await expect(row).not_to_contain_text("已解决")
        await expect(row.locator(".unread")).to_have_count(0)
        await browser.close()
    await socket.close()


async def test_no_claim_offered_outside_the_agent_s_queues_and_a_refusal_shows_where_the_agent_looks(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    csrf, moved_id, moved_socket = await claimed_conversation(client, "li.agent")
    moved = await client.post(
        f"/api/conversations/{moved_id}/transfer", json={"queue": "值班主管"}, headers={"X-CSRF-Token": csrf}
    )
    assert moved.status == 200, await moved.text()
    await set_queues(client, "li.agent", ["general"])
    waiting_id, waiting_socket = await customer_hands_off(client)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await console_at(browser, client, "li.agent", PHONE, f"#conversation={moved_id}")
        await expect(page.locator("#reply-hint")).to_contain_text("您不在该队列，无法认领", timeout=10_000)
        await expect(page.locator("#claim-here")).to_have_count(0)

        # A claim refused all the same (the queue changed meanwhile): told on the phone's screen,
        # gone at the agent's next tap.
        refusal = {"error": "this ticket waits in a queue you are not in; ask a manager to add you to it"}
        await page.route("**/api/tickets/*/claim", lambda route: route.fulfill(status=403, json=refusal))
        await page.evaluate(f"location.hash = '#conversation={waiting_id}'")
        await page.locator("#claim-here").click(timeout=10_000)
        told = page.locator("#toast:visible, #conversation-message:visible")
        await expect(told.first).not_to_be_empty(timeout=5_000)
        assert await page.locator("#queue-message").text_content() == ""
        await page.locator("#messages").click()
        await expect(page.locator("#conversation-message")).to_have_text("")
        await browser.close()
    await moved_socket.close()
    await waiting_socket.close()


async def test_an_urgent_notice_is_no_longer_urgent_once_its_ticket_is_claimed(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    conversation_id, socket = await customer_hands_off(client, says="电梯里困了人 快来", expect="紧急")
    clock.advance(minutes=31)
    await supervise(job_ctx(client))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await console_at(browser, client, "lead", WIDE)
        notice = page.locator("#notifications > ol > li", has_text="超时无人认领").first
        await expect(notice.locator(".badge.p0")).to_have_text("紧急", timeout=10_000)
        csrf = await api_sign_in(client, "lead")
        claimed = await client.post(
            f"/api/tickets/{await ticket_of(client, conversation_id)}/claim", headers={"X-CSRF-Token": csrf}
        )
        assert claimed.status == 200, await claimed.text()
        # live, without a reload
        await expect(notice.locator(".badge.p0")).to_have_count(0, timeout=10_000)
        await expect(notice).to_contain_text("已处理")
        await browser.close()
    await socket.close()


async def test_a_line_said_before_signing_out_is_gone_after_signing_in_again(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        customer = await customer_files_a_complaint(browser, str(client.make_url("/chat")))
        agent = await console_at(browser, client, "li.agent", WIDE)
        await agent.locator("#queue .claim").click()
        await expect(agent.locator("#complaint")).to_contain_text("阳光花园3栋", timeout=10_000)
        await agent.click(".correct-case")
        await agent.fill("#fix-area", "阳光花园3栋2单元")
        await agent.click("#fix-save")
        await expect(agent.locator("#conversation-message")).to_have_text("投诉单已更正（客户看不到）", timeout=10_000)
        await agent.click("#logout")
        await sign_in(agent, "li.agent")
        # signed in and ready: the line from before is not there, not even for a moment
        assert await agent.locator("#conversation-message").text_content() == ""
        await expect(agent.locator("#complaint")).to_contain_text("阳光花园3栋2单元", timeout=10_000)
        await customer.close()
        await browser.close()


async def test_a_case_transferred_to_an_agent_is_not_new_without_a_new_customer_message(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    csrf, conversation_id, socket = await claimed_conversation(client, "li.agent")
    await add_user(client, "he.agent", Role.AGENT)
    clock.advance(minutes=5)
    moved = await client.post(
        f"/api/conversations/{conversation_id}/transfer", json={"username": "he.agent"}, headers={"X-CSRF-Token": csrf}
    )
    assert moved.status == 200, await moved.text()
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await console_at(browser, client, "he.agent", WIDE)
        row = page.locator("#mine li", has_text=f"会话 {conversation_id}")
        await expect(row).to_be_visible(timeout=10_000)
        await expect(row.locator(".unread")).to_have_count(0)
        await expect(page.locator("#mine-unread")).to_be_hidden()
        # what the customer writes after the transfer is new (the page is live once the server
        # has answered its watch list)
        await expect(page.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
        clock.advance(minutes=1)
        await socket.send("有人吗")
        await expect(row.locator(".unread")).to_have_text("新消息", timeout=10_000)
        await browser.close()
    await socket.close()
