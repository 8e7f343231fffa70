"""The waiting queue's cards as a supervisor reads them at 1366×768 and 1920×1080, in Chinese and in
English: the deadline in a short form ("时限 今天 16:30", the full time on hover), the case number
whole, "Conversation 4" on one line, a wider queue column on a wide screen, and at least three
cards in sight however many conversations the supervisor holds and notices there are."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import job_ctx, ticket_of
from tests.helpers import ChatSocket, confirmed_complaint
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in
from workers.queue import supervise

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

LAPTOP = {"width": 1366, "height": 768}
WIDE = {"width": 1920, "height": 1080}
SHORT_DEADLINE = {
    "zh-CN": r"^时限 (今天|明天|\d+月\d+日) \d\d:\d\d$",
    "en": r"^due (today|tomorrow|[A-Z][a-z]{2} \d+) \d\d:\d\d$",
}

# Every part of a card's meta and wait lines, and whether it lies whole inside its card.
CUT_PARTS = """() => [...document.querySelectorAll("#queue > li.ticket")].flatMap((card) => {
  const right = card.getBoundingClientRect().right;
  return [...card.querySelectorAll(".ticket-meta > span, .ticket-wait > span")]
    .filter((part) => part.getBoundingClientRect().right > right + 0.5 || part.scrollWidth > part.clientWidth + 1)
    .map((part) => part.textContent);
})"""


async def _queued_complaint(client: Any) -> tuple[int, ChatSocket]:
    conversation_id, socket = await confirmed_complaint(client)
    await socket.send("转人工")
    await socket.until_bot_says("客服代表，我们会尽快回复")
    return conversation_id, socket


async def _cards_in_sight(page: Any) -> int:
    panel = await page.locator("#queue-panel").bounding_box()
    assert panel is not None
    boxes = [await card.bounding_box() for card in await page.locator("#queue > li").all()]
    return len([box for box in boxes if box and box["y"] + box["height"] <= panel["y"] + panel["height"] + 1])


async def test_queue_cards_read_whole_and_three_stay_in_sight_beside_held_cases_and_notices(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()  # on the service's fixed Monday afternoon, whatever the time of the run
    await add_user(client, "lead", Role.SUPERVISOR)
    waiting = [await _queued_complaint(client) for _ in range(6)]
    csrf = await api_sign_in(client, "lead")
    for conversation_id, _ in waiting[:2]:
        claimed = await client.post(
            f"/api/tickets/{await ticket_of(client, conversation_id)}/claim", headers={"X-CSRF-Token": csrf}
        )
        assert claimed.status == 200
    clock.advance(minutes=30)
    await supervise(job_ctx(client))

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        passes = ((LAPTOP, "zh-CN", "zh1366"), (LAPTOP, "en", "en1366"), (WIDE, "zh-CN", "zh1920"))
        for viewport, locale, shot in passes:
            page = await (await browser.new_context(viewport=viewport, locale=locale)).new_page()
            await page.clock.install(time=clock())  # the service's (fixed) time
            await page.goto(str(client.make_url("/console/")))
            await sign_in(page, "lead")
            if await page.evaluate("document.documentElement.lang") != locale:
                await page.select_option("#app .ui-locale", locale)
                ready = page.locator(f"html[lang={locale}] body[data-ready=true]")
                await expect(ready).to_have_count(1, timeout=10_000)
            cards = page.locator("#queue > li.ticket")
            await expect(cards).to_have_count(4, timeout=10_000)
            await expect(page.locator("#mine > li")).to_have_count(2)
            await expect(page.locator("#notifications li").first).to_be_visible()
            await page.screenshot(path=f"/tmp/cf-shots/queue-{shot}.png")
            # the deadline in its short form, the full one on hover
            deadline = cards.first.locator(".deadline")
            short = SHORT_DEADLINE[locale]
            await expect(deadline).to_have_text(re.compile(short))
            await expect(deadline).to_have_attribute("title", re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d$"))
            await expect(cards.first.locator(".case-number")).to_have_text(re.compile(r"^TS\d{8}\w+$"))
            assert await page.evaluate(CUT_PARTS) == []
            # "会话 4" / "Conversation 4" on one line
            title = await cards.first.locator(".ticket-title").bounding_box()
            assert title is not None and title["height"] < 24, title
            assert await _cards_in_sight(page) >= 3
            # my conversations and the notices keep their first row in sight, scrolling inside themselves
            for row_of, panel_of in (("#mine > li", "#mine-panel"), ("#notifications li", "#notifications-panel")):
                row = await page.locator(row_of).first.bounding_box()
                panel = await page.locator(panel_of).bounding_box()
                assert row and panel and row["y"] + min(row["height"], 40) <= panel["y"] + panel["height"], row_of
            if viewport is WIDE:
                queue = await page.locator("#queue-panel").bounding_box()
                assert queue is not None and queue["width"] >= 420, queue
            await page.context.close()
        await browser.close()
    for _, socket in waiting:
        await socket.close()
