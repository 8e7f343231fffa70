"""人员 (Staff) on a phone, in English: an agent of every queue has them listed a few names a line,
not one word a line down a column as narrow as "complaints" (15 lines for one agent); the first
password's hint reads whole ("Empty: one is made for…" was cut)."""

from __future__ import annotations

import pytest

from bot.keys import resources
from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user, set_queues

pytestmark = pytest.mark.browser


async def test_an_agents_queues_read_a_few_names_a_line_on_a_phone(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    await add_user(client, "li.agent", Role.AGENT)
    await set_queues(client, "li.agent", resources(client.app).config.handoff.queue_ids())
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": 390, "height": 844})).new_page()
        await page.goto(str(client.make_url("/manager/")))
        await sign_in(page, "boss")
        await page.select_option("#app .ui-locale", "en")
        await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await page.click(".tabs button[data-tab=staff]")
        queues = page.locator("#people-table tr", has_text="li.agent").locator("td").nth(3)
        await expect(queues).to_contain_text("General complaints, Duty supervisor", timeout=10_000)
        await page.screenshot(path="/tmp/fl-people-phone-en.png")
        lines = await queues.evaluate("(cell) => cell.clientHeight / parseFloat(getComputedStyle(cell).lineHeight)")
        assert lines < 10, lines
        hint_cut = await page.locator("#new-password").evaluate(
            """(box) => {
              const style = getComputedStyle(box), ruler = document.createElement("canvas").getContext("2d");
              ruler.font = `${style.fontSize} ${style.fontFamily}`;
              const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
              return ruler.measureText(box.placeholder).width > room;
            }"""
        )
        assert not hint_cut
        await page.screenshot(path="/tmp/fl-people-phone-en.png")
        await browser.close()
