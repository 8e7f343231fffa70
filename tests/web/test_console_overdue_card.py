"""A queue card whose case is overdue says so whole beside 认领/查看 (Claim/View): "Overdue · due
yesterday 17:00" in English ran on under the buttons at 1280 px."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.keys import resources
from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAPTOP, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.helpers import confirmed_complaint
from tests.staff import add_user

pytestmark = pytest.mark.browser

# The deadline line's box against each button's: overlapping boxes are words under a button.
UNDER_BUTTONS = """() => [...document.querySelectorAll("#queue > li.ticket")].flatMap((card) => {
  const words = card.querySelector(".ticket-wait .deadline").getBoundingClientRect();
  return [...card.querySelectorAll(".ticket-foot button")].filter((button) => {
    const box = button.getBoundingClientRect();
    const across = words.right > box.left + 0.5 && words.left < box.right;
    return across && words.bottom > box.top + 0.5 && words.top < box.bottom;
  }).map((button) => `${card.querySelector(".ticket-wait .deadline").textContent} under ${button.textContent}`);
})"""


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
async def test_an_overdue_cards_deadline_is_not_under_its_buttons(make_client: AppFactory, locale: str) -> None:
    client = await make_client()
    await add_user(client, "wang.sup", Role.SUPERVISOR)
    _, socket = await confirmed_complaint(client)
    await socket.send("转人工")
    await socket.until_bot_says("客服代表，我们会尽快回复")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport=LAPTOP)).new_page()
        # a week on: the case's reply time is long past
        await page.clock.install(time=resources(client.app).clock() + dt.timedelta(days=7))
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "wang.sup")
        if locale == "en":
            await page.select_option("#app .ui-locale", "en")
            await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await expect(page.locator("#queue .ticket")).to_have_count(1, timeout=10_000)
        deadline = page.locator("#queue .ticket .deadline.breached")
        await expect(deadline).to_contain_text("已超时" if locale == "zh-CN" else "Overdue", timeout=10_000)
        assert await page.evaluate(UNDER_BUTTONS) == []
        await page.locator("#queue-panel").screenshot(path=f"/tmp/fl-overdue-card-{locale}.png")
        await browser.close()
    await socket.close()
