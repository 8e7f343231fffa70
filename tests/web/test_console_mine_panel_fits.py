"""The supervisor's 我处理的会话 panel at 1280×800 (real Chromium): however many conversations are
listed, the 会话编号 box and its 打开 button are whole in view."""

from __future__ import annotations

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, expect, playwright_api, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user, customers_waiting, give_to

pytestmark = pytest.mark.browser

# [id, what is cut] for each control of the form outside the panel's visible box or the window.
CUT = """() => {
  const panel = document.getElementById("mine-panel").getBoundingClientRect();
  return ["open-id", "open-form"].flatMap((id) => {
    const box = document.getElementById(id).getBoundingClientRect();
    const cut = [];
    if (box.width === 0 || box.height === 0) cut.push("hidden");
    if (box.left < panel.left || box.right > panel.right || box.right > window.innerWidth) cut.push("width");
    if (box.top < panel.top || box.bottom > panel.bottom || box.bottom > window.innerHeight) cut.push("height");
    return cut.length ? [[id, cut.join(" "), JSON.stringify(box), JSON.stringify(panel)]] : [];
  });
}"""


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
async def test_the_conversation_number_box_is_whole_at_1280_by_800(make_client: AppFactory, locale: str) -> None:
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    waiting = await customers_waiting(client, ["路灯坏了", "电梯坏了", "水管漏水", "噪音扰民", "垃圾没人收"])
    for conversation_id, _ in waiting:
        await give_to(client, conversation_id, "zhou")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "zhou")
        if locale != "zh-CN":
            await page.select_option("#app .ui-locale", locale)
            await expect(page.locator(f"html[lang={locale}] body[data-ready=true]")).to_have_count(1, timeout=10_000)
        await expect(page.locator("#mine li[data-conversation]")).to_have_count(len(waiting), timeout=10_000)
        await page.screenshot(path=f"/tmp/staffmisc-mine-{locale}.png")
        assert await page.evaluate(CUT) == []
        await browser.close()
