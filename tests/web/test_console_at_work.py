"""The agent console as a team lead found it at work: a laptop (1366×768) with a long queue, and
a phone (390×844)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory, FixedClock
from tests.helpers import ChatSocket
from tests.staff import add_user, claim_conversation, customers_waiting
from tests.staff import sign_in as api_sign_in

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
"""Kept after the run so a person can look at the consoles (var/ is not committed)."""

FIRST_WORDS = ["电梯坏了一个星期", "楼上漏水到我家", "小区门口路灯不亮", "垃圾三天没人清理", "停车场积水很深"]


async def console(browser: Any, client: Any, username: str, viewport: dict[str, int]) -> Any:
    page = await (await browser.new_context(viewport=viewport)).new_page()
    await page.goto(str(client.make_url("/console/")))
    await sign_in(page, username)
    return page


async def test_my_conversations_stay_in_sight_above_a_long_queue(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    waiting = await customers_waiting(client, FIRST_WORDS)
    csrf = await api_sign_in(client, "li.agent")
    mine, token = waiting[-1]
    await claim_conversation(client, csrf, mine)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await console(browser, client, "li.agent", WIDE)
        await expect(agent.locator("#queue .ticket")).to_have_count(len(FIRST_WORDS) - 1, timeout=10_000)
        mine_item = agent.locator("#mine li", has_text=f"会话 {mine}")
        await expect(mine_item).to_be_in_viewport()
        await expect(agent.locator("#mine-count")).to_have_text("1")
        mine_box = await agent.locator("#mine-panel").bounding_box()
        queue_box = await agent.locator("#queue-panel").bounding_box()
        assert mine_box is not None and queue_box is not None
        assert mine_box["y"] + mine_box["height"] <= queue_box["y"], "my conversations come before the queue"
        # claimed on another computer: new to this one until opened here
        await expect(agent.locator("#mine-unread")).to_have_text("1 条新消息")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await agent.screenshot(path=str(SCREENSHOTS / "console-mine-above-queue.png"))
        await mine_item.get_by_role("button").click()
        await expect(agent.locator("#conversation-title")).to_have_text(f"会话 {mine}")
        await expect(agent.locator("#mine-unread")).to_be_hidden()

        # The customer writes while the agent looks at another: marked new at once, and after a reload.
        await agent.locator("#queue .ticket").first.get_by_role("button", name="查看").click()
        await expect(agent.locator("#conversation-title")).not_to_have_text(f"会话 {mine}")
        customer = await ChatSocket.open(client, token)
        clock.advance(minutes=3)
        await customer.send("师傅什么时候来?")
        await expect(mine_item.locator(".unread")).to_have_text("新消息", timeout=10_000)
        await expect(agent.locator("#mine-unread")).to_have_text("1 条新消息")
        await agent.screenshot(path=str(SCREENSHOTS / "console-mine-unread.png"))
        await agent.reload()
        await expect(agent.locator("body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await expect(mine_item.locator(".unread")).to_have_text("新消息")
        await mine_item.get_by_role("button").click()
        await expect(agent.locator("#mine-unread")).to_be_hidden()
        await expect(mine_item.locator(".unread")).to_have_count(0)
        await customer.close()
        await browser.close()


async def test_on_a_phone_an_opened_conversation_fills_the_screen_and_goes_back_to_the_queue(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await customers_waiting(client, FIRST_WORDS[:3])
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await console(browser, client, "li.agent", PHONE)
        cards = agent.locator("#queue .ticket")
        await expect(cards).to_have_count(3, timeout=10_000)
        await cards.nth(1).get_by_role("button", name="查看").click()
        await expect(agent.locator("#messages")).to_contain_text(FIRST_WORDS[1], timeout=10_000)
        await expect(agent.locator("#conversation-title")).to_be_in_viewport()
        await expect(agent.locator("#reply-text")).to_be_in_viewport()
        await expect(agent.locator("#queue-panel")).to_be_hidden()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await agent.screenshot(path=str(SCREENSHOTS / "console-phone-conversation.png"))

        await agent.get_by_role("button", name="← 返回队列").click()
        await expect(cards.first).to_be_in_viewport()
        await expect(agent.locator("#back-to-queue")).to_be_hidden()
        await agent.screenshot(path=str(SCREENSHOTS / "console-phone-queue.png"))

        # Claiming opens the conversation the same way, ready for the reply.
        await cards.first.locator(".claim").click()
        await expect(agent.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        await expect(agent.locator("#reply-text")).to_be_in_viewport()
        await expect(agent.locator("#reply-text")).to_be_enabled()
        await browser.close()


async def test_a_supervisor_s_transfer_reads_from_the_previous_owner_to_the_new_one(make_client: AppFactory) -> None:
    client = await make_client()
    for username, role in [("agent1", Role.AGENT), ("agent2", Role.AGENT), ("sup1", Role.SUPERVISOR)]:
        await add_user(client, username, role)
    [(conversation_id, _)] = await customers_waiting(client, ["电梯坏了一个星期"])
    await claim_conversation(client, await api_sign_in(client, "agent2"), conversation_id)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        supervisor = await console(browser, client, "sup1", WIDE)
        await supervisor.fill("#open-id", str(conversation_id))
        await supervisor.click("#open-form button[type=submit]")
        await expect(supervisor.locator("#conversation-meta")).to_contain_text("处理人：agent2", timeout=10_000)
        await supervisor.fill("#transfer-target", "agent1")
        await supervisor.click("#transfer")
        row = supervisor.locator("#timeline li", has_text="转交")
        await expect(row).to_contain_text("转交 agent2 → agent1", timeout=10_000)
        await expect(row).to_contain_text("我（sup1）")
        await expect(supervisor.locator("#conversation-meta")).to_contain_text("处理人：agent1")
        await supervisor.screenshot(path=str(SCREENSHOTS / "console-transfer-timeline.png"))
        await browser.close()


async def test_a_case_handed_to_an_agent_says_what_it_is_about_and_queue_cards_name_their_place(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    for username in ("agent1", "agent2"):
        await add_user(client, username, Role.AGENT)
    [(first, _), (second, _)] = await customers_waiting(client, ["楼上漏水到我家", "电梯坏了一个星期,老人上不去楼"])
    csrf = await api_sign_in(client, "agent2")
    await claim_conversation(client, csrf, second)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent1 = await console(browser, client, "agent1", WIDE)
        card = agent1.locator("#queue .ticket")
        await expect(card).to_have_count(1, timeout=10_000)
        await expect(card.locator(".badge.position")).to_have_text("第1位")
        await expect(card.locator(".ticket-title")).to_have_text(f"会话 {first}")

        moved = await client.post(
            f"/api/conversations/{second}/transfer", json={"username": "agent1"}, headers={"X-CSRF-Token": csrf}
        )
        assert moved.status == 200, await moved.text()
        told = agent1.locator("#notifications li", has_text="转给您处理")
        await expect(told).to_have_count(1, timeout=10_000)
        await expect(told.locator(".notification-case")).to_contain_text("电梯坏了一个星期", timeout=10_000)
        await expect(told.locator(".notification-case")).to_contain_text("工程维修")
        await expect(told).to_contain_text("转交人: agent2")
        await agent1.screenshot(path=str(SCREENSHOTS / "console-handed-over.png"))
        await browser.close()


async def test_search_runs_when_the_agent_stops_typing_and_says_when_nothing_matches(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await customers_waiting(client, ["路灯坏了好几天"])
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        agent = await console(browser, client, "li.agent", WIDE)
        results = agent.locator("#search-results")
        await agent.locator("#search-q").press_sequentially("路")
        await agent.wait_for_timeout(800)
        await expect(results).to_be_hidden()  # one character: not yet
        await agent.locator("#search-q").press_sequentially("灯坏")
        hit = results.locator(".search-hit")
        await expect(hit).to_have_count(1, timeout=10_000)  # no Enter pressed
        await expect(hit).to_contain_text("路灯坏了好几天")

        await agent.fill("#search-q", "")
        await agent.locator("#search-q").press_sequentially("燃气泄漏")
        await expect(results.locator(".search-none")).to_have_text("没有找到与「燃气泄漏」相符的会话", timeout=10_000)
        await expect(hit).to_have_count(0)
        await agent.screenshot(path=str(SCREENSHOTS / "console-search-none.png"))

        # Enter still searches at once.
        await agent.fill("#search-q", "好几天")
        await agent.press("#search-q", "Enter")
        await expect(hit).to_have_count(1, timeout=10_000)
        await browser.close()
