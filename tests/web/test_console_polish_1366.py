"""What a tester found on the supervisor's pages at 1366×768, in English and in Chinese: the
dashboard's queue and deadline tables cut at their card's edge, a cluster alert's problem (电梯) left
in Chinese, the counts by category not saying what they count, and the staff table's 角色 one
character a line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import HandoffTicket
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory, FixedClock
from tests.handoff.dashboard_helpers import stored_complaint as _complaint
from tests.handoff.queue_helpers import customer_hands_off, job_ctx
from tests.staff import add_user
from workers.queue import detect_clusters

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# a cell whose words run past its edge, or a table wider than the card holding it
CLIPPED = "node => node.scrollWidth > node.clientWidth + 1"
# how many lines a cell's text takes
LINES = """node => {
  const range = document.createRange();
  range.selectNodeContents(node);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
}"""


async def page_in(browser: Any, client: Any, path: str, username: str, viewport: dict[str, int], locale: str) -> Any:
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    await page.goto(str(client.make_url(path)))
    await sign_in(page, username)
    if locale == "en":
        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
    return page


async def a_busy_day(client: Any, clock: FixedClock) -> None:
    """Customers waiting 13 minutes in the queues with the longest names, an unclaimed emergency
    near its deadline in the duty supervisor's queue, one past its deadline, and three lifts broken
    at one estate (a cluster alert)."""
    waiting = []
    for queue in ("supervisor", "real_estate", "engineering"):
        conversation_id, socket = await customer_hands_off(client)
        await socket.close()
        waiting.append(conversation_id)

        def move(session: Session, conversation_id: int = conversation_id, queue: str = queue) -> None:
            moved = update(HandoffTicket).where(HandoffTicket.conversation_id == conversation_id)
            session.execute(moved.values(queue=queue))

        await resources(client.app).database.write(move)
    clock.advance(minutes=13)
    now = resources(client.app).clock()
    soon = now + dt.timedelta(minutes=30)
    await _complaint(client, "滨江花园", created_at=now, deadline_at=soon, conversation_id=waiting[0])
    hour = dt.timedelta(hours=1)
    await _complaint(client, "阳光花园", created_at=now - 13 * hour, deadline_at=now - hour)
    for hours in (3, 2, 1):
        await _complaint(client, "翠湖天地", created_at=now - dt.timedelta(hours=hours))
    assert await detect_clusters(job_ctx(client)) == 2  # one for the supervisors, one for the managers


async def test_at_1366_the_english_dashboard_shows_every_word_whole_and_in_english(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await a_busy_day(client, clock)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        manager = await page_in(browser, client, "/manager/", "boss", DESKTOP, "en")
        await expect(manager.locator("#dash-at-risk td")).to_have_count(4, timeout=10_000)
        await manager.screenshot(path="/tmp/polish-dashboard-en-1366.png", full_page=True)
        for table in ("#dash-queues", "#dash-at-risk", "#dash-breached"):
            assert not await manager.locator(table).evaluate(CLIPPED), table
            for cell in await manager.locator(f"{table} th, {table} td").all():
                assert not await cell.evaluate(CLIPPED), await cell.text_content()
        await expect(manager.locator("#dash-alerts td").first).to_have_text("Property service · Lift")
        await expect(manager.locator("#dash-categories")).to_contain_text("New in the past 24 hours, resolved ones too")

        console = await page_in(browser, client, "/console/", "boss", DESKTOP, "en")
        await expect(console.locator("#notifications")).to_contain_text("Problem: Lift", timeout=10_000)
        await console.screenshot(path="/tmp/polish-console-en-1366.png")
        # the pages looked at are closed: three live pages at once starved a loaded machine's renderer
        await manager.context.close()
        await console.context.close()

        phone = await page_in(browser, client, "/manager/", "boss", PHONE, "en")
        await expect(phone.locator("#dash-at-risk td")).to_have_count(4, timeout=10_000)
        await phone.screenshot(path="/tmp/polish-dashboard-en-390.png", full_page=True)
        await browser.close()


async def test_at_1366_the_chinese_staff_table_keeps_each_role_on_one_line(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "li.agent", Role.AGENT)
    await a_busy_day(client, clock)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        manager = await page_in(browser, client, "/manager/", "boss", DESKTOP, "zh-CN")
        await expect(manager.locator("#dash-categories")).to_contain_text("近24小时新投诉（含已解决）", timeout=10_000)
        await manager.screenshot(path="/tmp/polish-dashboard-zh-1366.png", full_page=True)
        await manager.locator(".tabs button[data-tab=staff]").click()
        role = manager.locator("#people-table td", has_text="客服").first
        await expect(role).to_be_visible(timeout=10_000)
        await manager.screenshot(path="/tmp/polish-staff-zh-1366.png", full_page=True)
        for cell in await manager.locator("#people-table tbody tr td:nth-child(3)").all():
            assert await cell.evaluate(LINES) <= 1, await cell.text_content()
        await browser.close()
