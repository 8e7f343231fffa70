"""The agent console at 1366×768 and 1920×1080 gives the waiting queue the column's spare height
(the notices take what they need), keeps the customer panel whole, and keeps 答复时限 in sight
while a supervisor previews an extension."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.staff.accounts import Role
from tests.browser import CHROMIUM, LAUNCH_ARGS, sign_in
from tests.conftest import AppFactory
from tests.staff import add_user, claim_conversation, customers_waiting
from tests.staff import sign_in as api_sign_in

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is a dev dependency")
expect = playwright_api.expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WORDS = [
    "电梯坏了一个星期",
    "楼上漏水到我家",
    "小区门口路灯不亮",
    "垃圾三天没人清理",
    "停车场积水很深",
    "楼道灯不亮",
    "水压太低",
    "暖气不热",
    "门禁坏了",
    "外墙掉皮",
    "下水道堵了",
    "噪音扰民",
]


async def cards_in_sight(page: Any) -> int:
    return int(
        await page.evaluate(
            """() => {
      const panel = document.getElementById("queue-panel").getBoundingClientRect();
      return [...document.querySelectorAll("#queue .ticket")].filter((card) => {
        const box = card.getBoundingClientRect();
        return box.top >= panel.top - 1 && box.bottom <= panel.bottom + 1 && box.bottom <= innerHeight;
      }).length;
    }""",
            None,
        )
    )


# At 1366×768 a card gives its case number and deadline whole (a manager could not read them cut
# short), so three fit beside the other panels; at 1920×1080 the column is wider and taller.
@pytest.mark.parametrize(
    ("viewport", "least"), [({"width": 1366, "height": 768}, 3), ({"width": 1920, "height": 1080}, 7)]
)
async def test_the_queue_takes_the_spare_height(make_client: AppFactory, viewport: dict[str, int], least: int) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    await customers_waiting(client, WORDS)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport=viewport)).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "li.agent")
        await expect(page.locator("#queue .ticket")).to_have_count(len(WORDS), timeout=10_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / f"console-queue-{viewport['width']}.png"))
        assert await cards_in_sight(page) >= least

        await page.locator("#queue .claim").first.click()
        await expect(page.locator("#conversation-meta")).to_contain_text("处理人：我", timeout=10_000)
        await expect(page.locator("#customer-panel")).to_be_visible()
        await page.screenshot(path=str(SCREENSHOTS / f"console-queue-claimed-{viewport['width']}.png"))
        assert await cards_in_sight(page) >= least - 1
        customer = page.locator("#customer-panel")
        assert await customer.evaluate("node => node.scrollHeight <= node.clientHeight + 1"), (
            "the customer panel is whole"
        )
        await browser.close()


async def test_a_reply_being_typed_waits_in_its_own_conversation(make_client: AppFactory) -> None:
    client = await make_client()
    await add_user(client, "li.agent", Role.AGENT)
    waiting = await customers_waiting(client, WORDS[:3])
    csrf = await api_sign_in(client, "li.agent")
    for conversation_id, _ in waiting:
        await claim_conversation(client, csrf, conversation_id)
    (first, _), (second, _), (done, _) = waiting
    resolved = await client.post(
        f"/api/conversations/{done}/resolve", json={"summary": "已修好"}, headers={"X-CSRF-Token": csrf}
    )
    assert resolved.status == 200
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": 1366, "height": 768})).new_page()
        await page.goto(str(client.make_url("/console/")))
        await sign_in(page, "li.agent")
        # the count says every case listed, the resolved one too
        await expect(page.locator("#resolved li")).to_have_count(1, timeout=10_000)
        await expect(page.locator("#mine-count")).to_have_text("3")

        box = page.locator("#reply-text")
        for conversation_id, draft in [(first, "师傅明天上午到"), (second, "已联系物业")]:
            await page.locator("#mine li", has_text=f"会话 {conversation_id}").get_by_role("button").click()
            await expect(page.locator("#conversation-title")).to_have_text(f"会话 {conversation_id}", timeout=10_000)
            await expect(box).to_have_value("")
            await box.fill(draft)
        for conversation_id, draft in [(first, "师傅明天上午到"), (second, "已联系物业")]:
            await page.locator("#mine li", has_text=f"会话 {conversation_id}").get_by_role("button").click()
            await expect(page.locator("#conversation-title")).to_have_text(f"会话 {conversation_id}", timeout=10_000)
            await expect(box).to_have_value(draft)
        await browser.close()
