"""A ticket nobody claims is alerted to the supervisors again and again (every 10 minutes for
someone trapped in a lift): the console shows one card for it, its count and newest time kept up to
date, not a new card each time; reading the card reads every alert of it. So is a second danger
("着火了" after the gas) told while the case waits for the duty supervisor, read by none."""

from __future__ import annotations

import re

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory, FixedClock
from tests.handoff.queue_helpers import customer_hands_off, gas_then_fire, job_ctx
from tests.staff import add_user
from tests.staff import sign_in as api_sign_in
from workers.queue import supervise

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect


async def test_the_repeats_of_an_unclaimed_ticket_alert_update_one_card(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    _, trapped = await customer_hands_off(client, says="电梯里困了人 快来", expect="紧急")
    _, other = await customer_hands_off(client, says="电梯里困了人 三楼", expect="紧急")
    ctx = job_ctx(client)
    for minutes in (5, 10, 10):  # alerted after 5 minutes, then every 10
        clock.advance(minutes=minutes)
        assert await supervise(ctx) == 2
    await api_sign_in(client, "lead")
    body = await (await client.get("/api/notifications")).json()
    alerts = [n["created_at"] for n in body["notifications"] if n["kind"] == "pickup_overdue"]

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": 1366, "height": 768})).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "lead")
        cards = page.locator("#notifications li[data-kind=pickup_overdue]")
        await expect(cards).to_have_count(2, timeout=10_000)  # one a ticket, not six
        for card in await cards.all():
            newest, first = [
                await page.evaluate("(iso) => Staff.formatTime(iso)", at) for at in (alerts[0], alerts[-1])
            ]
            await expect(card.locator(".ticket-head")).to_contain_text(newest)
            repeats = card.locator(".ticket-head .notification-repeats")
            await expect(repeats).to_have_text("已提醒3次")
            await expect(repeats).to_have_attribute("title", f"首次 {first}")
            await expect(card).to_contain_text("已等待25分钟")
            await expect(card).not_to_contain_text("第3次提醒")
        others = len({n["id"] for n in body["notifications"] if n["kind"] != "pickup_overdue"})
        await expect(page.locator("#notifications-unread")).to_have_text(f"{2 + others} 条未读")

        # another alert while the console is open: the same card counts it
        clock.advance(minutes=10)
        assert await supervise(ctx) == 2
        await expect(cards.first.locator(".notification-repeats")).to_contain_text("已提醒4次", timeout=10_000)
        await expect(cards).to_have_count(2)
        await expect(cards.first).to_contain_text("已等待35分钟")
        await page.screenshot(path="/tmp/console4-alert-repeats.png")

        # read: every alert of that card, the other ticket's card still unread
        await cards.first.get_by_role("button", name="标为已读").click()
        await expect(page.locator("#notifications-unread")).to_have_text(f"{1 + others} 条未读")
        await expect(page.locator("#notifications li[data-kind=pickup_overdue].muted")).to_have_count(1)
        await browser.close()

    body = await (await client.get("/api/notifications")).json()
    read = [n["read"] for n in body["notifications"] if n["kind"] == "pickup_overdue"]
    assert sorted(read) == [False] * 4 + [True] * 4
    for socket in (trapped, other):
        await socket.close()


async def test_the_repeats_of_an_unread_second_danger_are_one_urgent_card(
    make_client: AppFactory, clock: FixedClock
) -> None:
    client = await make_client()
    await add_user(client, "lead", Role.SUPERVISOR)
    _, socket = await gas_then_fire(client, clock)
    ctx = job_ctx(client)
    for minutes in (5, 10):
        clock.advance(minutes=minutes)
        await supervise(ctx)

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": 1366, "height": 768})).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "lead")
        cards = page.locator("#notifications li[data-kind=another_danger]")
        await expect(cards).to_have_count(1, timeout=10_000)
        await expect(cards).to_have_class(re.compile(r"\burgent\b"))
        await expect(cards).to_contain_text("阳光花园3栋着火了")
        await expect(cards.locator(".notification-repeats")).to_have_text("已提醒3次")
        await cards.get_by_role("button", name="标为已读").click()
        await expect(page.locator("#notifications li[data-kind=another_danger].muted")).to_have_count(1)
        await browser.close()

    await api_sign_in(client, "lead")
    body = await (await client.get("/api/notifications")).json()
    assert [n["read"] for n in body["notifications"] if n["kind"] == "another_danger"] == [True] * 3
    await socket.close()
