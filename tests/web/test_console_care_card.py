"""In real Chromium: a customer who told of a pregnancy waits first in the queue, her card marked
关怀 (关怀优先, as 长者 is for an elder); the supervisor's 超时无人认领 notices follow the queue's
order (gas and someone trapped in a lift above the media and 12345 threats of the same minute)."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, laptop_console
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, job_ctx
from tests.helpers import confirmed_complaint
from tests.staff import add_user
from workers.queue import supervise

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_a_pregnant_customers_card_says_care_and_stands_first(make_client: AppFactory, clock: FixedClock) -> None:
    client = await make_client()
    earlier = []
    for place, phone in (("阳光花园3栋", "13800138000"), ("阳光花园4栋", "13800138001")):
        text = f"小区楼道的垃圾三天没人清理 气死我了 {place} {phone}"
        earlier.append((await confirmed_complaint(client, text))[0])
        clock.advance(seconds=13)
    pregnant, _ = await confirmed_complaint(client, "楼上漏水 我老婆怀孕七个月了 天天睡不着 阳光花园5栋 13900139000")
    await add_user(client, "li.agent", Role.AGENT)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "li.agent")
        badge = page.locator(f'.ticket[data-conversation="{pregnant}"] .badge.care')
        await expect(badge).to_have_text("关怀", timeout=10_000)
        assert await badge.get_attribute("title") == "关怀优先：患病、怀孕或术后恢复的客户，与长者同样优先"
        cards = page.locator("#queue .ticket")
        await expect(cards.first).to_have_attribute("data-conversation", str(pregnant))
        await expect(cards.first.locator(".badge.position")).to_have_text("第1位")
        for other in earlier:
            await expect(page.locator(f'.ticket[data-conversation="{other}"] .badge.care')).to_have_count(0)
        await page.screenshot(path="/tmp/care-card.png")
        await browser.close()


async def test_unclaimed_overdue_notices_are_listed_as_the_queue_serves_them(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    customers = [
        await customer_hands_off(client, says=says, expect=expect)
        for says, expect in (
            ("宽带老是断 我要曝光你们", "主管"),
            ("宽带一直断 不解决我就打12345", "主管"),
            ("楼道里煤气味特别大 是不是漏气了", "紧急"),
            ("救命，我被困在电梯里了", "紧急"),
        )
    ]
    clock.advance(minutes=6)
    assert await supervise(job_ctx(client)) == 4
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await laptop_console(browser, str(client.make_url("/console/")), "zhou")
        notices = page.locator('#notifications li[data-kind="pickup_overdue"]')
        await expect(notices).to_have_count(4, timeout=10_000)
        texts = [await notices.nth(i).inner_text() for i in range(4)]
        assert "煤气味" in texts[0] and "电梯" in texts[1], texts
        assert "曝光" in texts[2] and "12345" in texts[3], texts
        await page.screenshot(path="/tmp/overdue-notices.png", full_page=True)
        await browser.close()
    for _, socket in customers:
        await socket.close()
