"""The 答复时限 editor on a 1366×768 laptop (real Chromium): the exception rows fit the panel with
上移/删除 on one line, the rounding says its unit, and ids are tooltips behind readable names."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user

pytestmark = pytest.mark.browser


async def test_the_deadline_exceptions_fit_and_read_in_chinese_at_1366(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": 1366, "height": 768})).new_page()
        await page.goto(str(client.make_url("/manager/#standards/deadlines")))
        await sign_in(page, "boss")
        rows = page.locator("#deadline-overrides tbody tr")
        await expect(rows.first).to_be_visible(timeout=10_000)
        panel = await page.locator("#std-panel").bounding_box()
        assert panel is not None
        for row in await rows.all():
            remove = row.locator("button.std-remove")
            box, up = await remove.bounding_box(), await row.locator("button", has_text="↑").bounding_box()
            assert box is not None and up is not None
            assert box["x"] + box["width"] <= panel["x"] + panel["width"], "删除 inside the panel"
            assert abs(box["y"] - up["y"]) < 4 and box["height"] < 40, "上移 and 删除 side by side, 删除 on one line"
        rounding = page.locator("label.std-field", has=page.locator("[data-path='deadlines.round_to_minutes']"))
        await expect(rounding).to_contain_text("时限取整到")
        await expect(rounding).to_contain_text("分钟")
        # names, with the id only as a tooltip
        standard = page.locator("#deadlines thead th[title=standard]")
        await expect(standard).to_contain_text("标准客户")
        await expect(standard).not_to_contain_text("standard")
        danger = page.locator("[data-path='deadlines.overrides.0.signal'] option[value=danger]")
        await expect(danger).to_have_text("紧急危险")
        await expect(danger).to_have_attribute("title", "danger")
        page_text = await page.locator("#std-panel").inner_text()
        for raw in ("standard", "high_value", "complex", "danger"):
            assert raw not in page_text, raw
        await page.screenshot(path="/tmp/fl-deadlines.png")
        await browser.close()


CUT_OFF = """() => {
  // every picker, number and button of the exceptions inside its cell and the panel, and a
  // picker's chosen words whole inside it (its arrow left room)
  const panel = document.querySelector("#std-panel").getBoundingClientRect();
  const ruler = document.createElement("canvas").getContext("2d");
  const found = [];
  for (const control of document.querySelectorAll("#deadline-overrides td > *")) {
    const box = control.getBoundingClientRect(), cell = control.closest("td").getBoundingClientRect();
    const name = control.getAttribute("aria-label") || control.dataset.path || control.textContent;
    const outside = box.left < cell.left - 1 || box.right > cell.right + 1 || box.right > panel.right + 1;
    if (outside) found.push(`${name} outside its box`);
    if (control.tagName !== "SELECT") continue;
    const style = getComputedStyle(control);
    ruler.font = `${style.fontSize} ${style.fontFamily}`;
    const words = control.selectedOptions[0].textContent;
    const room = control.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
    if (ruler.measureText(words).width > room) found.push(`${words} cut off`);
  }
  return found;
}"""


@pytest.mark.parametrize(("width", "locale"), [(1280, "zh-CN"), (1280, "en"), (390, "zh-CN"), (390, "en")], ids=str)
async def test_the_deadline_exceptions_clock_fits_its_box(make_client: AppFactory, width: int, locale: str) -> None:
    """全天候(不顺延到服务时间), "Around the clock…", ran out of its box on a phone and was cut off in
    English on a laptop, where 删除's "Delete" stood outside the table."""
    client = await make_client()
    await add_user(client, "boss", Role.MANAGER)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": width, "height": 844})).new_page()
        url = str(client.make_url("/manager/#standards/deadlines"))
        await page.goto(url)
        await sign_in(page, "boss")
        if locale == "en":
            await page.select_option("#app .ui-locale", "en")
            await expect(page.locator("html[lang=en] body[data-ready=true]")).to_have_count(1, timeout=10_000)
            await page.goto(url)
        clock = page.locator("[data-path='deadlines.overrides.0.deadline.clock']")
        await expect(clock).to_be_visible(timeout=10_000)
        await expect(clock.locator("option:checked")).to_have_text(
            "全天候（不顺延到服务时间）" if locale == "zh-CN" else "Around the clock (24/7)"
        )
        assert await page.evaluate(CUT_OFF) == []
        if width < 900:  # a phone: each picker says what it picks
            await expect(page.locator("#deadline-overrides tr[data-override='0'] td").first).to_have_attribute(
                "data-label", "类别" if locale == "zh-CN" else "Category"
            )
        await page.locator("#deadline-overrides").screenshot(path=f"/tmp/fl-deadline-overrides-{width}-{locale}.png")
        await browser.close()
