"""The manager console's filters read in Chinese and English, on a laptop and a phone: the audit
log's staff box shows its hint whole ("Username or its start" was cut to "Username or its sta"),
and the reports' From/To stand apart from their dates ("From10/25/2026")."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser

HINT_CUT = """() => {
  const box = document.querySelector("#audit-actor"), style = getComputedStyle(box);
  const ruler = document.createElement("canvas").getContext("2d");
  ruler.font = `${style.fontSize} ${style.fontFamily}`;
  const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return ruler.measureText(box.placeholder).width > room;
}"""

# How far each of the reports' date boxes stands from the end of its label's words.
LABEL_GAPS = """() => ["#report-from", "#report-to"].map((id) => {
  const box = document.querySelector(id), label = box.parentElement.firstChild, words = document.createRange();
  words.setStart(label, 0);
  words.setEnd(label, label.textContent.trimEnd().length);
  return box.getBoundingClientRect().left - words.getBoundingClientRect().right;
})"""


@pytest.mark.parametrize(("width", "locale"), [(1280, "zh-CN"), (1280, "en"), (390, "en")], ids=str)
async def test_the_audit_and_report_filters_read_whole(make_client: AppFactory, width: int, locale: str) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": width, "height": 844})).new_page()
        await page.goto(str(client.make_url("/manager/")))
        await sign_in(page, "boss")
        if locale == "en":
            await page.select_option("#app .ui-locale", "en")
            await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await page.click(".tabs button[data-tab=audit]")
        actor = page.locator("#audit-actor")
        await expect(actor).to_have_attribute(
            "placeholder", "用户名或开头" if locale == "zh-CN" else "Username or its start"
        )
        assert not await page.evaluate(HINT_CUT)
        await page.click(".tabs button[data-tab=reports]")
        await expect(page.locator("#report-from")).to_be_visible(timeout=10_000)
        assert all(gap >= 3 for gap in await page.evaluate(LABEL_GAPS))
        await page.locator(".report-filters").screenshot(path=f"/tmp/fl-report-filters-{width}-{locale}.png")
        await browser.close()
