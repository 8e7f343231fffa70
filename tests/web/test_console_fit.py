"""What a tester found cut off in the staff consoles: the English dashboard's "Longest wait" at
1280 px, the transfer field's placeholder at 1280 px, and at a phone's 390 px the 答复时限 table
and the manager's tabs running off the right edge."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAPTOP, LAUNCH_ARGS, customer_asks_for_a_person, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect
PHONE = {"width": 390, "height": 844}

# how much of an input's placeholder is cut off (0 when it shows whole), measured in its own font
PLACEHOLDER_OVERFLOW = """input => {
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return Math.max(0, context.measureText(input.placeholder).width - room);
}"""
CLIPPED = "node => node.scrollWidth > node.clientWidth + 1"


async def page_in(browser: Any, client: Any, path: str, username: str, viewport: dict[str, int], locale: str) -> Any:
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    await page.goto(str(client.make_url(path)))
    await sign_in(page, username)
    if locale == "en":
        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
    return page


async def test_at_1280_the_english_dashboard_and_transfer_field_show_their_words_whole(
    make_client: AppFactory,
) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        await customer_asks_for_a_person(browser, str(client.make_url("/chat")))
        manager = await page_in(browser, client, "/manager/", "boss", LAPTOP, "en")
        header = manager.locator("#dash-queues th", has_text="Longest wait")
        await expect(header).to_be_visible(timeout=10_000)
        card = manager.locator(".panel", has=manager.locator("#dash-queues"))
        assert not await card.evaluate(CLIPPED)  # the table fits its card: nothing behind a scroll
        assert not await header.evaluate(CLIPPED)
        await manager.screenshot(path="/tmp/console-fit-dashboard-en.png")

        console = await page_in(browser, client, "/console/", "boss", LAPTOP, "en")
        await expect(console.locator("#live")).to_have_attribute("data-state", "live", timeout=10_000)
        await console.wait_for_load_state("networkidle")  # the lists fetched again on going live are drawn
        await console.locator("#queue .claim").click()
        target = console.locator("#transfer-target")
        await expect(target).to_be_visible(timeout=10_000)
        assert await target.evaluate(PLACEHOLDER_OVERFLOW) == 0, await target.get_attribute("placeholder")
        await console.select_option("#transfer-mode", "queue")
        await expect(target).to_have_attribute("placeholder", "Queue")
        assert await target.evaluate(PLACEHOLDER_OVERFLOW) == 0
        await console.screenshot(path="/tmp/console-fit-transfer-en.png")
        await browser.close()


async def test_on_a_phone_the_deadline_table_and_the_tabs_stay_within_the_screen(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await page_in(browser, client, "/manager/#standards/deadlines", "boss", PHONE, "zh-CN")
        group = page.locator("[data-cell='simple.group']")
        await expect(group).to_be_attached(timeout=10_000)
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for tab in await page.locator(".tabs button").all():
            box = await tab.bounding_box()
            name = await tab.inner_text()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
        # every column of the table in sight (VIP and 集团 included)
        for cell in ("simple.vip", "simple.group", "complex.group"):
            box = await page.locator(f"[data-cell='{cell}']").bounding_box()
            assert box is not None and box["x"] + box["width"] <= PHONE["width"], cell
        await page.screenshot(path="/tmp/console-fit-deadlines-phone.png", full_page=True)
        await browser.close()
