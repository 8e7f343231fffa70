"""The supervisor's 我处理的会话 panel at 1280×800 (real Chromium): however many conversations are
listed, the 会话编号 box and its 打开 button are whole in view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.keys import resources
from bot.staff.accounts import Role
from bot.storage.models import Notification
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


# [row text, row box, list box] for each row of 我处理的会话 not whole in the list's visible box.
ROWS_CUT = """() => {
  const list = document.getElementById("mine").getBoundingClientRect();
  return [...document.querySelectorAll("#mine > li")].flatMap((row) => {
    const box = row.getBoundingClientRect();
    const whole = box.height > 10 && box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
    return whole ? [] : [[row.textContent, JSON.stringify(box), JSON.stringify(list)]];
  });
}"""


async def test_many_notifications_do_not_squeeze_the_supervisor_s_own_conversations(make_client: AppFactory) -> None:
    """The staff tester's supervisor at 1280×800 with 23 unread notices: 我处理的会话 was 2.5 px
    tall, its conversation with 1 条新消息 out of sight. Four conversations show whole."""
    client = await make_client()
    await add_user(client, "zhou", Role.SUPERVISOR)
    waiting = await customers_waiting(client, ["路灯坏了", "电梯坏了", "水管漏水", "噪音扰民", "垃圾没人收", "停水了"])
    for conversation_id, _ in waiting[:4]:
        await give_to(client, conversation_id, "zhou")

    def notify(session: Any) -> None:
        for index in range(23):
            session.add(
                Notification(
                    kind="cluster_alert",
                    audience="role:supervisor",
                    detail={"category": "billing", "count": index + 3},
                    created_at=dt.datetime.now(dt.UTC),
                )
            )

    await resources(client.app).database.write(notify)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "zhou")
        await expect(page.locator("#mine li[data-conversation]")).to_have_count(4, timeout=10_000)
        await expect(page.locator("#notifications li").first).to_be_visible(timeout=10_000)
        await page.screenshot(path="/tmp/console2-mine-many-notices.png")
        boxes = await page.evaluate(
            """() => ["mine-panel", "queue-panel", "notifications-panel"].map((id) => {
                 const box = document.getElementById(id).getBoundingClientRect();
                 return [id, Math.round(box.top), Math.round(box.bottom)];
               })"""
        )
        assert await page.evaluate(ROWS_CUT) == []
        assert await page.evaluate(CUT) == []
        # the queue and the notices below still in the window
        assert all(bottom <= 800 for _id, _top, bottom in boxes), boxes
        await browser.close()
