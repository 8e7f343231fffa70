"""The console's search on a phone (390×844, touch, real Chromium): its results close on a tap
outside them and on Escape, so they no longer cover the conversation's "← 返回队列"."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user, claim_conversation, customers_waiting
from tests.staff import sign_in as sign_in_api

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

PHONE = {"width": 390, "height": 844}


async def test_search_results_close_on_a_tap_outside_and_on_escape(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li", Role.AGENT)
    [(conversation_id, _)] = await customers_waiting(client, ["电梯坏了一个星期"])
    await claim_conversation(client, await sign_in_api(client, "li"), conversation_id)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = await browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
        page = await context.new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "li")
        await page.evaluate(f"location.hash = '#conversation={conversation_id}'")
        back = page.locator("#back-to-queue")
        await expect(back).to_be_visible(timeout=10_000)
        results = page.locator("#search-results")

        async def search() -> None:
            await page.locator("#search-q").fill("电梯")
            await page.locator("#search-q").press("Enter")
            await expect(results.locator(".search-hit")).to_have_count(1)
            await expect(results).to_be_visible()

        await search()
        await page.screenshot(path="/tmp/staffsmall-phone-search-open.png")
        # Escape from a result (the focus left the box) closes them.
        await results.locator(".search-hit").focus()
        await page.keyboard.press("Escape")
        await expect(results).to_be_hidden()

        await search()
        await page.locator("#reply-text").scroll_into_view_if_needed()
        reply = await page.locator("#reply-text").bounding_box()
        assert reply is not None
        await page.touchscreen.tap(reply["x"] + reply["width"] / 2, reply["y"] + reply["height"] / 2)
        await expect(results).to_be_hidden()

        await page.evaluate("window.scrollTo(0, 0)")
        await search()
        covering = await results.bounding_box()
        assert covering is not None
        # a tap on the page below the results
        await page.touchscreen.tap(
            PHONE["width"] / 2, min(PHONE["height"] - 20, covering["y"] + covering["height"] + 40)
        )
        await expect(results).to_be_hidden()
        await back.tap()
        await expect(page.locator("#back-to-queue")).to_be_hidden()
        await page.screenshot(path="/tmp/staffsmall-phone-search-closed.png")
        await browser.close()
